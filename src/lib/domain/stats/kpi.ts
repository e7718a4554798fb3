/** The headline figures, from summed counters: the same arithmetic for the dashboard tiles, the
 * ranking of entities and `npm run report`. Pure. */
import type { CaseType } from '../doc-types.js';
import { RATING_CRITERIA, type RatingCriterion } from '../rating.js';
import { splitCell, SUGGESTION_STATES, zeroTotals, type Conventions, type Counter, type Counters, type StatsDoc, type SuggestionState, type Totals } from './model.js';

export interface CellFilter {
	case_types?: readonly CaseType[];
	/** For entity documents: categories; for national documents: entities. */
	subs?: readonly string[];
}

function keep(key: string, filter: CellFilter | undefined): boolean {
	if (!filter) return true;
	const { case_type, sub } = splitCell(key);
	if (filter.case_types && !filter.case_types.includes(case_type)) return false;
	return !filter.subs || filter.subs.includes(sub);
}

/** Adds counters into full totals (zeros stay: a headline reads every counter). */
export function accumulate(totals: Totals, counters: Counters): void {
	for (const key in counters) totals[key as Counter] += counters[key as Counter] ?? 0;
}

/** Sums the cells of documents that together cover a range once (a plan from periods.ts). */
export function sumDocs(docs: readonly StatsDoc[], filter?: CellFilter): Totals {
	const totals = zeroTotals();
	for (const doc of docs) {
		for (const [key, counters] of Object.entries(doc.cells)) if (keep(key, filter)) accumulate(totals, counters);
	}
	return totals;
}

export interface CellTotals {
	case_type: CaseType;
	/** Category (entity documents) or entity (national documents). */
	sub: string;
	totals: Totals;
}

/** The sums of each cell key over documents that cover a range once. */
export function sumCells(docs: readonly StatsDoc[], filter?: CellFilter): CellTotals[] {
	const byKey = new Map<string, CellTotals>();
	for (const doc of docs) {
		for (const [key, counters] of Object.entries(doc.cells)) {
			let cell = byKey.get(key);
			if (!cell) {
				if (!keep(key, filter)) continue;
				const { case_type, sub } = splitCell(key);
				byKey.set(key, (cell = { case_type, sub, totals: zeroTotals() }));
			}
			accumulate(cell.totals, counters);
		}
	}
	return [...byKey.values()];
}

/** The same sums split by the second part of the cell key (category or entity) or by type. */
export function sumBy(docs: readonly StatsDoc[], by: 'type' | 'sub', filter?: CellFilter): Map<string, Totals> {
	const out = new Map<string, Totals>();
	for (const doc of docs) {
		for (const [key, counters] of Object.entries(doc.cells)) {
			if (!keep(key, filter)) continue;
			const { case_type, sub } = splitCell(key);
			const group = by === 'type' ? case_type : sub;
			let totals = out.get(group);
			if (!totals) out.set(group, (totals = zeroTotals()));
			accumulate(totals, counters);
		}
	}
	return out;
}

export interface Headline {
	cases: number;
	inquiries: number;
	complaints: number;
	suggestions: number;
	replied: number;
	/** % answered within the period under `conventions`; null when no case can be judged. */
	within_period_pct: number | null;
	/** The same share with cases without a due date left out … */
	within_period_pct_due_only: number | null;
	/** … and counted as answered on time (the city convention). */
	within_period_pct_no_due_on_time: number | null;
	/** Calendar days from the start of the clock to the first reply, over replied cases. */
	avg_days_to_reply: number | null;
	open: number;
	overdue: number;
	expired: number;
	no_due: number;
	transferred: number;
	reopened: number;
	suggestions_by_state: Record<SuggestionState, number>;
	/** Mean score per criterion (1–5) and the share of invitations answered; null without any. */
	satisfaction: Record<RatingCriterion, number> | null;
	rating_response_rate_pct: number | null;
}

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null);

export function headline(totals: Totals, byType: Map<string, Totals> | null, conventions: Conventions): Headline {
	const { within, late, expired, no_due: noDue } = totals;
	const judged = within + late + (conventions.unrepliedPastDue === 'late' ? expired : 0);
	const dueOnly = pct(within, judged);
	const noDueOnTime = pct(within + noDue, judged + noDue);
	const count = (type: CaseType) => byType?.get(type)?.received ?? 0;
	const rated = totals.rated;
	return {
		cases: totals.received,
		inquiries: count('inquiry'),
		complaints: count('complaint'),
		suggestions: count('suggestion'),
		replied: totals.replied,
		within_period_pct: conventions.noDue === 'on_time' ? noDueOnTime : dueOnly,
		within_period_pct_due_only: dueOnly,
		within_period_pct_no_due_on_time: noDueOnTime,
		avg_days_to_reply: totals.replied > 0 ? totals.reply_seconds / totals.replied / 86_400 : null,
		open: totals.open,
		overdue: totals.overdue,
		expired,
		no_due: noDue,
		transferred: totals.transferred,
		reopened: totals.reopened,
		suggestions_by_state: Object.fromEntries(SUGGESTION_STATES.map((s) => [s, totals[`sg_${s}`]])) as Record<SuggestionState, number>,
		satisfaction: rated > 0 ? (Object.fromEntries(RATING_CRITERIA.map((c) => [c, totals[`rating_sum_${c}`] / rated])) as Record<RatingCriterion, number>) : null,
		rating_response_rate_pct: totals.rating_invited > 0 ? pct(rated, totals.rating_invited) : null
	};
}
