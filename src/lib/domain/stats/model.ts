/** The shape of the `stats` database: pre-aggregated counters the minister's office dashboard
 * and `npm run report` read (issue #5). Pure, with no Node imports, so the PWA can read the same
 * documents with the same code. docs/design.md, "Statistics", describes every field.
 *
 * One document per level × scope × period; inside it one cell per case type × category (for an
 * entity) or case type × entity (for the nation). Cells instead of one document per cell keep the
 * number of documents a dashboard device replicates near 100 000 for five years of 50 entities,
 * not millions, with the same granularity. */
import type { CaseStatus, CaseType } from '../doc-types.js';

export const STATS_DB = 'stats';
/** Server-only: what each case last contributed, and the journal of the batch being applied. */
export const STATS_FACTS_DB = 'stats_facts';
export const STATS_DOC_TYPE = 'stats';
export const FACTS_DOC_TYPE = 'stats_facts';
export const JOURNAL_DOC_TYPE = 'stats_journal';

/** Day (local date of receipt in the national time zone), week (starting on the national first
 * working day, named by that date), month, year. */
export const LEVELS = ['d', 'w', 'm', 'y'] as const;
export type Level = (typeof LEVELS)[number];

/** The scope of the whole government; `_` cannot start an entity id (ID_PATTERN), so it never
 * collides with one. */
export const NATIONAL = '_all';

/** Counters a case contributes, each 0 or 1 except `reply_seconds`. Cases are counted in the
 * bucket of the day they were received, so a state counter (open, overdue…) says how many of
 * the cases received then are in that state now.
 * - received: every case
 * - replied: the first substantive reply has been sent (the clock stopped)
 * - within / late: replied, with a due date, before / after it (paused time not counted)
 * - expired: not replied, has a due date, the clock is running and the due date has passed
 * - overdue: expired and not closed — the cases still to chase
 * - no_due: the case has no due date (only imported legacy cases)
 * - reply_seconds: seconds from the start of the clock to the first reply, waits included
 * - open: still the entity's to answer: neither answered nor closed (isOpenStatus)
 * - transferred: moved to another entity at least once (counted at the entity that has it now)
 * - reopened: the citizen reopened it (within 14 days of a reply) at least once
 * - sg_*: suggestions by the state of their own lifecycle
 * - rating_invited: replies sent (each reply brings a rating invitation); rated: ratings given;
 *   rating_sum_<criterion>: the sum of that criterion's scores (1–5) over the ratings
 * The period counters (replied … no_due, reply_seconds) judge the FIRST period — the first reply
 * against the first due date — even after a reopening restarts the clock; `overdue` follows the
 * current clock, since that is what the entity must act on now. */
export const COUNTERS = [
	'received',
	'replied',
	'within',
	'late',
	'expired',
	'overdue',
	'no_due',
	'reply_seconds',
	'open',
	'transferred',
	'reopened',
	'sg_new',
	'sg_under_study',
	'sg_accepted',
	'sg_implemented',
	'sg_declined',
	'rating_invited',
	'rated',
	'rating_sum_handling',
	'rating_sum_clarity',
	'rating_sum_courtesy',
	'rating_sum_ease_of_use'
] as const;
export type Counter = (typeof COUNTERS)[number];
/** Only non-zero counters are stored. */
export type Counters = Partial<Record<Counter, number>>;
export type Totals = Record<Counter, number>;

export { SUGGESTION_STATES, type SuggestionState } from '../doc-types.js';

/** Whether a case in this status counts as open on every dashboard, national and per entity:
 * the entity still owes an answer. An answered case waits only for the citizen's rating or a
 * reopening, which makes it open again; counting it as open made an entity that had answered
 * everything look behind (issue 16). Waiting for the citizen's information is still open. */
export function isOpenStatus(status: CaseStatus): boolean {
	return status === 'open' || status === 'awaiting_citizen';
}

export interface StatsDoc {
	_id: string;
	_rev?: string;
	type: typeof STATS_DOC_TYPE;
	level: Level;
	/** An entity id, or NATIONAL. */
	scope: string;
	/** 'YYYY-MM-DD' (d, and w: the week's first day), 'YYYY-MM' (m), 'YYYY' (y). */
	period: string;
	/** The last aggregation batch applied to this document: what makes re-applying a batch after a
	 * crash a no-op (see aggregator.ts). */
	batch: number;
	/** `<case_type>|<category_id>` for an entity, `<case_type>|<entity_id>` for the nation. */
	cells: Record<string, Counters>;
}

export const statsDocId = (level: Level, scope: string, period: string) => `${level}:${scope}:${period}`;

export function cellKey(caseType: CaseType, sub: string): string {
	return `${caseType}|${sub}`;
}

export function splitCell(key: string): { case_type: CaseType; sub: string } {
	const bar = key.indexOf('|');
	return { case_type: key.slice(0, bar) as CaseType, sub: key.slice(bar + 1) };
}

export function zeroTotals(): Totals {
	return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Totals;
}

/** Adds `sign` × `from` into `into`, dropping counters that come back to zero so documents stay
 * sparse and a rebuilt document compares equal to an incremental one. */
export function addCounters(into: Counters, from: Counters, sign = 1): void {
	for (const key of Object.keys(from) as Counter[]) {
		const value = (into[key] ?? 0) + sign * (from[key] ?? 0);
		if (value === 0) Reflect.deleteProperty(into, key);
		else into[key] = value;
	}
}

/** How cases that cannot be judged plainly count in "% answered within the period". Both stay
 * visible: the KPIs report the share under each `noDue` choice, and every report names the
 * conventions it used.
 * - noDue 'excluded': a case without a due date is left out of the share (the national default:
 *   every Tawasul case has one, only imported cases may not); 'on_time': it counts as answered
 *   within the period (the convention of cities such as Boston, whose published `on_time` says so).
 * - unrepliedPastDue 'late': a case not replied to by its due date counts against the entity as
 *   soon as the date passes (Boston counts an open case past its date as OVERDUE); 'pending': only
 *   replies are judged. */
export interface Conventions {
	noDue: 'excluded' | 'on_time';
	unrepliedPastDue: 'late' | 'pending';
}

export const DEFAULT_CONVENTIONS: Conventions = { noDue: 'excluded', unrepliedPastDue: 'late' };
export const CITY_CONVENTIONS: Conventions = { noDue: 'on_time', unrepliedPastDue: 'late' };
