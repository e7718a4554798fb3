/** What the dashboard and the report ask of the `stats` database: the national overview or one
 * entity's drill-down over a date range, with a trend. Pure apart from the reader it is given
 * (nano on the server, PouchDB on a dashboard device); it reads what it needs as a few contiguous
 * id ranges, in parallel (five aligned years with a monthly trend: two ranges per scope). */
import { CASE_TYPES, type CaseType } from '../doc-types.js';
import { accumulate, headline, sumBy, sumCells, sumDocs, type CellFilter, type CellTotals, type Headline } from './kpi.js';
import { DEFAULT_CONVENTIONS, NATIONAL, statsDocId, zeroTotals, type Conventions, type StatsDoc } from './model.js';
import { planRange, runsOf, trendPoints, type PlannedPeriod } from './periods.js';

export interface StatsReader {
	/** The documents whose ids run from `first` to `last` inclusive (a missing one: nothing
	 * happened then). Ranges, not lists of ids: a store reads a run of neighbouring documents in
	 * one sweep, far quicker than as many separate lookups. */
	range(first: string, last: string): Promise<StatsDoc[]>;
}

export interface RangeQuery {
	/** Local dates, inclusive. */
	from: string;
	to: string;
	conventions?: Conventions;
	filter?: CellFilter;
	trend?: 'w' | 'm' | 'y' | null;
	/** First day of the national week (periods.weekStartDay); needed for weekly trends. */
	weekStart?: number;
}

export interface Overview {
	scope: string;
	from: string;
	to: string;
	conventions: Conventions;
	headline: Headline;
	by_type: Record<CaseType, Headline>;
	/** Per entity (national scope) or per category (an entity), sorted by id. */
	groups: { id: string; headline: Headline }[];
	trend: { period: string; from: string; to: string; headline: Headline }[];
	/** How many documents were read, in how many requests: the dashboard's cost. */
	documents: number;
	requests: number;
}

const idsOf = (scope: string, plan: PlannedPeriod[]) => plan.map((p) => statsDocId(p.level, scope, p.period));

export async function overview(reader: StatsReader, scope: string, query: RangeQuery): Promise<Overview> {
	const conventions = query.conventions ?? DEFAULT_CONVENTIONS;
	const plan = planRange(query.from, query.to);
	const mainIds = idsOf(scope, plan);
	const points = query.trend ? trendPoints(query.trend, query.from, query.to, query.weekStart ?? 0) : [];
	const pointIds = points.map((p) => idsOf(scope, p.plan));
	const runs = runsOf([...plan, ...points.flatMap((p) => p.plan)]);
	const found = await Promise.all(runs.map((r) => reader.range(statsDocId(r.level, scope, r.first), statsDocId(r.level, scope, r.last))));
	const byId = new Map<string, StatsDoc>();
	for (const doc of found.flat()) byId.set(doc._id, doc);
	const pick = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []);
	// Every figure below is a sum of cells: add each cell of the range once, then regroup.
	const cells = sumCells(pick(mainIds), query.filter);
	const total = (keep: (c: CellTotals) => boolean) => {
		const totals = zeroTotals();
		for (const c of cells) if (keep(c)) accumulate(totals, c.totals);
		return totals;
	};
	const typeMap = (keep: (c: CellTotals) => boolean) => new Map(CASE_TYPES.map((type) => [type as string, total((c) => c.case_type === type && keep(c))]));
	const all = () => true;
	const byType = typeMap(all);
	const subs = [...new Set(cells.map((c) => c.sub))].sort((a, b) => a.localeCompare(b));
	return {
		scope,
		from: query.from,
		to: query.to,
		conventions,
		headline: headline(total(all), byType, conventions),
		by_type: Object.fromEntries(
			CASE_TYPES.map((type) => [
				type,
				headline(
					total((c) => c.case_type === type),
					typeMap((c) => c.case_type === type),
					conventions
				)
			])
		) as Record<CaseType, Headline>,
		groups: subs.map((id) => ({
			id,
			headline: headline(
				total((c) => c.sub === id),
				typeMap((c) => c.sub === id),
				conventions
			)
		})),
		trend: points.map((p, i) => {
			const docs = pick(pointIds[i]);
			return { period: p.period, from: p.from, to: p.to, headline: headline(sumDocs(docs, query.filter), sumBy(docs, 'type', query.filter), conventions) };
		}),
		documents: byId.size,
		requests: runs.length
	};
}

export const nationalOverview = (reader: StatsReader, query: RangeQuery) => overview(reader, NATIONAL, query);
export const entityDrillDown = (reader: StatsReader, entityId: string, query: RangeQuery) => overview(reader, entityId, query);
