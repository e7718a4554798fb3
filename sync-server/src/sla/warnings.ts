/** Reads the SLA early warning from the views of views.ts: an entity's (or one agent's) late and
 * due-soon cases, the minister's counts per entity, and a manager's queue of low ratings and
 * reopened cases. Each is a few key ranges; the rows are judged again with the domain's
 * slaWarning, so the list and a case's own clock never disagree. */
import { DB, type SlaState } from '../../../src/lib/domain/doc-types.js';
import { lowCriteria } from '../../../src/lib/domain/rating.js';
import { slaWarning, type AttentionItem, type EntityRisk, type ListedCase, type WarningCase } from '../../../src/lib/domain/sla-warning.js';

export type { AttentionItem, EntityRisk };
import type { Store } from '../store.js';
import { ensureSlaViews, SLA_VIEW } from './views.js';

/** Rows one list may hold; more is reported as `truncated` (the oldest dates come first). */
const WARNING_LIMIT = 500;
const ATTENTION_LIMIT = 100;
/** Parallel count queries for the national view, so 53 entities do not take the store at once. */
const COUNT_CONCURRENCY = 8;

/** What a view row's value carries of a listed case (its id gives the case key). */
type ListedCaseValue = Omit<ListedCase, 'case_key'>;

interface RunningValue extends ListedCaseValue {
	sla: SlaState;
	handler: string;
	reopened: number;
}

export interface Window {
	now: Date;
	horizon: Date;
}

const caseKeyOf = (id: string) => id.slice('case:'.length);

function toRows(rows: { id: string; value: RunningValue }[], window: Window): WarningCase[] {
	return rows.flatMap(({ id, value }) => {
		const warning = slaWarning(value, window.now, window.horizon);
		if (!warning) return [];
		return [
			{
				...listedCase(id, value),
				due_at: value.sla.due_at,
				warning,
				handler: value.handler || null,
				reopened: value.reopened
			}
		];
	});
}

async function range(store: Store, startkey: unknown[], endkey: unknown[], limit: number) {
	const result = await store.use(DB.CASES).view<RunningValue>('sla', SLA_VIEW, { startkey, endkey, limit, reduce: false });
	return result.rows as { id: string; value: RunningValue }[];
}

/** Every late and due-soon case of the entity, oldest date first; `handler` narrows it to the
 * cases that person holds plus those nobody holds yet (an agent's own list). */
export async function entityWarnings(store: Store, entityId: string, window: Window, handler?: string): Promise<{ rows: WarningCase[]; truncated: boolean }> {
	await ensureSlaViews(store);
	const until = window.horizon.toISOString();
	let found: { id: string; value: RunningValue }[];
	if (handler === undefined) {
		found = await range(store, ['due', entityId], ['due', entityId, until], WARNING_LIMIT + 1);
	} else {
		const [own, nobody] = await Promise.all([
			range(store, ['held', entityId, handler], ['held', entityId, handler, until], WARNING_LIMIT + 1),
			range(store, ['held', entityId, ''], ['held', entityId, '', until], WARNING_LIMIT + 1)
		]);
		found = [...own, ...nobody].sort((a, b) => a.value.sla.due_at.localeCompare(b.value.sla.due_at));
	}
	const truncated = found.length > WARNING_LIMIT;
	return { rows: toRows(found.slice(0, WARNING_LIMIT), window), truncated };
}

async function count(store: Store, startkey: unknown[], endkey: unknown[], inclusiveEnd: boolean): Promise<number> {
	const result = await store.use(DB.CASES).view('sla', SLA_VIEW, { startkey, endkey, inclusive_end: inclusiveEnd, reduce: true });
	return (result.rows[0]?.value as number | undefined) ?? 0;
}

/** Counts of late and due-soon cases per entity (two `_count` ranges each), the entities with
 * none left out; the most late first. No case, subject or person leaves this function. */
export async function entitiesAtRisk(store: Store, entityIds: readonly string[], window: Window): Promise<EntityRisk[]> {
	await ensureSlaViews(store);
	const now = window.now.toISOString();
	const until = window.horizon.toISOString();
	const out: EntityRisk[] = [];
	for (let i = 0; i < entityIds.length; i += COUNT_CONCURRENCY) {
		const chunk = entityIds.slice(i, i + COUNT_CONCURRENCY);
		const counted = await Promise.all(
			chunk.map(async (entity_id) => {
				// Late: due strictly before now (isOverdue); due soon: from now to the horizon.
				const [late, dueSoon] = await Promise.all([count(store, ['due', entity_id], ['due', entity_id, now], false), count(store, ['due', entity_id, now], ['due', entity_id, until], true)]);
				return { entity_id, late, due_soon: dueSoon };
			})
		);
		out.push(...counted.filter((e) => e.late + e.due_soon > 0));
	}
	return out.sort((a, b) => b.late - a.late || b.due_soon - a.due_soon || a.entity_id.localeCompare(b.entity_id));
}

export interface AttentionValue extends ListedCaseValue {
	kind: 'low_rating' | 'reopened';
	at: string;
	scores?: Record<string, number> | null;
	min_score?: number;
	comment?: string | null;
	reason?: string | null;
	reopened?: number;
}

/** The fields every SLA list shows of a case, from a view row's id and value. */
function listedCase(id: string, value: ListedCaseValue): ListedCase {
	return { case_key: caseKeyOf(id), ref: value.ref, subject: value.subject, case_type: value.case_type, category_id: value.category_id, status: value.status };
}

/** One row of the queue; a low rating shows the criteria at or below the threshold. */
export function attentionItem(id: string, value: AttentionValue, threshold: number): AttentionItem {
	const item: AttentionItem = {
		kind: value.kind,
		...listedCase(id, value),
		at: value.at
	};
	if (value.kind === 'low_rating') {
		const scores = value.scores ?? {};
		// The threshold may have been lowered since: the lowest score still says what went wrong.
		const low = lowCriteria(scores, threshold);
		item.low_criteria = (low.length ? low : lowCriteria(scores, value.min_score)).map((criterion) => ({ criterion, score: scores[criterion] }));
		item.comment = value.comment ?? null;
	} else {
		item.reason = value.reason ?? null;
		item.reopened = value.reopened;
	}
	return item;
}

/** The manager's queue, newest first: low ratings with the criteria that scored low, and cases
 * the citizen reopened that are not closed again. */
export async function attentionQueue(store: Store, entityId: string, threshold: number): Promise<AttentionItem[]> {
	await ensureSlaViews(store);
	const result = await store.use(DB.CASES).view<AttentionValue>('sla', SLA_VIEW, {
		startkey: ['attention', entityId, {}],
		endkey: ['attention', entityId],
		descending: true,
		limit: ATTENTION_LIMIT,
		reduce: false
	});
	return result.rows.map(({ id, value }) => attentionItem(id, value, threshold));
}
