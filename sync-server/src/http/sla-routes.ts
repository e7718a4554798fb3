/**
 * The SLA early warning (issue 16, part 2; docs/design.md, "SLA early warning"):
 * - GET /api/sla/warnings — late and due-soon cases: an agent's own and those nobody in the
 *   entity holds yet, a manager's whole entity (with who holds each); other roles 403.
 * - GET /api/sla/attention — a manager's queue: low ratings with the criteria that scored low,
 *   and reopened cases not closed again.
 * - GET /api/sla/at-risk — the minister's office and coordinators: counts of late and due-soon
 *   cases per entity today, nothing else.
 * "Due soon" is due within `SLA_WARNING_WORKING_DAYS` working days of the national calendar.
 */
import express from 'express';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { DEFAULT_LOW_RATING_THRESHOLD } from '../../../src/lib/domain/rating.js';
import { warningHorizon } from '../../../src/lib/domain/sla-warning.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { accountDocId, type AccountDoc } from '../auth/types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { attentionQueue, entitiesAtRisk, entityWarnings, type Window } from '../sla/warnings.js';
import type { Store } from '../store.js';
import { asyncHandler } from './errors.js';
import { entityOf, requireRole } from './guards.js';

/** Names of the staff who hold the listed cases, for the manager's per-agent view. */
async function staffNames(store: Store, ids: string[]): Promise<Record<string, string>> {
	if (ids.length === 0) return {};
	const found = await store.use<AccountDoc>(DB.AUTH).fetch({ keys: ids.map(accountDocId) });
	const names: Record<string, string> = {};
	for (const row of found.rows) if ('doc' in row && row.doc?.type === 'account') names[row.doc.user_id] = row.doc.name;
	return names;
}

export function slaRouter(deps: { store: Store; workingDays: number; now?: () => Date }): express.Router {
	const router = express.Router();
	const catalogue = new CatalogueSource(deps.store);

	async function window(): Promise<Window & { today: string }> {
		const { calendar } = await catalogue.get();
		const now = deps.now?.() ?? new Date();
		return { now, horizon: warningHorizon(now, deps.workingDays, calendar), today: localDateOf(now, calendar.timeZone) };
	}

	router.get(
		'/api/sla/warnings',
		asyncHandler(async (_req, res) => {
			const user = requireRole(res, ['agent', 'manager']);
			const w = await window();
			const { rows, truncated } = await entityWarnings(deps.store, entityOf(user), w, user.role === 'agent' ? user.user_id : undefined);
			const handlers = [...new Set(rows.flatMap((r) => (r.handler ? [r.handler] : [])))];
			res.setHeader('Cache-Control', 'no-store');
			res.json({
				entity_id: user.entity_id,
				today: w.today,
				now: w.now.toISOString(),
				horizon: w.horizon.toISOString(),
				working_days: deps.workingDays,
				cases: rows,
				truncated,
				staff: await staffNames(deps.store, handlers)
			});
		})
	);

	router.get(
		'/api/sla/attention',
		asyncHandler(async (_req, res) => {
			const user = requireRole(res, ['manager']);
			const { settings } = await catalogue.get();
			const items = await attentionQueue(deps.store, entityOf(user), settings.low_rating_threshold ?? DEFAULT_LOW_RATING_THRESHOLD);
			res.setHeader('Cache-Control', 'no-store');
			res.json({ entity_id: user.entity_id, items });
		})
	);

	router.get(
		'/api/sla/at-risk',
		asyncHandler(async (_req, res) => {
			requireRole(res, ['minister', 'coordinator']);
			const { entities } = await catalogue.get();
			const w = await window();
			// Retired entities too: their open cases still have dates to keep.
			const rows = await entitiesAtRisk(deps.store, [...entities.keys()].sort(), w);
			res.setHeader('Cache-Control', 'no-store');
			res.json({ today: w.today, now: w.now.toISOString(), horizon: w.horizon.toISOString(), working_days: deps.workingDays, entities: rows });
		})
	);
	return router;
}
