/**
 * GET /api/stats/overview?from=&to=&case_types=&subs=&trend=w|m&no_due=&unreplied=&scope= — the
 * dashboard's figures online, computed by the same `query.overview` the PWA runs on its replica.
 * An entity manager gets their own entity only (the scope is forced; naming another is refused);
 * the minister's office and coordinators may ask for any entity or `_all` (they also pull `stats`).
 */
import express from 'express';
import { CASE_TYPES, ID_PATTERN, type CaseType } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { CatalogueSource } from '../engine/catalogue.js';
import type { Store } from '../store.js';
import { DEFAULT_CONVENTIONS, NATIONAL, STATS_DB, STATS_DOC_TYPE, type Conventions, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import { overdueList, type RangeReader } from '../../../src/lib/domain/stats/overdue.js';
import { isDay, weekStartDay } from '../../../src/lib/domain/stats/periods.js';
import { overview } from '../../../src/lib/domain/stats/query.js';
import { storeReader } from '../stats/store-reader.js';
import { asyncHandler } from './errors.js';
import { entityOf, requireRole } from './guards.js';

const bad = (field: string, code: 'invalid_format' | 'invalid_date' = 'invalid_format') => new TawasulError(400, code, [{ field, code }]);

function single(value: unknown, field: string): string | undefined {
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string') throw bad(field);
	return value;
}

function list(value: unknown, field: string, valid: (item: string) => boolean): string[] | undefined {
	const text = single(value, field);
	if (text === undefined) return undefined;
	const items = text.split(',').filter(Boolean);
	if (items.length > 200 || !items.every(valid)) throw bad(field);
	return items;
}

function localToday(timeZone: string, now: Date): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function rangeReader(store: Store): RangeReader {
	return {
		async range(first, last) {
			const result = await store.use<StatsDoc>(STATS_DB).list({ startkey: first, endkey: last, include_docs: true });
			return result.rows.flatMap((row) => (row.doc?.type === STATS_DOC_TYPE ? [row.doc as StatsDoc] : []));
		}
	};
}

export function statsRouter(deps: { store: Store; now?: () => Date }): express.Router {
	const router = express.Router();
	const catalogue = new CatalogueSource(deps.store);
	router.get(
		'/api/stats/overview',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager', 'coordinator', 'minister']);
			const asked = single(req.query.scope, 'scope');
			if (asked !== undefined && asked !== NATIONAL && !ID_PATTERN.test(asked)) throw bad('scope');
			let scope: string;
			if (user.role === 'manager') {
				scope = entityOf(user);
				if (asked !== undefined && asked !== scope) throw new TawasulError(403, 'forbidden');
			} else scope = asked ?? NATIONAL;
			const { settings } = await catalogue.get();
			const today = localToday(settings.time_zone, deps.now?.() ?? new Date());
			const from = single(req.query.from, 'from') ?? `${today.slice(0, 4)}-01-01`;
			const to = single(req.query.to, 'to') ?? today;
			if (!isDay(from)) throw bad('from', 'invalid_date');
			if (!isDay(to) || to < from) throw bad('to', 'invalid_date');
			const case_types = list(req.query.case_types, 'case_types', (t) => (CASE_TYPES as readonly string[]).includes(t)) as CaseType[] | undefined;
			const subs = list(req.query.subs, 'subs', (s) => ID_PATTERN.test(s));
			const trend = single(req.query.trend, 'trend');
			if (trend !== undefined && trend !== 'w' && trend !== 'm') throw bad('trend');
			const noDue = single(req.query.no_due, 'no_due') ?? DEFAULT_CONVENTIONS.noDue;
			if (noDue !== 'excluded' && noDue !== 'on_time') throw bad('no_due');
			const unreplied = single(req.query.unreplied, 'unreplied') ?? DEFAULT_CONVENTIONS.unrepliedPastDue;
			if (unreplied !== 'late' && unreplied !== 'pending') throw bad('unreplied');
			const conventions: Conventions = { noDue, unrepliedPastDue: unreplied };
			const filter = case_types || subs ? { case_types, subs } : undefined;
			const result = await overview(storeReader(deps.store), scope, { from, to, conventions, filter, trend: trend ?? null, weekStart: weekStartDay(settings.weekend) });
			const entities = scope === NATIONAL ? result.groups.map((g) => g.id) : [scope];
			const overdue = await overdueList(rangeReader(deps.store), entities, {
				from,
				to,
				today,
				responseDays: settings.response_days,
				filter: scope === NATIONAL ? { case_types } : filter
			});
			res.setHeader('Cache-Control', 'no-store');
			res.json({ overview: result, overdue, today, response_days: settings.response_days });
		})
	);
	return router;
}
