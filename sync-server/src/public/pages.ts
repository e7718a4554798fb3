/** The public pages (issue 14): server-rendered HTML that search engines and link previews read
 * without running JavaScript, Arabic (right to left) by default and English, each with its
 * Open Graph tags, a canonical address and its other language as an alternate. Every value from
 * the store is escaped; links are only the http(s) addresses the domain accepted. */
import type { EntityDoc } from '../../../src/lib/domain/doc-types.js';
import type { PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { escapeHtml } from '../rating/page.js';
import { formatNumber, t, type Locale } from '../rating/i18n.js';
import type { Report, ReportRow } from '../../../src/lib/domain/stats/report.js';

/** The path of the list of implemented suggestions in each language. */
export const PUBLIC_PATHS: Record<Locale, string> = { ar: '/public', en: '/public/en' };
/** The national and per-entity figures of the annual report, and the same as open data. */
export const FIGURES_PATHS: Record<Locale, string> = { ar: '/public/figures', en: '/public/en/figures' };
export const FIGURES_JSON_PATH = '/public/figures.json';
/** The public-place reports of the last months on a map (public/reports-page.ts). */
export const REPORTS_PATHS: Record<Locale, string> = { ar: '/public/reports', en: '/public/en/reports' };

/** One year of the annual report as published: a past year whole, or this year so far. */
export interface PublicPeriod {
	year: number;
	complete: boolean;
	report: Report;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,"Noto Sans Arabic","Segoe UI",Tahoma,sans-serif;color:#1b1f24;background:#f5f6f7}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem;padding:.75rem 1rem;background:#0b5d4b;color:#fff}
header a{color:#fff;display:inline-flex;align-items:center;min-block-size:2.75rem}
main{max-inline-size:50rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.3}
h2{font-size:1.2rem;line-height:1.4;margin:0 0 .5rem}
ol{list-style:none;margin:0;padding:0}
article{background:#fff;border:1px solid #d0d5da;border-inline-start:4px solid #0b5d4b;border-radius:.5rem;padding:1rem;margin-block:1rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:.5rem 0 0}
dt{font-weight:600}
dd{margin:0}
.change{white-space:pre-wrap}
nav.pages ul{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;list-style:none;margin:0;padding:.5rem 1rem;background:#fff;border-block-end:1px solid #d0d5da}
nav.pages a{display:inline-flex;align-items:center;min-block-size:2.75rem}
nav.pages a[aria-current]{font-weight:700}
section{margin-block:1.5rem}
.wide{overflow-x:auto;background:#fff;border:1px solid #d0d5da;border-radius:.5rem}
table{border-collapse:collapse;inline-size:100%;font-variant-numeric:tabular-nums}
caption{text-align:start;font-weight:600;padding:.5rem}
th,td{padding:.4rem .6rem;border-block-start:1px solid #e3e6e9;text-align:start;vertical-align:top}
td{white-space:nowrap}
a{color:#0b5d4b}
.map{margin:1rem 0;background:#fff;border:1px solid #d0d5da;border-radius:.5rem;padding:.5rem}
.map svg{display:block;inline-size:100%;block-size:auto;max-block-size:80vh}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;list-style:none;margin:.5rem 0 0;padding:0}
.legend svg{inline-size:1rem;block-size:1rem;vertical-align:middle;margin-inline-end:.4rem}
.attribution{font-size:.85rem;margin:.25rem 0 0}
h3{font-size:1rem;margin:.75rem 0 .25rem}
.areas,.thumbs{list-style:none;margin:0;padding:0}
.thumbs{display:flex;flex-wrap:wrap;gap:.5rem}
.thumbs img{display:block;inline-size:9rem;block-size:9rem;object-fit:cover;border-radius:.4rem;border:1px solid #d0d5da;background:#e8eef0}
:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
`;

export interface ListPage {
	locale: Locale;
	publicUrl: string;
	suggestions: PublicSuggestionDoc[];
	entities: Map<string, EntityDoc>;
}

const LOCALE_TAG: Record<Locale, string> = { ar: 'ar_BH', en: 'en_GB' };

/** A local date (YYYY-MM-DD) as people read it, Gregorian, Arabic or Latin digits by language. */
export function formatDay(day: string, locale: Locale): string {
	return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-BH-u-ca-gregory' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

function item(locale: Locale, s: PublicSuggestionDoc, entities: Map<string, EntityDoc>): string {
	const entity = entities.get(s.entity_id);
	const entityName = entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : s.entity_id;
	const proposer = s.proposer_name ?? t(locale, 'public.anonymous');
	const link = s.link ? `<p><a href="${escapeHtml(s.link)}" rel="noopener nofollow">${escapeHtml(t(locale, 'public.link'))}</a></p>` : '';
	const headingId = `s-${escapeHtml(s.public_id)}`;
	return `<li><article aria-labelledby="${headingId}">
<h2 id="${headingId}" dir="auto">${escapeHtml(s.title)}</h2>
<p class="change" dir="auto"><strong>${escapeHtml(t(locale, 'public.change'))}:</strong> ${escapeHtml(s.change)}</p>
${link}<dl>
<dt>${escapeHtml(t(locale, 'public.entity'))}</dt><dd>${escapeHtml(entityName)}</dd>
<dt>${escapeHtml(t(locale, 'public.implemented_on'))}</dt><dd><time datetime="${escapeHtml(s.implemented_on)}">${escapeHtml(formatDay(s.implemented_on, locale))}</time></dd>
<dt>${escapeHtml(t(locale, 'public.proposed_on'))}</dt><dd><time datetime="${escapeHtml(s.proposed_on)}">${escapeHtml(formatDay(s.proposed_on, locale))}</time></dd>
<dt>${escapeHtml(t(locale, 'public.proposer'))}</dt><dd dir="auto">${escapeHtml(proposer)}</dd>
${s.proposers && s.proposers > 1 ? `<dt>${escapeHtml(t(locale, 'public.proposers'))}</dt><dd>${escapeHtml(formatNumber(s.proposers, locale))}</dd>\n` : ''}</dl>
</article></li>`;
}

/** One public page: its language, where it lives, and what it says. */
interface Shell {
	locale: Locale;
	publicUrl: string;
	paths: Record<Locale, string>;
	title: string;
	description: string;
	body: string;
}

/** The page around the content: Open Graph tags, canonical address, the other language, and
 * links between the public pages. */
export function renderShell(page: Shell): string {
	const { locale, publicUrl, paths, title, description } = page;
	const other: Locale = locale === 'ar' ? 'en' : 'ar';
	const url = `${publicUrl}${paths[locale]}`;
	const pages = [
		[PUBLIC_PATHS[locale], t(locale, 'public.figures.suggestions_link')],
		[FIGURES_PATHS[locale], t(locale, 'public.figures.link')],
		[REPORTS_PATHS[locale], t(locale, 'public.reports.link')]
	].map(([href, label]) => `<li><a href="${href}"${href === paths[locale] ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`);
	return `<!doctype html>
<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(t(locale, 'app.name'))}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="canonical" href="${escapeHtml(url)}">
<link rel="alternate" hreflang="${locale}" href="${escapeHtml(url)}">
<link rel="alternate" hreflang="${other}" href="${escapeHtml(`${publicUrl}${paths[other]}`)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${escapeHtml(t(locale, 'app.name'))}">
<meta property="og:title" content="${escapeHtml(title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<meta property="og:url" content="${escapeHtml(url)}">
<meta property="og:locale" content="${LOCALE_TAG[locale]}">
<meta property="og:locale:alternate" content="${LOCALE_TAG[other]}">
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">${escapeHtml(t(locale, 'app.name'))}</a><nav aria-label="${escapeHtml(t(locale, 'public.language'))}"><a href="${paths[other]}" lang="${other}" hreflang="${other}">${escapeHtml(t(locale, 'lang.switch'))}</a></nav></header>
<nav class="pages" aria-label="${escapeHtml(t(locale, 'public.figures.pages'))}"><ul>${pages.join('')}</ul></nav>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${page.body}
</main>
</body>
</html>`;
}

export function renderPublicList(page: ListPage): string {
	const { locale } = page;
	const list = page.suggestions.length
		? `<p>${escapeHtml(t(locale, 'public.count', { count: page.suggestions.length }))}</p><ol>${page.suggestions.map((s) => item(locale, s, page.entities)).join('\n')}</ol>`
		: `<p>${escapeHtml(t(locale, 'public.empty'))}</p>`;
	return renderShell({
		locale,
		publicUrl: page.publicUrl,
		paths: PUBLIC_PATHS,
		title: t(locale, 'public.title'),
		description: t(locale, 'public.description'),
		body: `<p>${escapeHtml(t(locale, 'public.intro'))}</p>\n${list}`
	});
}

export interface FiguresPage {
	locale: Locale;
	publicUrl: string;
	periods: PublicPeriod[];
}

/** A percentage, a number of days or a count in the digits of the language; "not enough" for a
 * figure that needs answers there are not yet. */
function figure(locale: Locale, value: number | null, kind: 'count' | 'pct' | 'days'): string {
	if (value === null) return escapeHtml(t(locale, 'public.figures.not_enough'));
	if (kind === 'pct') return formatNumber(value / 100, locale, { style: 'percent', maximumFractionDigits: 1 });
	if (kind === 'days') return formatNumber(value, locale, { maximumFractionDigits: 1 });
	return formatNumber(value, locale);
}

const NATIONAL: [key: string, field: keyof ReportRow, kind: 'count' | 'pct' | 'days'][] = [
	['entities', 'entities', 'count'],
	['cases', 'inquiries_and_complaints', 'count'],
	['suggestions', 'suggestions', 'count'],
	['within_period', 'within_period_pct', 'pct'],
	['avg_days', 'avg_days_to_reply', 'days'],
	['implemented', 'suggestions_implemented', 'count']
];
const BY_ENTITY = NATIONAL.filter(([key]) => key !== 'entities');

/** The value a cell shows, and beside it the raw figure (`data-value`) the report's JSON holds. */
function cell(locale: Locale, row: ReportRow, field: keyof ReportRow, kind: 'count' | 'pct' | 'days'): string {
	const value = row[field];
	const raw = typeof value === 'number' ? value : null;
	return `data-figure="${field}" data-value="${raw ?? ''}">${figure(locale, raw, kind)}`;
}

function periodSection(locale: Locale, period: PublicPeriod, index: number): string {
	const { report } = period;
	const heading = period.complete ? t(locale, 'public.figures.year', { year: period.year }) : t(locale, 'public.figures.year_to_date', { year: period.year, to: formatDay(report.to, locale) });
	const id = `period-${index}`;
	const national = `<dl>${NATIONAL.map(([key, field, kind]) => `<dt>${escapeHtml(t(locale, `public.figures.${key}`))}</dt><dd ${cell(locale, report.national, field, kind)}</dd>`).join('')}</dl>`;
	if (!report.entities.length) {
		return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(heading)}</h2><p>${escapeHtml(t(locale, 'public.figures.none'))}</p></section>`;
	}
	const name = (row: ReportRow) => (locale === 'en' ? row.name_en : row.name_ar) ?? row.entity_id ?? '';
	const head = `<tr><th scope="col">${escapeHtml(t(locale, 'public.figures.entity'))}</th>${BY_ENTITY.map(([key]) => `<th scope="col">${escapeHtml(t(locale, `public.figures.${key}`))}</th>`).join('')}</tr>`;
	const rows = report.entities
		.map(
			(row) =>
				`<tr data-entity="${escapeHtml(row.entity_id ?? '')}"><th scope="row">${escapeHtml(name(row))}</th>${BY_ENTITY.map(([, field, kind]) => `<td ${cell(locale, row, field, kind)}</td>`).join('')}</tr>`
		)
		.join('\n');
	const caption = escapeHtml(t(locale, 'public.figures.by_entity', { period: heading }));
	return `<section aria-labelledby="${id}" data-year="${period.year}"><h2 id="${id}">${escapeHtml(heading)}</h2>${national}
<div class="wide" role="region" tabindex="0" aria-label="${caption}"><table><caption>${caption}</caption><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
}

export function renderFigures(page: FiguresPage): string {
	const { locale } = page;
	const sections = page.periods.map((period, index) => periodSection(locale, period, index)).join('\n');
	return renderShell({
		locale,
		publicUrl: page.publicUrl,
		paths: FIGURES_PATHS,
		title: t(locale, 'public.figures.title'),
		description: t(locale, 'public.figures.description'),
		body: `<p>${escapeHtml(t(locale, 'public.figures.intro'))}</p>\n${sections}\n<p><a href="${FIGURES_JSON_PATH}" type="application/json">${escapeHtml(t(locale, 'public.figures.open_data'))}</a></p>`
	});
}

/** The sitemap: every public page, in both languages, each naming its other language. */
export function renderSitemap(publicUrl: string, lastModified: string | null): string {
	const urls = [PUBLIC_PATHS, FIGURES_PATHS, REPORTS_PATHS].flatMap((paths) =>
		(['ar', 'en'] as const).map((locale) => {
			const alternates = (['ar', 'en'] as const).map((l) => `<xhtml:link rel="alternate" hreflang="${l}" href="${escapeHtml(`${publicUrl}${paths[l]}`)}"/>`).join('');
			const lastmod = lastModified && paths === PUBLIC_PATHS ? `<lastmod>${escapeHtml(lastModified)}</lastmod>` : '';
			return `<url><loc>${escapeHtml(`${publicUrl}${paths[locale]}`)}</loc>${lastmod}${alternates}</url>`;
		})
	);
	return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.join('\n')}
</urlset>
`;
}
