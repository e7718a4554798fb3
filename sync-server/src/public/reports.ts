/** The public reports the public pages put on a map (issue 14): a view of `cases` by category and
 * arrival time that holds, for each case with a place, only its entity, status, supporters and
 * place rounded to about a kilometre — never a reference, a text or a citizen — and one range read
 * per public-place category over the last `PUBLIC_REPORT_DAYS` days, never a scan. A duplicate
 * linked to its primary is left out: the primary stands for it. The photo the entity's managers
 * chose to show (issue 14) rides along by its attachment id, which the page never shows: it names
 * the photo by an opaque id (`publicPhotoId`), and only the photos on the page can be fetched. */
import { createHash } from 'node:crypto';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { DB, type CaseStatus, type CategoryDoc } from '../../../src/lib/domain/doc-types.js';
import { PUBLIC_AREAS_LISTED, PUBLIC_REPORT_DAYS, PUBLIC_REPORTS_MAX, summariseReports, type PublicReport, type PublicReports } from '../../../src/lib/domain/public-reports.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

const DESIGN_ID = '_design/public_reports';
const VIEW = 'by_category';
const BY_CATEGORY_MAP = `function (doc) {
  if (doc.type !== 'case' || doc.linked_to || !doc.location || typeof doc.location.lat !== 'number' || typeof doc.location.lng !== 'number') return;
  if (!isFinite(doc.location.lat) || !isFinite(doc.location.lng)) return;
  var value = { e: doc.entity_id, s: doc.status, lat: Math.round(doc.location.lat * 100) / 100, lng: Math.round(doc.location.lng * 100) / 100, n: doc.supporters || 0 };
  if (typeof doc.public_photo === 'string') value.p = doc.public_photo;
  emit([doc.category_id, doc.created_at], value);
}`;
const DAY_MS = 86_400_000;

interface Row {
	value: { e: string; s: CaseStatus; lat: number; lng: number; n: number; p?: string };
}

/** A photo the public may be sent: whose entity's database holds it, under which id. */
export interface PublicPhotoSource {
	attachment_id: string;
	entity_id: string;
}

/** The id a photo is known by on the public pages: not the attachment's id, which names the
 * action and the file as the citizen's device named it. */
export const publicPhotoId = (attachmentId: string) => createHash('sha256').update(`public-photo:${attachmentId}`).digest('base64url').slice(0, 22);

function ensurePublicReportViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, DESIGN_ID, { views: { [VIEW]: { map: BY_CATEGORY_MAP } } });
}

async function publicPlaceCategories(store: Store): Promise<Map<string, CategoryDoc>> {
	const rows = await store.use<CategoryDoc>(DB.CONFIG).list({ startkey: 'category:', endkey: 'category:\uffff', include_docs: true });
	return new Map(rows.rows.flatMap((row) => (row.doc?.type === 'category' && row.doc.public_place ? [[row.doc.category_id, row.doc] as const] : [])));
}

/** The public-place reports of the last `PUBLIC_REPORT_DAYS` days as the public pages show them,
 * the categories they are counted in, and the photos the page shows, by their public id. */
export async function readPublicReports(store: Store, now: Date, timeZone: string): Promise<{ reports: PublicReports; categories: Map<string, CategoryDoc>; photos: Map<string, PublicPhotoSource> }> {
	const from = new Date(now.getTime() - PUBLIC_REPORT_DAYS * DAY_MS);
	const since = localDateOf(from, timeZone);
	const read: { at: string; report: PublicReport }[] = [];
	const sources = new Map<string, PublicPhotoSource>();
	const categories = await publicPlaceCategories(store);
	await ensurePublicReportViews(store);
	for (const categoryId of [...categories.keys()].sort()) {
		// Each category's newest, then the newest of all: past the limit the oldest are left out.
		const page = await store
			.use(DB.CASES)
			.view<Row['value']>('public_reports', VIEW, { startkey: [categoryId, '\ufff0'], endkey: [categoryId, from.toISOString()], descending: true, limit: PUBLIC_REPORTS_MAX + 1 });
		for (const row of page.rows) {
			const key: unknown = row.key;
			const report: PublicReport = { category_id: categoryId, entity_id: row.value.e, status: row.value.s, lat: row.value.lat, lng: row.value.lng, supporters: row.value.n };
			if (row.value.p) {
				report.photo = publicPhotoId(row.value.p);
				sources.set(report.photo, { attachment_id: row.value.p, entity_id: row.value.e });
			}
			read.push({ at: Array.isArray(key) ? String(key[1]) : '', report });
		}
	}
	const truncated = read.length > PUBLIC_REPORTS_MAX;
	if (truncated) read.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
	const summary = summariseReports(
		read.slice(0, PUBLIC_REPORTS_MAX).map((r) => r.report),
		since,
		truncated
	);
	// Only the photos the page shows may be fetched: the areas past the table's show none.
	const shown = summary.areas.slice(0, PUBLIC_AREAS_LISTED).flatMap((area) => area.photos.map((photo) => photo.id));
	const photos = new Map(shown.flatMap((id) => (sources.has(id) ? [[id, sources.get(id) as PublicPhotoSource] as const] : [])));
	for (const area of summary.areas.slice(PUBLIC_AREAS_LISTED)) area.photos = [];
	return { reports: summary, categories, photos };
}
