/** The public reports page (issue 14): the public-place reports of the last months on a map, with
 * the same figures as tables, which are what a screen reader and a search engine read. The map is
 * drawn here as SVG, so it needs no JavaScript: the configured map tiles under it (MAP_TILE_URL,
 * as in the app) or, without them, a coordinate grid; one marker per area of about a kilometre,
 * its size growing with the reports there, its colour and shape saying whether any still waits
 * for an answer. Beside the tables, the photos the entities' managers chose to show, a few per area,
 * each said by its category and area alone. */
import type { CategoryDoc, EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { boundsCentre, gridLines, tilesInView, tileUrl, toView, zoomToFit, type Bounds } from '../../../src/lib/domain/geo.js';
import { PUBLIC_AREAS_LISTED, PUBLIC_REPORT_DAYS, type PublicReports, type ReportArea } from '../../../src/lib/domain/public-reports.js';
import { escapeHtml } from '../rating/page.js';
import { formatNumber, t, type Locale } from '../rating/i18n.js';
import { formatDay, renderShell, REPORTS_PATHS } from './pages.js';
import { photoPath, THUMBNAIL_PX } from './photos.js';

export interface ReportsPage {
	locale: Locale;
	publicUrl: string;
	/** Null while the first read of them is under way. */
	reports: PublicReports | null;
	categories: Map<string, CategoryDoc>;
	entities: Map<string, EntityDoc>;
	map: { tileUrl: string | null; attribution: string; bounds: Bounds };
}

/** The largest side the map is drawn at; it is scaled to the page's width. */
const MAP_FIT_PX = 800;
const TILE_PX = 256;
const COLOURS = { waiting: '#b45309', answered: '#0b5d4b' };

const n = (value: number, locale: Locale) => formatNumber(value, locale);
/** Latitude and longitude as maps and GPS write them, in either language. */
const place = (area: Pick<ReportArea, 'lat' | 'lng'>) => `${area.lat.toFixed(2)}, ${area.lng.toFixed(2)}`;

/** A waiting area is a circle, an answered one a square: the shape says it without the colour. */
function marker(x: number, y: number, size: number, waiting: boolean): string {
	const r = size.toFixed(1);
	const fill = waiting ? COLOURS.waiting : COLOURS.answered;
	return waiting
		? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${fill}" fill-opacity=".85" stroke="#fff" stroke-width="1.5"/>`
		: `<rect x="${(x - size).toFixed(1)}" y="${(y - size).toFixed(1)}" width="${(2 * size).toFixed(1)}" height="${(2 * size).toFixed(1)}" fill="${fill}" fill-opacity=".85" stroke="#fff" stroke-width="1.5"/>`;
}

function drawMap(page: ReportsPage, reports: PublicReports): string {
	const { locale, map } = page;
	const { bounds } = map;
	const zoom = zoomToFit(bounds, MAP_FIT_PX, MAP_FIT_PX);
	const centre = boundsCentre(bounds);
	const nw = toView({ lat: bounds.north, lng: bounds.west }, centre, zoom, 0, 0);
	const se = toView({ lat: bounds.south, lng: bounds.east }, centre, zoom, 0, 0);
	const width = Math.round(se.x - nw.x);
	const height = Math.round(se.y - nw.y);
	const at = (lat: number, lng: number) => toView({ lat, lng }, centre, zoom, width, height);
	const template = map.tileUrl;
	const tiles = template
		? tilesInView(centre, zoom, width, height)
				.map((tile) => `<image href="${escapeHtml(tileUrl(template, tile))}" x="${tile.left.toFixed(1)}" y="${tile.top.toFixed(1)}" width="${TILE_PX}" height="${TILE_PX}"/>`)
				.join('')
		: '';
	const grid = map.tileUrl ? { meridians: [], parallels: [] } : gridLines(centre, zoom, width, height);
	const lines = [
		...grid.meridians.map((m) => `<line x1="${m.x.toFixed(1)}" y1="0" x2="${m.x.toFixed(1)}" y2="${height}"/>`),
		...grid.parallels.map((p) => `<line x1="0" y1="${p.y.toFixed(1)}" x2="${width}" y2="${p.y.toFixed(1)}"/>`)
	].join('');
	// The largest areas first, so the smaller markers are drawn over them and stay visible.
	const markers = reports.areas
		.map((area) => {
			const { x, y } = at(area.lat, area.lng);
			const size = Math.min(16, 4 + 2 * Math.sqrt(area.waiting + area.answered));
			return marker(x, y, size, area.waiting > 0);
		})
		.join('');
	const label = t(locale, 'public.reports.map_label', {
		total: n(reports.total, locale),
		waiting: n(reports.waiting, locale),
		answered: n(reports.answered, locale),
		areas: n(reports.areas.length, locale)
	});
	const attribution = map.tileUrl && map.attribution ? `<p class="attribution" dir="auto">${escapeHtml(map.attribution)}</p>` : '';
	return `<figure class="map"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}"><rect width="${width}" height="${height}" fill="#e8eef0"/>${tiles}<g stroke="#b9c4cc" stroke-width="1">${lines}</g><g>${markers}</g></svg>
<figcaption><ul class="legend">${legend(locale, true)}${legend(locale, false)}</ul>${attribution}</figcaption></figure>`;
}

function legend(locale: Locale, waiting: boolean): string {
	return `<li><svg viewBox="0 0 20 20" aria-hidden="true">${marker(10, 10, 7, waiting)}</svg>${escapeHtml(t(locale, waiting ? 'public.reports.legend_waiting' : 'public.reports.legend_answered'))}</li>`;
}

function table(caption: string, head: string[], rows: string[][]): string {
	const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
	const body = rows.map(([first, ...rest]) => `<tr><th scope="row">${first}</th>${rest.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
	return `<div class="wide" role="region" tabindex="0" aria-label="${escapeHtml(caption)}"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function tables(page: ReportsPage, reports: PublicReports): string {
	const { locale } = page;
	const name = (doc: { name_ar: string; name_en: string } | undefined, id: string) => escapeHtml(doc ? (locale === 'en' ? doc.name_en : doc.name_ar) : id);
	const counts = (c: { waiting: number; answered: number; supporters: number }) => [n(c.waiting, locale), n(c.answered, locale), n(c.supporters, locale)];
	const columns = ['waiting', 'answered', 'supporters'].map((key) => t(locale, `public.reports.${key}`));
	const byCategory = table(
		t(locale, 'public.reports.by_category'),
		[t(locale, 'public.reports.category'), t(locale, 'public.figures.entity'), ...columns],
		reports.categories.map((c) => [name(page.categories.get(c.category_id), c.category_id), name(page.entities.get(c.entity_id), c.entity_id), ...counts(c)])
	);
	const byArea = table(
		t(locale, 'public.reports.by_area', { count: n(Math.min(PUBLIC_AREAS_LISTED, reports.areas.length), locale) }),
		[t(locale, 'public.reports.area'), ...columns],
		reports.areas.slice(0, PUBLIC_AREAS_LISTED).map((a) => [`<bdi dir="ltr">${escapeHtml(place(a))}</bdi>`, ...counts(a)])
	);
	return `${byCategory}\n${byArea}`;
}

/** The photos shown, under the area they were taken in; nothing if none was chosen. */
function photos(page: ReportsPage, reports: PublicReports): string {
	const { locale } = page;
	const areas = reports.areas.filter((area) => area.photos.length > 0);
	if (areas.length === 0) return '';
	const items = areas.map((area) => {
		const where = place(area);
		const images = area.photos.map((photo) => {
			const category = page.categories.get(photo.category_id);
			const alt = t(locale, 'public.reports.photo_alt', { category: category ? (locale === 'en' ? category.name_en : category.name_ar) : photo.category_id, area: where });
			return `<li><img src="${photoPath(photo.id)}" alt="${escapeHtml(alt)}" width="${THUMBNAIL_PX}" height="${THUMBNAIL_PX}" loading="lazy" decoding="async"></li>`;
		});
		return `<li><h3><bdi dir="ltr">${escapeHtml(where)}</bdi></h3><ul class="thumbs">${images.join('')}</ul></li>`;
	});
	return `<section aria-labelledby="photos-title"><h2 id="photos-title">${escapeHtml(t(locale, 'public.reports.photos'))}</h2><p>${escapeHtml(t(locale, 'public.reports.photos_intro'))}</p><ul class="areas">${items.join('\n')}</ul></section>`;
}

export function renderReports(page: ReportsPage): string {
	const { locale, reports } = page;
	return renderShell({
		locale,
		publicUrl: page.publicUrl,
		paths: REPORTS_PATHS,
		title: t(locale, 'public.reports.title'),
		description: t(locale, 'public.reports.description'),
		body: reports ? reportsBody(page, reports) : `<p>${escapeHtml(t(locale, 'public.reports.preparing'))}</p>`
	});
}

function reportsBody(page: ReportsPage, reports: PublicReports): string {
	const { locale } = page;
	const intro = t(locale, 'public.reports.intro', { days: n(PUBLIC_REPORT_DAYS, locale), since: formatDay(reports.since, locale) });
	const truncated = reports.truncated ? `<p>${escapeHtml(t(locale, 'public.reports.truncated'))}</p>` : '';
	const content = reports.total === 0 ? `<p>${escapeHtml(t(locale, 'public.reports.none'))}</p>` : `${drawMap(page, reports)}\n${truncated}${tables(page, reports)}\n${photos(page, reports)}`;
	return `<p>${escapeHtml(intro)}</p>\n<p>${escapeHtml(t(locale, 'public.reports.privacy'))}</p>\n${content}`;
}
