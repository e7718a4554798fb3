/** What the dashboard and the report ask of the `stats` database: the national overview or one
 * entity's drill-down over a date range, with a trend. Pure apart from the reader it is given
 * (nano on the server, PouchDB on a dashboard device), and it reads every document it needs in
 * one request. */
import { CASE_TYPES, type CaseType } from '../../../src/lib/domain/doc-types.js';
import { accumulate, headline, sumBy, sumCells, sumDocs, type CellFilter, type CellTotals, type Headline } from './kpi.js';
import { DEFAULT_CONVENTIONS, NATIONAL, statsDocId, zeroTotals, type Conventions, type StatsDoc } from './model.js';
import { planRange, trendPoints, type PlannedPeriod } from './periods.js';

export interface StatsReader {
	/** The documents with these ids, null where there is none (nothing happened then). */
	get(ids: readonly string[]): Promise<(StatsDoc | null)[]>;
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
	/** How many documents were read: the dashboard's cost. */
	documents: number;
}

const idsOf = (scope: string, plan: PlannedPeriod[]) => plan.map((p) => statsDocId(p.level, scope, p.period));

export async function overview(reader: StatsReader, scope: string, query: RangeQuery): Promise<Overview> {
	const conventions = query.conventions ?? DEFAULT_CONVENTIONS;
	const mainIds = idsOf(scope, planRange(query.from, query.to));
	const points = query.trend ? trendPoints(query.trend, query.from, query.to, query.weekStart ?? 0) : [];
	const pointIds = points.map((p) => idsOf(scope, p.plan));
	const wanted = [...new Set([...mainIds, ...pointIds.flat()])];
	const found = await reader.get(wanted);
	const byId = new Map<string, StatsDoc>();
	wanted.forEach((id, i) => {
		const doc = found[i];
		if (doc) byId.set(id, doc);
	});
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
		by_type: Object.fromEntries(CASE_TYPES.map((type) => [type, headline(byType.get(type)!, typeMap((c) => c.case_type === type), conventions)])) as Record<CaseType, Headline>,
		groups: subs.map((id) => ({ id, headline: headline(total((c) => c.sub === id), typeMap((c) => c.sub === id), conventions) })),
		trend: points.map((p, i) => {
			const docs = pick(pointIds[i]);
			return { period: p.period, from: p.from, to: p.to, headline: headline(sumDocs(docs, query.filter), sumBy(docs, 'type', query.filter), conventions) };
		}),
		documents: byId.size
	};
}

export const nationalOverview = (reader: StatsReader, query: RangeQuery) => overview(reader, NATIONAL, query);
export const entityDrillDown = (reader: StatsReader, entityId: string, query: RangeQuery) => overview(reader, entityId, query);
