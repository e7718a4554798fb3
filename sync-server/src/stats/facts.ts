/** From a case document to the facts it contributes to the statistics, and from facts to the
 * bucket cells they land in. Pure: the incremental path (aggregator.ts), the full rebuild and the
 * benchmark's bulk generation all go through these functions, which is what makes them agree. */
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import type { CaseDoc, CaseType, SlaState } from '../../../src/lib/domain/doc-types.js';
import { isFinalReply, RATING_CRITERIA } from '../../../src/lib/domain/rating.js';
import { daysToReply, isOverdue, repliedWithinPeriod, slaPhase } from '../../../src/lib/domain/sla.js';
import {
	cellKey,
	isOpenStatus,
	LEVELS,
	NATIONAL,
	statsDocId,
	SUGGESTION_STATES,
	type Conventions,
	type Counter,
	type Counters,
	type Level,
	type SuggestionState
} from '../../../src/lib/domain/stats/model.js';
import { periodOf } from '../../../src/lib/domain/stats/periods.js';

/** What one case contributes. No personal data: no citizen, text, place, key or reference. */
export interface CaseFacts {
	entity_id: string;
	case_type: CaseType;
	category_id: string;
	/** Local date of receipt in the national time zone. */
	day: string;
	/** Kept, not recomputed, so a later change of the national week start subtracts from the week
	 * the case was added to. */
	week: string;
	counters: Counters;
}

/** The imported legacy cases of a source without a target date have `due_at: null`. */
export type CaseSla = Omit<SlaState, 'due_at'> & { due_at: string | null };

export interface FactsContext {
	timeZone: string;
	weekStart: number;
	now: Date;
}

/** A case's standing against the response period at `now`. */
export type PeriodOutcome = 'within' | 'late' | 'expired' | 'pending' | 'no_due';

export function periodOutcome(sla: CaseSla, now: Date): PeriodOutcome {
	if (!sla.due_at) return 'no_due';
	const dated = sla as SlaState;
	const replied = repliedWithinPeriod(dated);
	if (replied !== null) return replied ? 'within' : 'late';
	return isOverdue(dated, now) ? 'expired' : 'pending';
}

/** The per-case "answered within the period" flag under the given conventions; null when the
 * case is not judged (yet). */
export function answeredWithinPeriod(outcome: PeriodOutcome, conventions: Conventions): boolean | null {
	switch (outcome) {
		case 'within':
			return true;
		case 'late':
			return false;
		case 'expired':
			return conventions.unrepliedPastDue === 'late' ? false : null;
		case 'pending':
			return null;
		case 'no_due':
			return conventions.noDue === 'on_time' ? true : null;
	}
}

function suggestionState(caseDoc: CaseDoc): SuggestionState {
	const state = caseDoc.suggestion_state;
	return state && SUGGESTION_STATES.includes(state) ? state : 'new';
}

const QUARTER_HOUR = 900_000;
const CACHE_LIMIT = 200_000;
const days = new Map<string, string>();
const weeks = new Map<string, string>();

/** The local date of an instant. Every zone in use is offset from UTC by whole quarter hours and
 * changes offset on one, so all instants of a quarter hour share a local date: caching by quarter
 * hour turns a million Intl calls (the cost of a rebuild or the benchmark) into a few thousand. */
function localDay(iso: string, timeZone: string): string {
	const instant = Date.parse(iso);
	const key = `${timeZone}|${Math.floor(instant / QUARTER_HOUR)}`;
	let day = days.get(key);
	if (day === undefined) {
		if (days.size >= CACHE_LIMIT) days.clear();
		day = localDateOf(new Date(instant), timeZone);
		days.set(key, day);
	}
	return day;
}

function weekOfDay(day: string, weekStart: number): string {
	const key = `${weekStart}|${day}`;
	let week = weeks.get(key);
	if (week === undefined) {
		if (weeks.size >= CACHE_LIMIT) weeks.clear();
		week = periodOf('w', day, weekStart);
		weeks.set(key, week);
	}
	return week;
}

/** The clock of the first response period: the one a reopening put aside, else the current. */
function firstPeriod(caseDoc: CaseDoc): CaseSla {
	return caseDoc.sla_history?.[0] ?? caseDoc.sla;
}

