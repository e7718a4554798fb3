/**
 * GET /api/audit?entity=&from=&to=&limit=&cursor= — the audit trail, newest first, one page at a
 * time. An entity manager reads their own entity's entries only; a coordinator reads any entity's,
 * or all of them without `entity`. Nobody writes through HTTP: the trail has no write route.
 */
import express from 'express';
import { ID_PATTERN } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import type { Store } from '../store.js';
import { ALL_SCOPE } from './entries.js';
import { queryAudit } from './trail.js';

const AUDIT_PAGE = { default: 50, max: 200 } as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const bad = (field: string, code: 'invalid_format' | 'invalid_date' | 'out_of_range' = 'invalid_format', params?: Record<string, number>) =>
	new TawasulError(400, code, [{ field, code, ...(params ? { params } : {}) }]);

function single(value: unknown, field: string): string | undefined {
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string') throw bad(field);
	return value;
}

/** A day (UTC, whole day) or an instant, as a canonical ISO string; the end of a day for `to`. */
function instant(value: string | undefined, field: string, end: boolean): string | null {
	if (value === undefined) return null;
	let text = value;
	if (DATE_ONLY.test(value)) text = `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
	else if (!INSTANT.test(value)) throw bad(field, 'invalid_date');
	const ms = Date.parse(text);
	if (Number.isNaN(ms) || (DATE_ONLY.test(value) && new Date(ms).toISOString().slice(0, 10) !== value)) throw bad(field, 'invalid_date');
	return new Date(ms).toISOString();
}

function encodeCursor(key: [string, string, string]): string {
	return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is only good for the scope and time range it came from. */
function decodeCursor(value: string | undefined, scope: string, from: string | null, to: string | null): [string, string, string] | null {
	if (value === undefined) return null;
	let key: unknown;
	try {
		key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
	} catch {
		throw bad('cursor');
	}
	const ok = Array.isArray(key) && key.length === 3 && key.every((part) => typeof part === 'string') && key[0] === scope && (!from || key[1] >= from) && (!to || key[1] <= to);
	if (!ok) throw bad('cursor');
	return key as [string, string, string];
}

export function auditRouter(deps: { store: Store }): express.Router {
	const router = express.Router();
	router.get(
		'/api/audit',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager', 'coordinator']);
			const entity = single(req.query.entity, 'entity');
			if (entity !== undefined && !ID_PATTERN.test(entity)) throw bad('entity');
			let scope: string;
			if (user.role === 'manager') {
				// Their own entity, whether or not they name it; naming another is refused, not emptied.
				if (entity !== undefined && entity !== user.entity_id) throw new TawasulError(403, 'forbidden');
				// A manager's session always names their entity; one that does not is refused rather than shown everything.
				if (user.entity_id === undefined) throw new TawasulError(403, 'forbidden');
				scope = user.entity_id;
			} else {
				scope = entity ?? ALL_SCOPE;
			}
			const from = instant(single(req.query.from, 'from'), 'from', false);
			const to = instant(single(req.query.to, 'to'), 'to', true);
			if (from && to && from > to) throw bad('from', 'invalid_date');
			const rawLimit = single(req.query.limit, 'limit');
			const limit = rawLimit === undefined ? AUDIT_PAGE.default : Number(rawLimit);
			if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE.max) throw bad('limit', 'out_of_range', { min: 1, max: AUDIT_PAGE.max });
			const start = decodeCursor(single(req.query.cursor, 'cursor'), scope, from, to);
			const page = await queryAudit(deps.store, { scope, from, to, limit, start });
			res.setHeader('Cache-Control', 'no-store');
			res.json({ scope, entries: page.entries, next_cursor: page.next ? encodeCursor(page.next) : null });
		})
	);
	return router;
}
