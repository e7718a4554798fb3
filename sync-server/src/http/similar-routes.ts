/** GET /api/cases/:case_key/similar?limit=N (issue 13): for staff of the case's entity (agents and
 * managers), the most similar cases of that entity from the last 90 days, each with its score and
 * whether it passes the production threshold. Staff of another entity get 404, as if the case did
 * not exist; other roles 403. `limit` is 1–20, 5 when absent. One lookup scores up to 2,000 cases,
 * so each staff member may ask `PER_MINUTE` times a minute; past that, 429 `rate_limited`. */
import express from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { SIMILAR_THRESHOLD } from '../../../src/lib/domain/similar.js';
import { ensureSimilarViews, similarCases } from '../similar/lookup.js';
import { onceUntilFailed } from '../once.js';
import type { Store } from '../store.js';
import { asyncHandler } from './errors.js';
import { entityCase, requireRole } from './guards.js';
import { windowQuota } from './window-quota.js';

const SIMILAR_WINDOW_DAYS = 90;
const MAX_LIMIT = 20;
export const SIMILAR_PER_MINUTE = 30;
const MINUTE_MS = 60_000;

function parseLimit(raw: unknown): number {
	if (raw === undefined) return 5;
	if (typeof raw !== 'string' || !/^\d{1,2}$/.test(raw)) throw new TawasulError(400, 'invalid_format', [{ field: 'limit', code: 'invalid_format' }]);
	const limit = Number(raw);
	if (limit < 1 || limit > MAX_LIMIT) throw new TawasulError(400, 'out_of_range', [{ field: 'limit', code: 'out_of_range' }]);
	return limit;
}

export function similarRouter(deps: { store: Store; now?: () => Date }): express.Router {
	const router = express.Router();
	const ready = onceUntilFailed(() => ensureSimilarViews(deps.store));
	const allowed = windowQuota(SIMILAR_PER_MINUTE, MINUTE_MS, () => deps.now?.().getTime() ?? Date.now());

	router.get(
		'/api/cases/:case_key/similar',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['agent', 'manager']);
			if (!allowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const keys = Object.keys(req.query);
			if (keys.some((k) => k !== 'limit'))
				throw new TawasulError(
					400,
					'unknown_field',
					keys
						.filter((k) => k !== 'limit')
						.slice(0, 5)
						.map((field) => ({ field, code: 'unknown_field' }))
				);
			const limit = parseLimit(req.query.limit);
			const caseKey = req.params.case_key;
			const caseDoc = await entityCase(deps.store, user, caseKey);
			await ready();
			const cases = await similarCases(deps.store, caseDoc, { limit, windowDays: SIMILAR_WINDOW_DAYS, now: deps.now?.() ?? new Date() });
			res.setHeader('Cache-Control', 'no-store');
			res.json({ case_key: caseKey, entity_id: caseDoc.entity_id, threshold: SIMILAR_THRESHOLD, window_days: SIMILAR_WINDOW_DAYS, cases });
		})
	);
	return router;
}