export function caseFacts(caseDoc: CaseDoc, ctx: FactsContext): CaseFacts {
	const first = firstPeriod(caseDoc);
	const outcome = periodOutcome(first, ctx.now);
	const current = periodOutcome(caseDoc.sla, ctx.now);
	const day = localDay(caseDoc.created_at, ctx.timeZone);
	const counters: Counters = { received: 1 };
	const put = (name: Counter, value: number) => {
		if (value !== 0) counters[name] = value;
	};
	const days = daysToReply(first as SlaState);
	put('replied', days !== null ? 1 : 0);
	// Whole seconds: integer sums are exact in any order, so incremental and rebuilt totals agree.
	if (days !== null) put('reply_seconds', Math.round(days * 86_400));
	put('within', outcome === 'within' ? 1 : 0);
	put('late', outcome === 'late' ? 1 : 0);
	put('expired', outcome === 'expired' ? 1 : 0);
	put('no_due', outcome === 'no_due' ? 1 : 0);
	put('overdue', current === 'expired' && caseDoc.status !== 'closed' ? 1 : 0);
	put('open', isOpenStatus(caseDoc.status) ? 1 : 0);
	put('transferred', caseDoc.timeline.some((e) => e.kind === 'transfer') ? 1 : 0);
	put('reopened', (caseDoc.reopened ?? 0) > 0 || caseDoc.timeline.some((e) => e.kind === 'reopen') ? 1 : 0);
	if (caseDoc.case_type === 'suggestion') counters[`sg_${suggestionState(caseDoc)}`] = 1;
	// Every reply but an interim one brings the citizen a rating invitation (rules/rating-invite.ts); the replies of
	// an imported legacy case (it has a `source`) never did.
	const legacy = 'source' in caseDoc;
	put('rating_invited', legacy ? 0 : caseDoc.timeline.filter(isFinalReply).length);
	const ratings = caseDoc.ratings ?? [];
	put('rated', ratings.length);
	for (const criterion of RATING_CRITERIA) {
		put(
			`rating_sum_${criterion}`,
			ratings.reduce((sum, r) => sum + (r.scores[criterion] ?? 0), 0)
		);
	}
	return {
		entity_id: caseDoc.entity_id,
		case_type: caseDoc.case_type,
		category_id: caseDoc.category_id,
		day,
		week: weekOfDay(day, ctx.weekStart),
		counters
	};
}

/** When the sweep must look at the case again: the due date of a running, unreplied clock that
 * has not yet expired. Every other change of the facts comes with an event on the case. */
export function watchDueAt(caseDoc: CaseDoc, now: Date): string | null {
	const sla = caseDoc.sla as CaseSla;
	if (!sla.due_at || slaPhase(caseDoc.sla) !== 'running') return null;
	return periodOutcome(sla, now) === 'pending' ? sla.due_at : null;
}

export function sameFacts(a: CaseFacts | null, b: CaseFacts | null): boolean {
	if (a === null || b === null) return a === b;
	if (a.entity_id !== b.entity_id || a.case_type !== b.case_type || a.category_id !== b.category_id) return false;
	if (a.day !== b.day || a.week !== b.week) return false;
	const keys = new Set([...Object.keys(a.counters), ...Object.keys(b.counters)]) as Set<keyof Counters>;
	for (const key of keys) if ((a.counters[key] ?? 0) !== (b.counters[key] ?? 0)) return false;
	return true;
}

export interface Contribution {
	id: string;
	level: Level;
	scope: string;
	period: string;
	cell: string;
	counters: Counters;
}

/** The eight cells a case counts in: its entity's and the nation's day, week, month and year. */
export function contributions(facts: CaseFacts): Contribution[] {
	const out: Contribution[] = [];
	for (const level of LEVELS) {
		const period = level === 'w' ? facts.week : periodOf(level, facts.day, 0);
		out.push({
			id: statsDocId(level, facts.entity_id, period),
			level,
			scope: facts.entity_id,
			period,
			cell: cellKey(facts.case_type, facts.category_id),
			counters: facts.counters
		});
		out.push({
			id: statsDocId(level, NATIONAL, period),
			level,
			scope: NATIONAL,
			period,
			cell: cellKey(facts.case_type, facts.entity_id),
			counters: facts.counters
		});
	}
	return out;
}
