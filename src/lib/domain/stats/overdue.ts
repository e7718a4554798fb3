/** The overdue list of the dashboard: the cases still to chase, as counts per entity × category ×
 * day of receipt (no case, no citizen). Read from the entities' day documents, with the same
 * reader as query.ts; pure, no Node imports, so the PWA runs it on its replica too. */
import type { CellFilter } from './kpi.js';
import { splitCell, statsDocId, type StatsDoc } from './model.js';

/** The documents whose ids run from `first` to `last` inclusive. */
export interface RangeReader {
	range(first: string, last: string): Promise<StatsDoc[]>;
}

export interface OverdueRow {
	entity_id: string;
	category_id: string;
	/** Local day the cases were received. */
	day: string;
	count: number;
	/** ≈ today − day − the response period (calendar days); never below 0. */
	days_late: number;
}

const dayNumber = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000;

export async function overdueList(
	reader: RangeReader,
	entities: readonly string[],
	query: { from: string; to: string; today: string; responseDays: number; filter?: CellFilter }
): Promise<OverdueRow[]> {
	const rows: OverdueRow[] = [];
	const found = await Promise.all(entities.map((e) => reader.range(statsDocId('d', e, query.from), statsDocId('d', e, query.to))));
	found.forEach((docs, i) => {
		const entity = entities[i];
		for (const doc of docs) {
			if (doc.scope !== entity || doc.level !== 'd') continue;
			for (const [key, counters] of Object.entries(doc.cells)) {
				const count = counters.overdue ?? 0;
				if (!count) continue;
				const { case_type, sub } = splitCell(key);
				if (query.filter?.case_types && !query.filter.case_types.includes(case_type)) continue;
				const existing = rows.find((r) => r.entity_id === entity && r.category_id === sub && r.day === doc.period);
				if (existing) existing.count += count;
				else
					rows.push({
						entity_id: entity,
						category_id: sub,
						day: doc.period,
						count,
						days_late: Math.max(0, dayNumber(query.today) - dayNumber(doc.period) - query.responseDays)
					});
			}
		}
	});
	return rows.sort((a, b) => b.days_late - a.days_late || a.entity_id.localeCompare(b.entity_id) || a.category_id.localeCompare(b.category_id));
}
