import type { AttentionItem, EntityRisk, WarningCase } from '$lib/domain/sla-warning';

export type { AttentionItem, WarningCase };
import { request } from './api';

/** The SLA early warning as /api/sla/* returns it (docs/design.md, "SLA early warning"). These
 * read the server's indexes, so they need a connection; the inbox's own clocks work offline. */

export interface Warnings {
	entity_id: string;
	today: string;
	now: string;
	horizon: string;
	working_days: number;
	cases: WarningCase[];
	truncated: boolean;
	/** Names of the staff who hold the listed cases, by user id. */
	staff: Record<string, string>;
}

export interface AtRisk {
	today: string;
	horizon: string;
	working_days: number;
	entities: EntityRisk[];
}

export const fetchWarnings = () => request<Warnings>('GET', '/api/sla/warnings');
export const fetchAttention = () => request<{ entity_id: string; items: AttentionItem[] }>('GET', '/api/sla/attention');
export const fetchAtRisk = () => request<AtRisk>('GET', '/api/sla/at-risk');

export interface HolderCount {
	/** Null: nobody in the entity has acted on these cases yet. */
	handler: string | null;
	late: number;
	due_soon: number;
}

/** Late and due-soon counts per holder, the most late first, the unheld cases last. */
export function countsByHolder(cases: readonly WarningCase[]): HolderCount[] {
	const counts = new Map<string | null, HolderCount>();
	for (const c of cases) {
		const row = counts.get(c.handler) ?? { handler: c.handler, late: 0, due_soon: 0 };
		row[c.warning] += 1;
		counts.set(c.handler, row);
	}
	return [...counts.values()].sort((a, b) => Number(a.handler === null) - Number(b.handler === null) || b.late - a.late || b.due_soon - a.due_soon || (a.handler ?? '').localeCompare(b.handler ?? ''));
}
