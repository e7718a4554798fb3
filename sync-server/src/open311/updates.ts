/** The service request updates of Open311 (the GeoReport v2 extension clients such as FixMyStreet
 * read, `servicerequestupdates`): each step of a case that changes what the public may know of it
 * (received, more information asked for and given, an interim or final answer, a transfer, closed,
 * reopened, a suggestion's decision), as a fixed note in the asked language. Never the reply's
 * text or anything of the person: the same rule as the requests themselves (requests.ts).
 *
 * Read from their own view of `cases` (`_design/open311_updates`, so adding it does not rebuild
 * the requests' views), under `['*', t]` and `['r:<reference>', t]` with `t` the step's time, so
 * a window of time, or one request's steps, is one ascending key range read as far as the page. */
import { DB, type ActionKind, type CaseStatus, type SuggestionState } from '../../../src/lib/domain/doc-types.js';
import { TRANSITIONS } from '../../../src/lib/domain/case-state.js';
import type { Catalogue } from '../engine/catalogue.js';
import { t, type Locale } from '../rating/i18n.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';
import { Open311Error, type Open311ErrorItem } from './format.js';
import { type Params, one, pageArgs, timeWindow } from './query.js';

const UPDATES_DESIGN_ID = '_design/open311_updates';

/** The steps the public is told of. Notes, ratings and the links between duplicates are staff's
 * or the person's own. */
const PUBLIC_STEPS = ['submit', 'reply', 'request_info', 'provide_info', 'transfer', 'close', 'reopen', 'suggestion_status'] as const satisfies readonly ActionKind[];
type PublicStep = (typeof PUBLIC_STEPS)[number];

/** Where each step leads, from the case state machine itself (`null`: the status stays). */
const LEADS_TO: Record<string, CaseStatus | null> = Object.fromEntries([['submit', 'open'], ...Object.entries(TRANSITIONS).map(([kind, rule]): [string, CaseStatus | null] => [kind, rule.to])]);

/** The case's status is followed through its timeline, so each step carries the status it left. */
export const BY_TIME = `function (doc) {
	if (doc.type !== 'case' || !doc.ref || !Array.isArray(doc.timeline)) return;
	var LEADS_TO = ${JSON.stringify(LEADS_TO)};
	var PUBLIC = ${JSON.stringify(PUBLIC_STEPS)};
	var status = 'open';
	for (var i = 0; i < doc.timeline.length; i++) {
		var step = doc.timeline[i];
		if (!step || typeof step.at !== 'string') continue;
		var interim = step.kind === 'reply' && step.interim === true;
		if (!interim && LEADS_TO[step.kind]) status = LEADS_TO[step.kind];
		if (PUBLIC.indexOf(step.kind) < 0) continue;
		var row = { update_id: doc.ref + '-' + (i + 1), ref: doc.ref, kind: step.kind, case_status: status, at: step.at,
			interim: interim, suggestion_state: step.suggestion_state || null, to_entity_id: step.to_entity_id || null };
		emit(['*', step.at], row);
		emit(['r:' + doc.ref, step.at], row);
	}
}`;

export interface UpdateRow {
	update_id: string;
	ref: string;
	kind: PublicStep;
	case_status: CaseStatus;
	at: string;
	interim: boolean;
	suggestion_state: SuggestionState | null;
	to_entity_id: string | null;
}

export function ensureUpdateViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, UPDATES_DESIGN_ID, { language: 'javascript', views: { by_time: { map: BY_TIME } } });
}

export interface UpdatesQuery {
	/** One request's steps, or every request's. */
	ref: string | null;
	/** ISO UTC times, inclusive. */
	start: string;
	end: string;
	offset: number;
	limit: number;
}

/** `service_request_id` (one), `start_date`/`end_date` and the page, as GET requests checks them. */
export function parseUpdatesQuery(params: Params, now: Date): UpdatesQuery {
	const errors: Open311ErrorItem[] = [];
	const problem = (description: string) => errors.push({ code: 400, description });
	const ref = one(params, 'service_request_id') ?? null;
	if (ref !== null && !/^[0-9A-Za-z-]{1,40}$/.test(ref)) problem('service_request_id must be one reference number');
	const window = timeWindow(params, now, problem);
	const page = pageArgs(params, problem);
	if (errors.length > 0 || !page) throw new Open311Error(400, errors);
	return { ref, start: window.from, end: window.to, ...page };
}

/** Oldest first, so a client that asks again from its last `updated_datetime` misses nothing. */
export async function searchUpdates(store: Store, query: UpdatesQuery): Promise<UpdateRow[]> {
	if (query.start > query.end) return [];
	await ensureUpdateViews(store);
	const prefix = query.ref === null ? '*' : `r:${query.ref}`;
	const params = new URLSearchParams({
		startkey: JSON.stringify([prefix, query.start]),
		endkey: JSON.stringify([prefix, query.end]),
		skip: String(query.offset),
		limit: String(query.limit)
	});
	const response = await store.fetch(`/${DB.CASES}/${UPDATES_DESIGN_ID}/_view/by_time?${params}`);
	if (!response.ok) throw new Error(`open311 view by_time answered ${response.status}`);
	const { rows } = (await response.json()) as { rows: { value: UpdateRow }[] };
	return rows.map((row) => row.value);
}

/** The fixed public note of a step. */
function describeStep(row: UpdateRow, catalogue: Catalogue, locale: Locale): string {
	if (row.kind === 'reply') return t(locale, row.interim ? 'open311.update.interim_reply' : 'open311.update.reply');
	if (row.kind === 'suggestion_status' && row.suggestion_state) return t(locale, `open311.update.suggestion.${row.suggestion_state}`);
	if (row.kind === 'transfer') {
		const entity = row.to_entity_id ? catalogue.entities.get(row.to_entity_id) : undefined;
		if (entity) return t(locale, 'open311.update.transfer_to', { entity: locale === 'en' ? entity.name_en : entity.name_ar });
	}
	return t(locale, `open311.update.${row.kind}`);
}

/** One update as the extension describes it. */
export function updateOf(row: UpdateRow, catalogue: Catalogue, locale: Locale) {
	return {
		update_id: row.update_id,
		service_request_id: row.ref,
		status: row.case_status === 'answered' || row.case_status === 'closed' ? 'closed' : 'open',
		updated_datetime: row.at,
		description: describeStep(row, catalogue, locale),
		media_url: null
	};
}
