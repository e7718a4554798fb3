/** What Open311 shows of cases, read only from one view of `cases` whose rows carry the public
 * fields and nothing else (no citizen, subject, text, place or files: ARCHITECTURE §5, "the
 * dashboard and Open311 only non-personal fields"), so no query ever reads a case document.
 *
 * Every case is emitted under four keys, each followed by its time of receipt, so each filter
 * the API offers is one key range, newest first, read only as far as the page needs:
 * `['*', t]`, `['s:<status>', t]`, `['c:<service_code>', t]`, `['cs:<service_code>:<status>', t]`.
 * The view `by_ref` finds a case by its reference (`service_request_id`). */
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Catalogue } from '../engine/catalogue.js';
import { t, type Locale } from '../rating/i18n.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

const OPEN311_DESIGN_ID = '_design/open311';

/** The case's own status, its Open311 status (answered or closed: resolved), and the times. */
const PUBLIC_ROW = `var status = (doc.status === 'answered' || doc.status === 'closed') ? 'closed' : 'open';
	var row = { ref: doc.ref, service_code: doc.category_id, entity_id: doc.entity_id, case_status: doc.status, status: status,
		created_at: doc.created_at, updated_at: doc.updated_at || doc.created_at, due_at: (doc.sla && doc.sla.due_at) || null };`;

const BY_FILTER = `function (doc) {
	if (doc.type !== 'case' || !doc.ref || !doc.created_at) return;
	${PUBLIC_ROW}
	emit(['*', doc.created_at], row);
	emit(['s:' + status, doc.created_at], row);
	emit(['c:' + doc.category_id, doc.created_at], row);
	emit(['cs:' + doc.category_id + ':' + status, doc.created_at], row);
}`;

const BY_REF = `function (doc) {
	if (doc.type !== 'case' || !doc.ref || !doc.created_at) return;
	${PUBLIC_ROW}
	emit(doc.ref, row);
}`;

export interface PublicRow {
	ref: string;
	service_code: string;
	entity_id: string;
	case_status: string;
	status: 'open' | 'closed';
	created_at: string;
	updated_at: string;
	due_at: string | null;
}

/** Installs (or updates) the design document once per process; instances racing agree. */
export function ensureRequestViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, OPEN311_DESIGN_ID, { language: 'javascript', views: { by_filter: { map: BY_FILTER }, by_ref: { map: BY_REF } } });
}

async function view(store: Store, name: 'by_filter' | 'by_ref', params: Record<string, string>, keys?: string[]): Promise<PublicRow[]> {
	await ensureRequestViews(store);
	const query = new URLSearchParams(params);
	const path = `/${DB.CASES}/${OPEN311_DESIGN_ID}/_view/${name}?${query}`;
	const response = keys ? await store.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) }) : await store.fetch(path);
	if (!response.ok) throw new Error(`open311 view ${name} answered ${response.status}`);
	const { rows } = (await response.json()) as { rows: { value: PublicRow }[] };
	return rows.map((row) => row.value);
}

export async function requestsByRef(store: Store, refs: string[]): Promise<PublicRow[]> {
	if (refs.length === 0) return [];
	return view(store, 'by_ref', {}, refs);
}

export interface RequestQuery {
	/** Service codes; empty: all. */
	codes: string[];
	/** Open311 statuses; empty (or both): all. */
	statuses: ('open' | 'closed')[];
	/** ISO UTC times, inclusive. */
	start: string;
	end: string;
	offset: number;
	limit: number;
}

/** The key prefixes a query reads: one range per service code (or all) and status (or both). */
export function prefixesOf(query: Pick<RequestQuery, 'codes' | 'statuses'>): string[] {
	const status = query.statuses.length === 1 ? query.statuses[0] : null;
	if (query.codes.length === 0) return [status ? `s:${status}` : '*'];
	return query.codes.map((code) => (status ? `cs:${code}:${status}` : `c:${code}`));
}

/** Newest first. Each range is read up to the end of the page (offset + limit rows), and the
 * ranges, disjoint by construction, are merged by time. */
export async function searchRequests(store: Store, query: RequestQuery): Promise<PublicRow[]> {
	// Only a start date, in the future: the range ends now, before it begins.
	if (query.start > query.end) return [];
	const want = query.offset + query.limit;
	const ranges = await Promise.all(
		prefixesOf(query).map((prefix) =>
			view(store, 'by_filter', {
				descending: 'true',
				startkey: JSON.stringify([prefix, query.end]),
				endkey: JSON.stringify([prefix, query.start]),
				limit: String(want)
			})
		)
	);
	const merged = ranges.length === 1 ? ranges[0] : ranges.flat().sort((a, b) => b.created_at.localeCompare(a.created_at) || b.ref.localeCompare(a.ref));
	return merged.slice(query.offset, want);
}

/** A short public note on the case's state; never the entity's reply, which is written to the person. */
function statusNote(row: PublicRow, locale: Locale): string {
	return t(locale, `open311.status.${row.case_status}`);
}

/** One request as GeoReport v2 describes it, with the public fields only. */
export function requestOf(row: PublicRow, catalogue: Catalogue, locale: Locale) {
	const category = catalogue.categories.get(row.service_code);
	const entity = catalogue.entities.get(row.entity_id);
	return {
		service_request_id: row.ref,
		status: row.status,
		status_notes: statusNote(row, locale),
		service_name: category ? (locale === 'en' ? category.name_en : category.name_ar) : null,
		service_code: row.service_code,
		description: null,
		agency_responsible: entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : null,
		service_notice: null,
		requested_datetime: row.created_at,
		updated_datetime: row.updated_at,
		expected_datetime: row.status === 'open' ? row.due_at : null,
		address: null,
		address_id: null,
		zipcode: null,
		lat: null,
		long: null,
		media_url: null
	};
}
