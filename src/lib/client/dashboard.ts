/** The minister's office dashboard (issue 5): the same `query.overview` the server and
 * `npm run report` run, over the device's `mirror-stats` replica (minister, coordinators: works
 * offline) or, for an entity manager, from GET /api/stats/overview (their entity only, online).
 * Besides the loaders, pure helpers for the pages: query strings, ranges, table rows. */
import type { CaseType } from '$lib/domain/doc-types';
import { RATING_CRITERIA } from '$lib/domain/rating';
import type { Headline } from '$lib/domain/stats/kpi';
import { NATIONAL, type Conventions, type StatsDoc } from '$lib/domain/stats/model';
import { overdueList, type OverdueRow } from '$lib/domain/stats/overdue';
import { weekStartDay } from '$lib/domain/stats/periods';
import { overview, type Overview, type StatsReader } from '$lib/domain/stats/query';
import { request } from './api';

export type { Headline };
export { NATIONAL };

export interface DashboardQuery {
	/** `_all` or an entity id. */
	scope: string;
	from: string;
	to: string;
	case_types?: CaseType[];
	subs?: string[];
	trend: 'w' | 'm';
	conventions: Conventions;
}

export interface DashboardData {
	overview: Overview;
	overdue: OverdueRow[];
	today: string;
	response_days: number;
	source: 'replica' | 'server';
}

/** Today's date in a time zone, YYYY-MM-DD. */
export function localToday(timeZone: string | undefined, now = new Date()): string {
	try {
		return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
	} catch {
		return now.toISOString().slice(0, 10);
	}
}

/** The query string of GET /api/stats/overview. */
export function overviewParams(query: DashboardQuery, forceScope = false): string {
	const params = new URLSearchParams({ from: query.from, to: query.to, trend: query.trend, no_due: query.conventions.noDue, unreplied: query.conventions.unrepliedPastDue });
	if (query.case_types?.length) params.set('case_types', query.case_types.join(','));
	if (query.subs?.length) params.set('subs', query.subs.join(','));
	if (forceScope || query.scope !== NATIONAL) params.set('scope', query.scope);
	return params.toString();
}

/** A PouchDB database as the query's reader: id ranges with `allDocs` (the design's one call). */
export function pouchReader(db: { allDocs(options: object): Promise<{ rows: { id: string; doc?: unknown }[] }> }): StatsReader {
	const isStats = (doc: unknown): doc is StatsDoc => (doc as StatsDoc | undefined)?.type === 'stats';
	return {
		async range(first, last) {
			const result = await db.allDocs({ startkey: first, endkey: last, include_docs: true });
			return result.rows.flatMap((row) => (isStats(row.doc) ? [row.doc] : []));
		}
	};
}

/** From the device's replica of `stats` (minister's office, coordinators). */
export async function loadFromReplica(query: DashboardQuery, settings: { time_zone: string; weekend: number[]; response_days: number } | null): Promise<DashboardData> {
	const { sync } = await import('./sync.svelte');
	const reader = pouchReader(await sync.mirror('stats'));
	const filter = query.case_types?.length || query.subs?.length ? { case_types: query.case_types, subs: query.subs } : undefined;
	const result = await overview(reader, query.scope, {
		from: query.from,
		to: query.to,
		conventions: query.conventions,
		filter,
		trend: query.trend,
		weekStart: weekStartDay(settings?.weekend ?? [5, 6])
	});
	const today = localToday(settings?.time_zone);
	const responseDays = settings?.response_days ?? 0;
	const entities = query.scope === NATIONAL ? result.groups.map((g) => g.id) : [query.scope];
	const overdue = await overdueList(reader, entities, { from: query.from, to: query.to, today, responseDays, filter: query.scope === NATIONAL ? { case_types: query.case_types } : filter });
	return { overview: result, overdue, today, response_days: responseDays, source: 'replica' };
}

/** From the server (an entity manager: their own entity). */
export async function loadFromServer(query: DashboardQuery): Promise<DashboardData> {
	const body = await request<Omit<DashboardData, 'source'>>('GET', `/api/stats/overview?${overviewParams(query, true)}`);
	return { ...body, source: 'server' };
}

/** One decimal, or null. */
export const round1 = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);

/** The columns of a headline row in the tables and exports, in order. */
export const HEADLINE_COLUMNS = ['cases', 'inquiries', 'complaints', 'suggestions', 'within_period_pct', 'avg_days_to_reply', 'open', 'overdue', 'satisfaction', 'rating_response_rate_pct'] as const;

/** Mean of the criteria (1–5), or null without ratings. */
function meanSatisfaction(h: Headline): number | null {
	const satisfaction = h.satisfaction;
	if (!satisfaction) return null;
	const values = RATING_CRITERIA.map((c) => satisfaction[c]);
	return values.reduce((a, b) => a + b, 0) / values.length;
}

export function headlineCells(h: Headline): (number | null)[] {
	return [
		h.cases,
		h.inquiries,
		h.complaints,
		h.suggestions,
		round1(h.within_period_pct),
		round1(h.avg_days_to_reply),
		h.open,
		h.overdue,
		round1(meanSatisfaction(h)),
		round1(h.rating_response_rate_pct)
	];
}

/** Groups ranked: highest % answered within the period first, nulls last, then by cases. */
export function ranked<T extends { id: string; headline: Headline }>(groups: readonly T[]): T[] {
	return [...groups].sort((a, b) => {
		const x = a.headline.within_period_pct;
		const y = b.headline.within_period_pct;
		if (x === null && y !== null) return 1;
		if (y === null && x !== null) return -1;
		if (x !== null && y !== null && x !== y) return y - x;
		return b.headline.cases - a.headline.cases || a.id.localeCompare(b.id);
	});
}

/** A chart's scale: a round maximum ≥ the largest value, and 4 ticks. */
export function niceMax(max: number): number {
	if (max <= 0) return 1;
	const power = 10 ** Math.floor(Math.log10(max));
	for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
	return 10 * power;
}
