/** Repeated-case clusters (issue 13).
 *
 * GET  /api/clusters?scope=&limit=   the most repeated clusters of the window ending now: a manager
 *   gets their own entity (naming another is 403); the minister's office and coordinators any
 *   entity or `_all` (the default), without case keys or references, which only staff open.
 * POST /api/clusters/:cluster_id/status  { status }   a manager of the cluster's entity moves its
 *   study on (open → under study → root cause fixed, or back); audited. A cluster of another
 *   entity is 404, as if it did not exist; other roles 403.
 * GET  /api/cases/:case_key/cluster   staff of the case's entity: the case's cluster, and whether
 *   the case joined it after its root cause was marked fixed.
 *
 * `limit` is 1–50 (10 when absent); any other query field is refused. Each person may read
 * `READS_PER_MINUTE` times a minute and change `CHANGES_PER_HOUR` statuses an hour (429). */
import express from 'express';
import { isClusterStatus } from '../../../src/lib/domain/cluster-status.js';
import { clusterDocId, clusterTransitionAllowed, summarise, type ClusterDoc, type ClusterStatus } from '../../../src/lib/domain/clusters.js';
import { DB, ID_PATTERN } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { NATIONAL } from '../../../src/lib/domain/stats/model.js';
import { clusterAuditEntry } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';
import type { SessionUser } from '../auth/types.js';
import { clusterOfCase, ensureClusterDbs, getOrNull, mostRepeated, withoutCases } from '../clusters/store.js';
import { onceUntilFailed } from '../once.js';
import type { Store } from '../store.js';
import { onlyFields, readObject } from './body.js';
import { asyncHandler, errorHandler } from './errors.js';
import { entityCase, entityOf, requireRole } from './guards.js';
import { windowQuota } from './window-quota.js';
import { storedAs } from '../store-docs.js';

export const READS_PER_MINUTE = 30;
export const CHANGES_PER_HOUR = 60;
const MAX_LIMIT = 50;
const CASE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const small = express.json({ limit: '1kb', strict: true });
const MAX_ATTEMPTS = 5;

interface Deps {
	store: Store;
	windowDays: number;
	now?: () => Date;
}

function queryText(value: unknown, field: string): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string') throw new TawasulError(400, 'invalid_format', [{ field, code: 'invalid_format' }]);
	return value;
}

function parseLimit(raw: string | undefined): number {
	if (raw === undefined) return 10;
	if (!/^\d{1,2}$/.test(raw)) throw new TawasulError(400, 'invalid_format', [{ field: 'limit', code: 'invalid_format' }]);
	const limit = Number(raw);
	if (limit < 1 || limit > MAX_LIMIT) throw new TawasulError(400, 'out_of_range', [{ field: 'limit', code: 'out_of_range' }]);
	return limit;
}

/** Whose clusters the caller asked for, within what they may see. */
function scopeFor(user: SessionUser, asked: string | undefined): string {
	if (asked !== undefined && asked !== NATIONAL && !ID_PATTERN.test(asked)) throw new TawasulError(400, 'invalid_format', [{ field: 'scope', code: 'invalid_format' }]);
	if (user.role !== 'manager') return asked ?? NATIONAL;
	const entity = entityOf(user);
	if (asked !== undefined && asked !== entity) throw new TawasulError(403, 'forbidden');
	return entity;
}

export function clusterRouter(deps: Deps): express.Router {
	const router = express.Router();
	const now = () => deps.now?.() ?? new Date();
	const readAllowed = windowQuota(READS_PER_MINUTE, 60_000, () => now().getTime());
	const changeAllowed = windowQuota(CHANGES_PER_HOUR, 3_600_000, () => now().getTime());
	const ensure = onceUntilFailed(() => ensureClusterDbs(deps.store));

	router.get(
		'/api/clusters',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager', 'minister', 'coordinator']);
			if (!readAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			onlyFields(req.query, ['scope', 'limit']);
			const scope = scopeFor(user, queryText(req.query.scope, 'scope'));
			const limit = parseLimit(queryText(req.query.limit, 'limit'));
			await ensure();
			const at = now();
			const top = await mostRepeated(deps.store, scope, { windowDays: deps.windowDays, now: at, limit });
			res.setHeader('Cache-Control', 'no-store');
			res.json({ scope, window_days: deps.windowDays, at: at.toISOString(), clusters: user.role === 'manager' ? top : top.map(withoutCases) });
		})
	);

	router.post(
		'/api/clusters/:cluster_id/status',
		small,
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager']);
			if (!changeAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const body = readObject(req.body);
			onlyFields(body, ['status']);
			const status = body.status;
			if (!isClusterStatus(status)) throw new TawasulError(400, 'invalid_format', [{ field: 'status', code: 'invalid_format' }]);
			if (!CASE_KEY.test(req.params.cluster_id) || !user.entity_id) throw new TawasulError(404, 'not_found');
			await ensure();
			const doc = await changeStatus(deps.store, clusterDocId(user.entity_id, req.params.cluster_id), status, user, now().toISOString());
			res.setHeader('Cache-Control', 'no-store');
			res.json({ cluster: summarise(doc, now(), deps.windowDays) });
		})
	);
	router.use('/api/clusters', errorHandler);

	router.get(
		'/api/cases/:case_key/cluster',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['agent', 'manager']);
			if (!readAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			onlyFields(req.query, []);
			const caseDoc = await entityCase(deps.store, user, req.params.case_key);
			await ensure();
			const doc = await clusterOfCase(deps.store, caseDoc.entity_id, caseDoc.case_key);
			const member = doc?.members.find((m) => m.k === caseDoc.case_key);
			res.setHeader('Cache-Control', 'no-store');
			res.json({ case_key: caseDoc.case_key, cluster: doc ? summarise(doc, now(), deps.windowDays) : null, after_fix: member?.f === 1 });
		})
	);
	return router;
}

/** Moves the cluster's study on and records who did it; a follower's write in between is read again. */
async function changeStatus(store: Store, id: string, status: ClusterStatus, user: SessionUser, at: string): Promise<ClusterDoc> {
	for (let attempt = 1; ; attempt++) {
		const doc = await getOrNull<ClusterDoc>(store, id);
		if (!storedAs(doc, 'cluster') || doc.entity_id !== user.entity_id) throw new TawasulError(404, 'not_found');
		if (!clusterTransitionAllowed(doc.status, status)) throw new TawasulError(409, 'invalid_transition');
		const next: ClusterDoc = { ...doc, status, history: [...doc.history, { status, at, by: user.user_id }] };
		try {
			next._rev = (await store.use<ClusterDoc>(DB.CLUSTERS).insert(next)).rev;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode === 409 && attempt < MAX_ATTEMPTS) continue;
			throw error;
		}
		await writeAudit(store, [clusterAuditEntry({ user, cluster: doc, from: doc.status, to: status, at })]);
		return next;
	}
}
