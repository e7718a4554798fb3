/** The permission matrix of the sync gate: every role × every path under /db × every endpoint
 * the store has, with URL-encoding variants, each cell asserting the exact status and that a
 * refusal leaks nothing. The expected decision comes from the tables below (docs/design.md and
 * ARCHITECTURE §2–3), never from the gate's code. Then forged writes into `intake`, pushing the
 * same action twice, pulling another person's database, and the security headers.
 *
 * One server for the file; sign-ins once (the OTP limit is 3 per phone per 15 minutes, so every
 * citizen here has a phone of their own). Raw HTTP (node:http) so that `..`, `%2e%2e` and double
 * slashes reach the server exactly as written: fetch() would normalise them away. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallImage } from '../fixtures/files.js';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, waitFor, type Session } from './harness.js';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '../..');

// ─── Who ──────────────────────────────────────────────────────────────────────────────────────

const ROLES = ['anonymous', 'citizenA', 'citizenB', 'agentWorks', 'agentHealth', 'managerWorks', 'coordinator', 'minister'] as const;
type RoleKey = (typeof ROLES)[number];

const STAFF_LOGIN: Partial<Record<RoleKey, string>> = {
	agentWorks: 'agent.works',
	agentHealth: 'agent.health',
	managerWorks: 'manager.works',
	coordinator: 'coordinator',
	minister: 'minister'
};

// ─── Where: every path under /db ─────────────────────────────────────────────────────────────

const SLOTS = [
	'intake',
	'config',
	'u_A',
	'u_B',
	'u_agentWorks',
	'e_works',
	'e_health',
	'stats',
	'cases',
	'auth',
	'sms',
	'engine',
	'_users',
	'_replicator',
	'_all_dbs',
	'root',
	'_session',
	'_config',
	'_utils',
	'_tawasul_projections'
] as const;
type Slot = (typeof SLOTS)[number];

// ─── The expected decision (from the design, not from the gate) ──────────────────────────────

/** Who may pull which database (docs/design.md, "Databases"): config for everyone, signed in or
 * not; a person's u_ database for that person; an entity's e_ database for its staff. */
const READERS: Partial<Record<Slot, readonly RoleKey[]>> = {
	config: ROLES,
	u_A: ['citizenA'],
	u_B: ['citizenB'],
	u_agentWorks: ['agentWorks'],
	e_works: ['agentWorks', 'managerWorks'],
	e_health: ['agentHealth'],
	// The aggregates (no personal data) for the national dashboard, offline (issue 5); managers
	// read their own entity's figures through /api/stats/overview instead.
	stats: ['coordinator', 'minister']
};
/** Who may push into intake: every signed-in device except the minister's office, which only
 * reads aggregates. (The coordinator reaches intake but may take no action kind; kiosks are devices with no session, issue 12.) */
const PUSHERS: readonly RoleKey[] = ['citizenA', 'citizenB', 'agentWorks', 'agentHealth', 'managerWorks', 'coordinator'];

/** ARCHITECTURE §2.3: pull = db info, _changes, _bulk_get, _all_docs, doc and attachment GETs,
 * _local checkpoints; push = db info, _local checkpoints, _revs_diff, _bulk_docs. */
const PULL_ENDPOINTS = new Set([
	'info',
	'info_head',
	'doc',
	'doc_open_revs',
	'all_docs_get',
	'all_docs_keys',
	'all_docs_post',
	'changes',
	'changes_longpoll',
	'bulk_get',
	'attachment_get',
	'local_get_before',
	'local_get',
	'local_put'
]);
const PUSH_ENDPOINTS = new Set(['info', 'info_head', 'local_get_before', 'local_get', 'local_put', 'revs_diff', 'bulk_docs']);
/** Writing a checkpoint is writing to the store: never without a session. */
const NEEDS_SESSION = new Set(['local_put']);

function allowed(role: RoleKey, slot: Slot, endpoint: string): boolean {
	if (role === 'anonymous' && NEEDS_SESSION.has(endpoint)) return false;
	if (slot === 'intake') return PUSHERS.includes(role) && PUSH_ENDPOINTS.has(endpoint);
	return (READERS[slot] ?? []).includes(role) && PULL_ENDPOINTS.has(endpoint);
}

/** Slots holding an attachment (citizen A's photo is projected to A and to the works entity). */
const HAS_ATTACHMENT = new Set<Slot>(['u_A', 'e_works']);

/** The status an allowed request gets from the store. */
function okStatus(role: RoleKey, slot: Slot, endpoint: string): number {
	switch (endpoint) {
		case 'attachment_get':
			return HAS_ATTACHMENT.has(slot) ? 200 : 404;
		case 'local_get_before':
			return 404;
		case 'local_put':
		case 'bulk_docs':
			return 201;
		case 'local_get':
			// Written by the local_put cell just before; nothing is kept for a person without a session.
			return role === 'anonymous' ? 404 : 200;
		default:
			return 200;
	}
}

const denyStatus = (role: RoleKey) => (role === 'anonymous' ? 401 : 403);

function expectedStatus(role: RoleKey, slot: Slot, endpoint: string): number {
	return allowed(role, slot, endpoint) ? okStatus(role, slot, endpoint) : denyStatus(role);
}

// ─── What: every endpoint ────────────────────────────────────────────────────────────────────

interface Ctx {
	/** A document that exists in the slot when it is a readable database (else a foreign one). */
	doc: string;
	/** `<att doc id>/<name>` */
	attachment: string;
	foreignActionId: string;
}

interface Endpoint {
	key: string;
	method: string;
	/** Appended to `/db/<database>`; starts with '/' or '?' or is empty. */
	suffix: (c: Ctx) => string;
	body?: (c: Ctx) => unknown;
	headers?: Record<string, string>;
	/** The store's routes (express-pouchdb patterns) this endpoint reaches. */
	routes: string[];
}

const enc = encodeURIComponent;
const CHECKPOINT = 'perm-check';

/** Read-only endpoints first, writes next, destructive last: a hole in an early cell must not
 * change what later cells see. */
const ENDPOINTS: Endpoint[] = [
	{ key: 'info', method: 'GET', suffix: () => '', routes: ['GET /:db'] },
	{ key: 'info_head', method: 'HEAD', suffix: () => '', routes: ['GET /:db'] },
	{ key: 'doc', method: 'GET', suffix: (c) => `/${enc(c.doc)}`, routes: ['GET /:db/:id(*)'] },
	{ key: 'doc_open_revs', method: 'GET', suffix: (c) => `/${enc(c.doc)}?revs=true&open_revs=all&latest=true`, routes: ['GET /:db/:id(*)'] },
	{ key: 'all_docs_get', method: 'GET', suffix: () => '/_all_docs', routes: ['ALL /:db/_all_docs'] },
	{ key: 'all_docs_keys', method: 'GET', suffix: (c) => `/_all_docs?include_docs=true&keys=${enc(JSON.stringify([c.doc]))}`, routes: ['ALL /:db/_all_docs'] },
	{ key: 'all_docs_post', method: 'POST', suffix: () => '/_all_docs', body: (c) => ({ keys: [c.doc] }), routes: ['ALL /:db/_all_docs'] },
	{ key: 'changes', method: 'GET', suffix: () => '/_changes?style=all_docs&since=0&limit=100', routes: ['GET /:db/_changes'] },
	{
		key: 'changes_longpoll',
		method: 'GET',
		// since=0 on a database with documents answers at once.
		suffix: () => '/_changes?feed=longpoll&style=all_docs&since=0&heartbeat=10000&limit=100',
		routes: ['GET /:db/_changes']
	},
	{ key: 'changes_filter_view', method: 'GET', suffix: () => '/_changes?filter=_view&view=x%2Fy', routes: ['GET /:db/_changes'] },
	{ key: 'changes_view', method: 'GET', suffix: () => '/_changes?view=x%2Fy', routes: ['GET /:db/_changes'] },
	{ key: 'changes_filter_ddoc', method: 'GET', suffix: () => '/_changes?filter=x%2Fy', routes: ['GET /:db/_changes'] },
	{ key: 'changes_filter_doc_ids', method: 'GET', suffix: (c) => `/_changes?filter=_doc_ids&doc_ids=${enc(JSON.stringify([c.doc]))}`, routes: ['GET /:db/_changes'] },
	{ key: 'changes_continuous', method: 'GET', suffix: () => '/_changes?feed=continuous&since=now', routes: ['GET /:db/_changes'] },
	{ key: 'changes_post', method: 'POST', suffix: () => '/_changes?filter=_doc_ids', body: (c) => ({ doc_ids: [c.doc] }), routes: ['POST /:db/_changes'] },
	{ key: 'bulk_get', method: 'POST', suffix: () => '/_bulk_get?revs=true&latest=true', body: (c) => ({ docs: [{ id: c.doc }] }), routes: ['POST /:db/_bulk_get'] },
	{ key: 'attachment_get', method: 'GET', suffix: (c) => `/${c.attachment}`, routes: ['GET /:db/:id/:attachment(*)'] },
	{ key: 'find', method: 'POST', suffix: () => '/_find', body: () => ({ selector: { type: 'case' } }), routes: ['POST /:db/_find'] },
	{ key: 'explain', method: 'POST', suffix: () => '/_explain', body: () => ({ selector: { type: 'case' } }), routes: ['POST /:db/_explain'] },
	{ key: 'index_get', method: 'GET', suffix: () => '/_index', routes: ['GET /:db/_index'] },
	{ key: 'design_get', method: 'GET', suffix: () => '/_design/x', routes: ['GET /:db/:id(*)'] },
	{ key: 'design_view', method: 'GET', suffix: () => '/_design/x/_view/y', routes: ['ALL /:db/_design/:id/_view/:view'] },
	{ key: 'design_att_get', method: 'GET', suffix: () => '/_design/x/file.txt', routes: ['GET /:db/_design/:id/:attachment(*)'] },
	{ key: 'temp_view', method: 'POST', suffix: () => '/_temp_view', body: () => ({ map: 'function (doc) { emit(doc._id, doc); }' }), routes: ['ALL /:db/_temp_view'] },
	{ key: 'security_get', method: 'GET', suffix: () => '/_security', routes: ['GET /:db/_security'] },
	{ key: 'local_get_before', method: 'GET', suffix: () => `/_local/${CHECKPOINT}-unwritten`, routes: ['GET /:db/:id(*)'] },
	{ key: 'revs_diff', method: 'POST', suffix: () => '/_revs_diff', body: () => ({ [`act:${randomUUID()}`]: ['1-0123456789abcdef0123456789abcdef'] }), routes: ['POST /:db/_revs_diff'] },
	{ key: 'ensure_full_commit', method: 'POST', suffix: () => '/_ensure_full_commit', routes: ['POST /:db/_ensure_full_commit'] },
	{ key: 'options', method: 'OPTIONS', suffix: () => '', routes: ['ALL /:db'] },
	// Apache CouchDB 3 (COUCHDB_URL, production) has endpoints the embedded store lacks.
	{ key: 'couch_local_docs', method: 'GET', suffix: () => '/_local_docs', routes: [] },
	{ key: 'couch_design_docs', method: 'GET', suffix: () => '/_design_docs', routes: [] },
	{ key: 'couch_missing_revs', method: 'POST', suffix: () => '/_missing_revs', body: (c) => ({ [c.doc]: ['1-0'] }), routes: [] },
	{ key: 'couch_partition', method: 'GET', suffix: () => '/_partition/p/_all_docs', routes: [] },
	{ key: 'couch_shards', method: 'GET', suffix: () => '/_shards', routes: [] },
	{ key: 'couch_revs_limit', method: 'GET', suffix: () => '/_revs_limit', routes: [] },
	{ key: 'couch_show', method: 'GET', suffix: (c) => `/_design/x/_show/y/${enc(c.doc)}`, routes: [] },
	{ key: 'couch_list', method: 'GET', suffix: () => '/_design/x/_list/y/z', routes: [] },
	{ key: 'couch_update', method: 'POST', suffix: (c) => `/_design/x/_update/y/${enc(c.doc)}`, body: () => ({}), routes: [] },
	{ key: 'couch_rewrite', method: 'GET', suffix: () => '/_design/x/_rewrite/y', routes: [] },
	{ key: 'couch_design_info', method: 'GET', suffix: () => '/_design/x/_info', routes: [] },
	// writes
	{ key: 'local_put', method: 'PUT', suffix: () => `/_local/${CHECKPOINT}`, body: () => ({ last_seq: 0, session_id: 'perm' }), routes: ['PUT /:db/:id(*)'] },
	{ key: 'local_get', method: 'GET', suffix: () => `/_local/${CHECKPOINT}`, routes: ['GET /:db/:id(*)'] },
	{ key: 'local_delete', method: 'DELETE', suffix: () => `/_local/${CHECKPOINT}`, routes: ['DELETE /:db/:id(*)'] },
	{ key: 'bulk_docs', method: 'POST', suffix: () => '/_bulk_docs', body: () => ({ docs: [] }), routes: ['POST /:db/_bulk_docs'] },
	{ key: 'index_post', method: 'POST', suffix: () => '/_index', body: () => ({ index: { fields: ['type'] }, ddoc: 'x', name: 'y' }), routes: ['POST /:db/_index'] },
	{ key: 'index_delete', method: 'DELETE', suffix: () => '/_index/x/json/y', routes: ['DELETE /:db/_index/:ddoc/:type/:name'] },
	{ key: 'view_cleanup', method: 'POST', suffix: () => '/_view_cleanup', routes: ['POST /:db/_view_cleanup'] },
	{ key: 'security_put', method: 'PUT', suffix: () => '/_security', body: () => ({ admins: { names: [], roles: [] }, members: { names: [], roles: [] } }), routes: ['PUT /:db/_security'] },
	{ key: 'design_put', method: 'PUT', suffix: () => '/_design/x', body: () => ({ views: { y: { map: 'function (doc) { emit(doc._id); }' } } }), routes: ['PUT /:db/:id(*)'] },
	{ key: 'design_att_put', method: 'PUT', suffix: () => '/_design/x/file.txt', body: () => 'x', headers: { 'content-type': 'text/plain' }, routes: ['PUT /:db/_design/:id/:attachment(*)'] },
	{ key: 'design_att_delete', method: 'DELETE', suffix: () => '/_design/x/file.txt', routes: ['DELETE /:db/_design/:id/:attachment(*)'] },
	{ key: 'doc_put', method: 'PUT', suffix: (c) => `/${enc(c.foreignActionId)}`, body: () => ({ type: 'action', kind: 'note' }), routes: ['PUT /:db/:id(*)'] },
	{ key: 'doc_post', method: 'POST', suffix: () => '', body: () => ({ _id: `act:${randomUUID()}`, type: 'action', kind: 'note' }), routes: ['POST /:db'] },
	{ key: 'doc_post_id', method: 'POST', suffix: (c) => `/${enc(c.doc)}`, body: () => ({}), routes: ['POST /:db/:id(*)'] },
	{ key: 'doc_copy', method: 'COPY', suffix: (c) => `/${enc(c.doc)}`, headers: { destination: 'copied' }, routes: ['COPY /:db/:id'] },
	{ key: 'attachment_put', method: 'PUT', suffix: (c) => `/${c.attachment}`, body: () => 'x', headers: { 'content-type': 'image/png' }, routes: ['PUT /:db/:id/:attachment(*)'] },
	{ key: 'attachment_delete', method: 'DELETE', suffix: (c) => `/${c.attachment}`, routes: ['DELETE /:db/:id/:attachment(*)'] },
	{ key: 'doc_delete', method: 'DELETE', suffix: (c) => `/${enc(c.doc)}?rev=1-0123456789abcdef0123456789abcdef`, routes: ['DELETE /:db/:id(*)'] },
	{ key: 'purge', method: 'POST', suffix: () => '/_purge', body: (c) => ({ [c.doc]: ['1-0123456789abcdef0123456789abcdef'] }), routes: [] },
	{ key: 'compact', method: 'POST', suffix: () => '/_compact', routes: ['POST /:db/_compact'] },
	{ key: 'couch_revs_limit_put', method: 'PUT', suffix: () => '/_revs_limit', body: () => 1, routes: [] },
	// destructive
	{ key: 'db_put', method: 'PUT', suffix: () => '', routes: ['PUT /:db'] },
	{ key: 'db_delete', method: 'DELETE', suffix: () => '', routes: ['DELETE /:db'] }
];

/** Server-level store routes, reached by the slots that are not databases. */
const SLOT_ROUTES: Partial<Record<Slot, string[]>> = {
	root: ['GET /'],
	_session: ['GET /_session'],
	_all_dbs: ['GET /_all_dbs'],
	// The embedded store's batch write for the rules engine: never reachable through the gate.
	_tawasul_projections: ['POST /_tawasul_projections']
};
/** express-pouchdb's own middleware, registered as routes: they open the database and pass on. */
const MIDDLEWARE_ROUTES = ['ALL /:db/*', 'ALL /:db'];

// ─── The server and the people ───────────────────────────────────────────────────────────────

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
const sessions = {} as Record<Exclude<RoleKey, 'anonymous'>, Session>;
const dbOf = {} as Record<Slot, string>;
const ctxOf = {} as Record<Slot, Ctx>;
/** Texts and ids that must never appear where their owner's database is not being read. */
const secrets: { value: string; belongsTo: Slot[] }[] = [];
let caseA: ReturnType<typeof submitAction>;
let caseB: ReturnType<typeof submitAction>;
let agentRejectionId: string;

const PDF = Buffer.from('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

/** One request exactly as written: the path is not normalised, the body is sent as given. */
function request(method: string, rawPath: string, who: RoleKey | Session | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
	const url = new URL(server.base);
	const session = who === null || who === 'anonymous' ? null : typeof who === 'string' ? sessions[who] : who;
	const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: url.hostname,
				port: url.port,
				method,
				path: rawPath,
				agent: httpAgent,
				headers: {
					accept: 'application/json',
					...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
					...(session ? { cookie: session.cookie } : {}),
					...headers
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			}
		);
		// A longpoll that should have answered at once, or a feed that never ends, shows as -1.
		req.setTimeout(8000, () => {
			req.destroy();
			resolve({ status: -1, headers: {}, text: 'timed out' });
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) await fn(items[next++]);
		})
	);
}

/** The document as the store holds it, read behind the gate; undefined only on a 404. */
async function stored(db: string, id: string): Promise<Record<string, any> | undefined> {
	return server.store
		.use(db)
		.get(id)
		.then(
			(doc) => doc as Record<string, any>,
			(error: { statusCode?: number }) => {
				if (error.statusCode === 404) return undefined;
				throw error;
			}
		);
}

async function bulkDocs(who: RoleKey | Session, docs: unknown[], newEdits = true): Promise<Answer> {
	return request('POST', '/db/intake/_bulk_docs', who, { docs, ...(newEdits ? {} : { new_edits: false }) });
}

/** Pushes the way the PWA does: a local outbox replicated to intake. */
async function push(session: Session, docs: Record<string, unknown>[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	return outbox.replicate.to(remote(server.base, 'intake', session));
}

function urlFor(slot: Slot, suffix: string): string {
	if (slot === 'root') return `/db/${suffix.replace(/^\//, '')}`;
	return `/db/${dbOf[slot]}${suffix}`;
}

beforeAll(async () => {
	// A stand-in for the built PWA, so that / is the app's page with the app's headers.
	const staticDir = tempDir('tawasul-static-');
	fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Tawasul</title><script src="/app.js"></script>');
	server = await startInProcess({ STATIC_DIR: staticDir });
	const [a, b, ...staff] = await Promise.all([
		signInCitizen(server.base, '+97336200101'),
		signInCitizen(server.base, '+97336200102'),
		...Object.values(STAFF_LOGIN).map((username) => signInStaff(server.base, username!))
	]);
	sessions.citizenA = a;
	sessions.citizenB = b;
	Object.keys(STAFF_LOGIN).forEach((role, i) => (sessions[role as keyof typeof sessions] = staff[i]));

	for (const slot of SLOTS) dbOf[slot] = slot === 'root' ? '' : slot;
	dbOf.u_A = `u_${a.user.user_id}`;
	dbOf.u_B = `u_${b.user.user_id}`;
	dbOf.u_agentWorks = `u_${sessions.agentWorks.user.user_id}`;

	// Something to leak: A's case with a photo (works), B's case (health), a rejection for the agent.
	caseA = submitAction({
		subject: 'PERM-A subject zq7x',
		body: 'PERM-A body: the pothole outside number zq7x has flooded the road.',
		_attachments: { 'photo.jpg': { content_type: 'image/jpeg', data: (await smallImage('jpeg', 8, 8)).toString('base64') } }
	});
	caseB = submitAction({
		category_id: 'health-appointments',
		subject: 'PERM-B subject zk9w',
		body: 'PERM-B body: no appointment for zk9w at the health centre this month.'
	});
	const stray = followUp(randomUUID(), 'reply', { body: 'PERM-agent reply to a case that does not exist.' });
	agentRejectionId = `rejection:${stray._id}`;
	await Promise.all([push(a, [caseA]), push(b, [caseB]), push(sessions.agentWorks, [stray])]);

	const attId = `att:${caseA._id}:photo.jpg`;
	// The year's national counters, written by the stats step once both cases are saved.
	const statsDocId = `y:_all:${localDateOf(new Date(), 'Asia/Bahrain').slice(0, 4)}`;
	await waitFor(
		async () => {
			const ready = await Promise.all([
				stored(dbOf.u_A, `case:${caseA.case_key}`),
				stored(dbOf.u_A, attId),
				stored('e_works', `case:${caseA.case_key}`),
				stored('e_works', attId),
				stored(dbOf.u_B, `case:${caseB.case_key}`),
				stored('e_health', `case:${caseB.case_key}`),
				stored(dbOf.u_agentWorks, agentRejectionId),
				stored('stats', statsDocId)
			]);
			return ready.every(Boolean) ? true : undefined;
		},
		20_000,
		'seeded cases, attachment and rejection'
	);

	const docIn: Partial<Record<Slot, string>> = {
		config: 'settings',
		u_A: `case:${caseA.case_key}`,
		u_B: `case:${caseB.case_key}`,
		u_agentWorks: agentRejectionId,
		e_works: `case:${caseA.case_key}`,
		e_health: `case:${caseB.case_key}`,
		stats: statsDocId,
		intake: caseA._id,
		auth: `account:${a.user.user_id}`
	};
	for (const slot of SLOTS) {
		ctxOf[slot] = {
			doc: docIn[slot] ?? `case:${caseA.case_key}`,
			attachment: `${enc(attId)}/photo.jpg`,
			foreignActionId: caseA._id
		};
	}
	const caseDocA = await stored('cases', `case:${caseA.case_key}`);
	const caseDocB = await stored('cases', `case:${caseB.case_key}`);
	const ownedByA: Slot[] = ['u_A', 'e_works'];
	const ownedByB: Slot[] = ['u_B', 'e_health'];
	secrets.push(
		{ value: caseA.case_key, belongsTo: ownedByA },
		{ value: caseA._id, belongsTo: ownedByA },
		{ value: 'PERM-A', belongsTo: ownedByA },
		{ value: 'zq7x', belongsTo: ownedByA },
		{ value: a.user.user_id, belongsTo: ownedByA },
		{ value: caseDocA!.ref, belongsTo: ownedByA },
		{ value: caseB.case_key, belongsTo: ownedByB },
		{ value: caseB._id, belongsTo: ownedByB },
		{ value: 'PERM-B', belongsTo: ownedByB },
		{ value: 'zk9w', belongsTo: ownedByB },
		{ value: b.user.user_id, belongsTo: ownedByB },
		{ value: caseDocB!.ref, belongsTo: ownedByB },
		{ value: stray._id, belongsTo: ['u_agentWorks'] },
		{ value: '36200101', belongsTo: [] },
		{ value: '36200102', belongsTo: [] }
	);
}, 60_000);

afterAll(async () => {
	httpAgent.destroy();
	await server?.stop();
});

function leaks(text: string, slot: Slot | null): string[] {
	return secrets.filter((s) => (slot === null || !s.belongsTo.includes(slot)) && text.includes(s.value)).map((s) => s.value);
}

interface Mismatch {
	cell: string;
	want: number;
	got: number;
	problem?: string;
	body?: string;
}

/** Sends one cell and returns what is wrong with the answer, if anything. */
async function check(cell: string, role: RoleKey, slot: Slot, method: string, rawPath: string, want: number, body?: unknown, headers?: Record<string, string>): Promise<Mismatch | null> {
	const answer = await request(method, rawPath, role, body, headers);
	const denied = want === 401 || want === 403;
	const problems: string[] = [];
	if (answer.status !== want) problems.push('status');
	// A refusal names nothing; an answer shows only what the reader's own database holds.
	const leaked = leaks(answer.text, denied ? null : slot);
	if (leaked.length) problems.push(`leaks ${leaked.join(', ')}`);
	if (!String(answer.headers['cache-control'] ?? '').includes('no-store')) problems.push('no Cache-Control: no-store');
	if (answer.headers['x-content-type-options'] !== 'nosniff') problems.push('no nosniff');
	if (problems.length === 0) return null;
	return { cell, want, got: answer.status, problem: problems.join('; '), body: answer.text.slice(0, 160) };
}

// ─── The matrix ──────────────────────────────────────────────────────────────────────────────

const MATRIX_CELLS = ROLES.length * SLOTS.length * ENDPOINTS.length;

describe(`permission matrix: ${ROLES.length} roles × ${SLOTS.length} paths × ${ENDPOINTS.length} endpoints = ${MATRIX_CELLS} cells`, () => {
	for (const endpoint of ENDPOINTS) {
		it(`${endpoint.method} ${endpoint.key}`, async () => {
			const cells = ROLES.flatMap((role) => SLOTS.map((slot) => ({ role, slot })));
			const mismatches: Mismatch[] = [];
			await pool(cells, 24, async ({ role, slot }) => {
				const c = ctxOf[slot];
				const rawPath = urlFor(slot, endpoint.suffix(c));
				const want = expectedStatus(role, slot, endpoint.key);
				const found = await check(`${role} ${endpoint.method} ${rawPath}`, role, slot, endpoint.method, rawPath, want, endpoint.body?.(c), endpoint.headers);
				if (found) mismatches.push(found);
			});
			expect(mismatches).toEqual([]);
		});
	}
});

// ─── URL-encoding variants ───────────────────────────────────────────────────────────────────

interface Variant {
	name: string;
	method: string;
	/** The whole request path for a database name and its context. */
	path: (db: string, c: Ctx) => string;
	body?: (c: Ctx) => unknown;
	/** The canonical endpoint this must be treated as; absent = refused for everyone. */
	same?: string;
	/** The store's answer when `same` is allowed, if not the endpoint's usual one. */
	status?: number;
}

const pct = (ch: string) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

const VARIANTS: Variant[] = [
	// %5F and other percent-encodings of harmless characters mean the same request.
	{ name: '%5Fall_docs', method: 'GET', path: (db) => `/db/${db}/%5Fall_docs`, same: 'all_docs_get' },
	{ name: '%5fchanges', method: 'GET', path: (db) => `/db/${db}/%5fchanges?style=all_docs&since=0`, same: 'changes' },
	{ name: '%5Fbulk_get', method: 'POST', path: (db) => `/db/${db}/%5Fbulk_get?revs=true`, body: (c) => ({ docs: [{ id: c.doc }] }), same: 'bulk_get' },
	{ name: '%5Flocal', method: 'GET', path: (db) => `/db/${db}/%5Flocal/${CHECKPOINT}`, same: 'local_get' },
	{ name: 'encoded first letter of the database', method: 'GET', path: (db) => `/db/${pct(db[0])}${db.slice(1)}/_all_docs`, same: 'all_docs_get' },
	{ name: 'encoded colon in the doc id', method: 'GET', path: (_db, c) => `/db/${_db}/${c.doc.replace(':', '%3A')}`, same: 'doc' },
	{ name: '%5Fdesign', method: 'GET', path: (db) => `/db/${db}/%5Fdesign/x` },
	{ name: '%5Fsecurity', method: 'GET', path: (db) => `/db/${db}/%5Fsecurity` },
	{ name: '%5Ffind', method: 'POST', path: (db) => `/db/${db}/%5Ffind`, body: () => ({ selector: {} }) },
	{ name: '%5Fall_dbs', method: 'GET', path: () => `/db/%5Fall_dbs` },
	{ name: '%5Fusers', method: 'GET', path: () => `/db/%5Fusers/_all_docs` },
	// %2F: a slash inside a segment never joins segments.
	{ name: 'db%2F_all_docs', method: 'GET', path: (db) => `/db/${db}%2F_all_docs` },
	{ name: '_local%2Fx', method: 'GET', path: (db) => `/db/${db}/_local%2F${CHECKPOINT}` },
	{ name: '_design%2Fx', method: 'GET', path: (db) => `/db/${db}/_design%2Fx` },
	{ name: '_design%2Fx%2F_view%2Fy', method: 'GET', path: (db) => `/db/${db}/_design%2Fx%2F_view%2Fy` },
	{ name: 'doc%2Fattachment is a document id', method: 'GET', path: (db, c) => `/db/${db}/${c.attachment.replace('/', '%2F')}`, same: 'doc', status: 404 },
	{ name: '..%2F..%2Fauth is a document id', method: 'GET', path: (db) => `/db/${db}/..%2F..%2Fauth%2F_all_docs`, same: 'doc', status: 404 },
	// dot segments, plain and encoded
	{ name: 'config/../db', method: 'GET', path: (db) => `/db/config/../${db}/_all_docs` },
	{ name: 'db/../auth', method: 'GET', path: (db) => `/db/${db}/../auth/_all_docs` },
	{ name: 'db/../../api/session', method: 'GET', path: (db) => `/db/${db}/../../api/session` },
	{ name: 'db/_all_docs/..', method: 'GET', path: (db) => `/db/${db}/_all_docs/..` },
	{ name: 'db/./_all_docs', method: 'GET', path: (db) => `/db/${db}/./_all_docs` },
	{ name: 'config/%2e%2e/db', method: 'GET', path: (db) => `/db/config/%2e%2e/${db}/_all_docs` },
	{ name: 'db/%2E%2E/auth', method: 'GET', path: (db) => `/db/${db}/%2E%2E/auth/_all_docs` },
	{ name: 'db/.%2e/cases', method: 'GET', path: (db) => `/db/${db}/.%2e/cases/_all_docs` },
	{ name: '%2e%2e as the database', method: 'GET', path: () => `/db/%2e%2e/auth/_all_docs` },
	// double slashes
	{ name: '//db', method: 'GET', path: (db) => `/db//${db}/_all_docs` },
	{ name: 'db//_all_docs', method: 'GET', path: (db) => `/db/${db}//_all_docs` },
	{ name: '_local//x', method: 'GET', path: (db) => `/db/${db}/_local//${CHECKPOINT}` },
	{ name: 'db//doc', method: 'GET', path: (db, c) => `/db/${db}//${enc(c.doc)}` },
	{ name: 'db//_bulk_docs', method: 'POST', path: (db) => `/db/${db}//_bulk_docs`, body: () => ({ docs: [] }) },
	// upper case
	{ name: 'DB NAME', method: 'GET', path: (db) => `/db/${db.toUpperCase()}/_all_docs` },
	{ name: 'DB NAME/', method: 'GET', path: (db) => `/db/${db.toUpperCase()}/` },
	{ name: '_ALL_DOCS', method: 'GET', path: (db) => `/db/${db}/_ALL_DOCS` },
	{ name: '_Changes', method: 'GET', path: (db) => `/db/${db}/_Changes?since=0` },
	{ name: '_LOCAL', method: 'PUT', path: (db) => `/db/${db}/_LOCAL/${CHECKPOINT}`, body: () => ({}) },
	{ name: '_Bulk_Docs', method: 'POST', path: (db) => `/db/${db}/_Bulk_Docs`, body: () => ({ docs: [] }) },
	{ name: '/DB/ mount (Express mounts ignore case: same gate)', method: 'GET', path: (db) => `/DB/${db}/_all_docs`, same: 'all_docs_get' },
	// trailing slash
	{ name: 'db/', method: 'GET', path: (db) => `/db/${db}/`, same: 'info' },
	{ name: '_all_docs/', method: 'GET', path: (db) => `/db/${db}/_all_docs/` },
	{ name: '_changes/', method: 'GET', path: (db) => `/db/${db}/_changes/?since=0` },
	{ name: '_local/x/', method: 'GET', path: (db) => `/db/${db}/_local/${CHECKPOINT}/` },
	{ name: 'doc/', method: 'GET', path: (db, c) => `/db/${db}/${enc(c.doc)}/` },
	{ name: '_bulk_docs/', method: 'POST', path: (db) => `/db/${db}/_bulk_docs/`, body: () => ({ docs: [] }) },
	// other odd bytes and queries
	{ name: 'NUL in a segment', method: 'GET', path: (db) => `/db/${db}/_all_docs%00` },
	{ name: 'bad percent-encoding', method: 'GET', path: (db) => `/db/${db}/%E0%A4%A` },
	{ name: 'duplicate query parameter', method: 'GET', path: (db) => `/db/${db}/_changes?since=0&since=now` },
	{ name: 'unknown query parameter', method: 'GET', path: (db) => `/db/${db}/_changes?since=0&query_params=%7B%7D` },
	{ name: 'heartbeat of 1 ms', method: 'GET', path: (db) => `/db/${db}/_changes?feed=longpoll&since=0&heartbeat=1` },
	{ name: 'query on db info', method: 'GET', path: (db) => `/db/${db}/?filter=_view` },
	{ name: 'query on _local', method: 'GET', path: (db) => `/db/${db}/_local/${CHECKPOINT}?rev=1-0` },
	// server-level endpoints of the store (express-pouchdb and CouchDB 3), under the gate's prefix
	...[
		'_uuids',
		'_active_tasks',
		'_replicate',
		'_up',
		'_membership',
		'_dbs_info',
		'_scheduler/jobs',
		'_node/_local/_config',
		'_node/_local/_stats',
		'_cluster_setup',
		'_db_updates',
		'_stats',
		'_log',
		'_restart',
		'_search_analyze'
	].map((endpoint): Variant => ({
		name: `server ${endpoint}`,
		method: endpoint === '_replicate' || endpoint === '_restart' ? 'POST' : 'GET',
		path: () => `/db/${endpoint}`,
		body: endpoint === '_replicate' ? () => ({ source: 'auth', target: 'config' }) : undefined
	})),
	{ name: 'POST _session (store login)', method: 'POST', path: () => `/db/_session`, body: () => ({ name: 'tawasul', password: 'x' }) }
];
const VARIANT_SLOTS: Slot[] = ['intake', 'config', 'u_A', 'u_B', 'e_works', 'e_health', 'stats', 'auth', 'cases'];

describe(`URL variants: ${ROLES.length} roles × ${VARIANT_SLOTS.length} databases × ${VARIANTS.length} variants = ${ROLES.length * VARIANT_SLOTS.length * VARIANTS.length} cells`, () => {
	for (const variant of VARIANTS) {
		it(`${variant.method} ${variant.name}`, async () => {
			const cells = ROLES.flatMap((role) => VARIANT_SLOTS.map((slot) => ({ role, slot })));
			const mismatches: Mismatch[] = [];
			await pool(cells, 24, async ({ role, slot }) => {
				const c = ctxOf[slot];
				const rawPath = variant.path(dbOf[slot], c);
				const ok = variant.same !== undefined && allowed(role, slot, variant.same);
				const want = ok ? (variant.status ?? okStatus(role, slot, variant.same!)) : denyStatus(role);
				const found = await check(`${role} ${variant.method} ${rawPath}`, role, slot, variant.method, rawPath, want, variant.body?.(c));
				if (found) mismatches.push(found);
			});
			expect(mismatches).toEqual([]);
		});
	}
});

// ─── Nothing the matrix does not cover ───────────────────────────────────────────────────────

describe('coverage', () => {
	it('every route the store exposes is a column of the matrix', async () => {
		// The embedded store's route table, built the way store-worker.mjs builds it.
		const source = fs.readFileSync(path.join(ROOT, 'sync-server/src/store-worker.mjs'), 'utf8');
		const mode = /mode:\s*'(\w+)'/.exec(source)?.[1];
		const includeList = /include:\s*\[([^\]]*)\]/.exec(source)?.[1];
		expect(mode, 'store-worker.mjs names an express-pouchdb mode').toBeTruthy();
		expect(includeList, 'store-worker.mjs lists its overrideMode.include').not.toBeUndefined();
		const include = [...includeList!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
		const PouchDB = require('pouchdb');
		const expressPouchDB = require('express-pouchdb');
		const dir = tempDir('tawasul-routes-');
		const app = expressPouchDB(PouchDB.defaults({ prefix: `${dir}/` }), {
			mode,
			overrideMode: { include },
			inMemoryConfig: true,
			logPath: `${dir}/store.log`
		});
		const routes = new Set<string>();
		const walk = (stack: any[]) => {
			for (const layer of stack) {
				if (layer.route) {
					const methods = Object.keys(layer.route.methods).map((m) => m.toUpperCase());
					if (methods.length > 20 || methods.includes('_ALL')) routes.add(`ALL ${layer.route.path}`);
					else for (const m of methods) routes.add(`${m} ${layer.route.path}`);
				} else if (layer.handle?.stack) walk(layer.handle.stack);
			}
		};
		walk(app._router.stack);
		// The worker's own fast paths in front of express-pouchdb.
		for (const m of source.matchAll(/app\.(get|put|post|delete|patch|copy|all)\(\s*'([^']+)'/g)) routes.add(`${m[1].toUpperCase()} ${m[2]}`);
		expect(routes.size).toBeGreaterThan(20);

		const covered = new Set([...ENDPOINTS.flatMap((e) => e.routes), ...Object.values(SLOT_ROUTES).flat(), ...MIDDLEWARE_ROUTES]);
		expect([...routes].filter((r) => !covered.has(r)).sort()).toEqual([]);
	});

	it('every path the brief names is a row of the matrix', () => {
		const named = ['intake', 'config', 'cases', 'auth', 'sms', 'engine', '_users', '_replicator', '_all_dbs', '_session', '_config', '_utils', '_tawasul_projections'];
		for (const slot of named) expect(SLOTS).toContain(slot);
		expect(SLOTS).toEqual(expect.arrayContaining(['u_A', 'u_B', 'e_works', 'e_health', 'root']));
		expect(ROLES).toHaveLength(8);
	});
});

// ─── Forged writes into intake ───────────────────────────────────────────────────────────────

describe('forged writes into intake', () => {
	/** Actions that must be refused in the `_bulk_docs` answer: id → who pushed them. */
	const refused: { id: string; caseKey: string; author: RoleKey }[] = [];

	async function expectRefused(who: RoleKey, doc: Record<string, unknown> | string, options: { newEdits?: boolean; reason?: string } = {}) {
		const raw = typeof doc === 'string' ? doc : JSON.stringify(doc);
		const parsed = JSON.parse(raw) as { _id: string; case_key: string };
		const body = `{"docs":[${raw}]${options.newEdits === false ? ',"new_edits":false' : ''}}`;
		const answer = await request('POST', '/db/intake/_bulk_docs', who, body);
		expect(answer.status, answer.text).toBe(201);
		const results = JSON.parse(answer.text) as { id: string; error?: string; reason?: string; ok?: boolean }[];
		expect(results, answer.text).toHaveLength(1);
		expect(results[0].id).toBe(parsed._id);
		expect(results[0].error, answer.text).toBeTruthy();
		expect(results[0].ok).toBeUndefined();
		if (options.reason) expect(results[0].reason).toBe(options.reason);
		const kept = await stored('intake', parsed._id);
		refused.push({ id: parsed._id, caseKey: parsed.case_key, author: who });
		return kept;
	}

	it('refuses an action naming another author', async () => {
		const doc = submitAction({ author: { user_id: sessions.citizenB.user.user_id, role: 'citizen' } });
		expect(await expectRefused('citizenA', doc, { reason: 'not_allowed' })).toBeUndefined();
		const asAgent = submitAction({ author: { user_id: sessions.agentWorks.user.user_id, role: 'agent', entity_id: 'works' } });
		expect(await expectRefused('citizenA', asAgent)).toBeUndefined();
		const reply = followUp(caseA.case_key, 'reply', { body: 'Signed as the other agent.', author: { user_id: sessions.managerWorks.user.user_id, role: 'manager' } });
		expect(await expectRefused('agentWorks', reply)).toBeUndefined();
	});

	it('refuses __proto__, constructor and prototype keys, at the top and nested', async () => {
		const base = JSON.stringify(submitAction());
		const top = base.replace(/}$/, ',"__proto__":{"polluted":true}}');
		expect(await expectRefused('citizenA', top)).toBeUndefined();
		const nested = JSON.stringify(submitAction()).replace('"location":{', '"location":{"__proto__":{"polluted":true},');
		expect(await expectRefused('citizenA', nested)).toBeUndefined();
		const ctor = JSON.stringify(submitAction()).replace(/}$/, ',"constructor":{"prototype":{"polluted":true}}}');
		expect(await expectRefused('citizenA', ctor)).toBeUndefined();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('with duplicate JSON keys, stores exactly what it checked (no parser can read another value)', async () => {
		const me = sessions.citizenA.user.user_id;
		const forged = JSON.stringify({ user_id: sessions.citizenB.user.user_id, role: 'citizen' });
		// Last value is the session's: accepted, and the stored copy holds one author, the session's.
		const doc = submitAction();
		const raw = JSON.stringify(doc).replace(/}$/, `,"author":${forged},"kind":"reply","author":{"user_id":"${me}","role":"citizen"},"kind":"submit"}`);
		const answer = await request('POST', '/db/intake/_bulk_docs', 'citizenA', `{"docs":[${raw}]}`);
		expect(answer.status, answer.text).toBe(201);
		expect(JSON.parse(answer.text)[0].ok, answer.text).toBe(true);
		const kept = await stored('intake', doc._id);
		expect(kept?.author).toEqual({ user_id: me, role: 'citizen' });
		expect(kept?.kind).toBe('submit');
		// Last value forged: refused, whatever came first.
		const other = submitAction();
		const rawForged = JSON.stringify(other).replace(/}$/, `,"author":{"user_id":"${me}","role":"citizen"},"author":${forged}}`);
		expect(await expectRefused('citizenA', rawForged, { reason: 'not_allowed' })).toBeUndefined();
	});

	it('refuses a 2- revision and any update of an existing action, and leaves the action as it was', async () => {
		const original = await stored('intake', caseA._id);
		expect(original?._rev).toMatch(/^1-/);
		const hash = original!._rev.slice(2);
		const changed = { ...caseA, body: 'PERM-A rewritten after the fact by its author.' };
		delete (changed as Record<string, unknown>)._attachments;
		await expectRefused('citizenA', { ...changed, _rev: `2-${'a'.repeat(32)}`, _revisions: { start: 2, ids: ['a'.repeat(32), hash] } }, { newEdits: false });
		// The same id with the current revision and new_edits: an update, not a re-send.
		await expectRefused('citizenA', { ...changed, _rev: original!._rev });
		// The same id with another first revision: a different action under an existing id.
		await expectRefused('citizenA', { ...changed, _rev: `1-${'b'.repeat(32)}` }, { newEdits: false, reason: 'duplicate_action' });
		// A 1- revision whose history says otherwise.
		await expectRefused('citizenA', { ...changed, _rev: original!._rev, _revisions: { start: 3, ids: ['c'.repeat(32), 'd'.repeat(32), hash] } }, { newEdits: false });
		const after = await stored('intake', caseA._id);
		expect(after?._rev).toBe(original!._rev);
		expect(after?.body).toBe(caseA.body);
		refused.splice(-4); // these name an existing action; it stays, and its case with it
	});

	it('refuses deletions', async () => {
		const doc = submitAction({ _deleted: true });
		expect(await expectRefused('citizenA', doc)).toBeUndefined();
		const original = await stored('intake', caseA._id);
		await expectRefused('citizenA', { _id: caseA._id, _rev: original!._rev, _deleted: true, type: 'action', kind: 'submit', case_key: caseA.case_key }, { newEdits: false });
		refused.pop();
		expect((await stored('intake', caseA._id))?._deleted).toBeUndefined();
	});

	it('refuses unknown types and kinds', async () => {
		expect(await expectRefused('citizenA', submitAction({ type: 'case' }))).toBeUndefined();
		expect(await expectRefused('citizenA', submitAction({ type: 'account', role: 'coordinator' }))).toBeUndefined();
		expect(await expectRefused('citizenA', submitAction({ kind: 'approve' }))).toBeUndefined();
		expect(await expectRefused('citizenA', submitAction({ kind: 'rate' }))).toBeUndefined();
		expect(await expectRefused('agentWorks', followUp(caseA.case_key, 'assign', { body: 'x' }))).toBeUndefined();
		// Not an action id at all: a design document, a case id.
		const design = await bulkDocs('citizenA', [{ _id: '_design/evil', validate_doc_update: 'function () {}' }]);
		expect(JSON.parse(design.text)[0].error).toBeTruthy();
		expect(await stored('intake', '_design/evil')).toBeUndefined();
		const caseId = await bulkDocs('citizenA', [{ ...submitAction(), _id: `case:${randomUUID()}` }]);
		expect(JSON.parse(caseId.text)[0].error).toBeTruthy();
	});

	it('refuses a kind the role may not take', async () => {
		expect(await expectRefused('citizenA', followUp(caseA.case_key, 'reply', { body: 'Answering my own complaint.' }), { reason: 'not_allowed' })).toBeUndefined();
		expect(await expectRefused('citizenA', followUp(caseA.case_key, 'close', { body: 'Closing it myself.' }))).toBeUndefined();
		expect(await expectRefused('citizenA', followUp(caseA.case_key, 'transfer', { to_entity_id: 'health', reason: 'Moving it.' }))).toBeUndefined();
		expect(await expectRefused('citizenA', followUp(caseA.case_key, 'note', { body: 'A note.' }))).toBeUndefined();
		expect(await expectRefused('agentWorks', submitAction(), { reason: 'not_allowed' })).toBeUndefined();
		expect(await expectRefused('agentWorks', followUp(caseA.case_key, 'provide_info', { body: 'As if I were the citizen.' }))).toBeUndefined();
		expect(await expectRefused('managerWorks', submitAction())).toBeUndefined();
		expect(await expectRefused('coordinator', followUp(caseA.case_key, 'reply', { body: 'From the coordinator.' }))).toBeUndefined();
		expect(await expectRefused('coordinator', submitAction())).toBeUndefined();
		// The minister's office may not push at all.
		for (const doc of [submitAction(), followUp(caseA.case_key, 'reply', { body: 'From the minister.' }), followUp(caseA.case_key, 'close')]) {
			const answer = await bulkDocs('minister', [doc]);
			expect(answer.status).toBe(403);
			expect(leaks(answer.text, null)).toEqual([]);
			expect(await stored('intake', doc._id)).toBeUndefined();
			refused.push({ id: doc._id, caseKey: doc.case_key, author: 'minister' });
		}
	});

	it('refuses a file whose content does not match its type, or of a type not allowed', async () => {
		const pdfAsPng = submitAction({ _attachments: { 'photo.png': { content_type: 'image/png', data: PDF } } });
		expect(await expectRefused('citizenA', pdfAsPng, { reason: 'unsupported_file_type' })).toBeUndefined();
		const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
		expect(await expectRefused('citizenA', submitAction({ _attachments: { 'page.png': { content_type: 'image/png', data: html } } }))).toBeUndefined();
		expect(await expectRefused('citizenA', submitAction({ _attachments: { 'page.html': { content_type: 'text/html', data: html } } }))).toBeUndefined();
		expect(await expectRefused('citizenA', submitAction({ _attachments: { 'x.svg': { content_type: 'image/svg+xml', data: html } } }))).toBeUndefined();
		// A stub pointing at a file already in the store.
		expect(await expectRefused('citizenA', submitAction({ _attachments: { 'photo.png': { content_type: 'image/png', stub: true, digest: 'md5-x', length: 68 } } }))).toBeUndefined();
	});

	it('refuses an oversized action', async () => {
		const big = submitAction({ body: 'x'.repeat(17 * 1024 * 1024) });
		expect(await expectRefused('citizenA', big, { reason: 'payload_too_large' })).toBeUndefined();
	});

	it('none of the refused actions reached the rules engine', async () => {
		expect(refused.length).toBeGreaterThan(20);
		// The engine reads intake in order: once a later action is decided, every earlier one was.
		const sentinel = submitAction();
		await push(sessions.citizenA, [sentinel]);
		await waitFor(() => stored('cases', `case:${sentinel.case_key}`), 15_000, 'sentinel case');
		for (const { id, caseKey, author } of refused) {
			expect(await stored('intake', id), id).toBeUndefined();
			if (caseKey === caseA.case_key) {
				const target = await stored('cases', `case:${caseKey}`);
				expect([...target!.applied, ...target!.rejected], id).not.toContain(id);
			} else {
				expect(await stored('cases', `case:${caseKey}`), caseKey).toBeUndefined();
			}
			const own = `u_${sessions[author as keyof typeof sessions].user.user_id}`;
			expect(await stored(own, `rejection:${id}`), `rejection of ${id}`).toBeUndefined();
		}
		const caseDoc = await stored('cases', `case:${caseA.case_key}`);
		expect(caseDoc!.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit']);
	});
});

describe('pushing the same action twice', () => {
	it('makes one case, once, with no rejection', async () => {
		const doc = submitAction({ subject: 'Sent twice', body: 'The same action, pushed twice by a flaky connection.' });
		// Through PouchDB from two outboxes holding the same action (same deterministic revision).
		const first = await push(sessions.citizenA, [doc]);
		expect(first.docs_written).toBe(1);
		const rev = (await stored('intake', doc._id))!._rev as string;
		const second = await push(sessions.citizenA, [doc]);
		expect(second.doc_write_failures).toBe(0);
		// And raw, as a replicator re-sending after a lost answer does (new_edits: false, same revision), twice.
		const again = { ...doc, _rev: rev, _revisions: { start: 1, ids: [rev.slice(2)] } };
		for (let i = 0; i < 2; i++) {
			const answer = await bulkDocs('citizenA', [again], false);
			expect(answer.status).toBe(201);
			expect(JSON.parse(answer.text)).toEqual([]);
		}
		const caseDoc = await waitFor(() => stored('cases', `case:${doc.case_key}`), 15_000, 'case of the twice-sent action');
		const settle = submitAction();
		await push(sessions.citizenA, [settle]);
		await waitFor(() => stored('cases', `case:${settle.case_key}`), 15_000, 'settling case');
		const after = await stored('cases', `case:${doc.case_key}`);
		expect(after!.applied).toEqual([doc._id]);
		expect(after!.timeline).toHaveLength(1);
		expect(after!.version).toBe(caseDoc.version);
		expect((await stored('intake', doc._id))!._rev).toBe(rev);
		expect(await stored(dbOf.u_A, `rejection:${doc._id}`)).toBeUndefined();
	});
});

describe("pulling another person's database", () => {
	async function pullAs(session: Session, db: string) {
		const mirror = local('foreign-mirror');
		const outcome = await mirror.replicate.from(remote(server.base, db, session)).then(
			(r: unknown) => ({ ok: true, r }),
			(error: { status?: number }) => ({ ok: false, status: error.status })
		);
		const all = await mirror.allDocs({ include_docs: true });
		return { outcome, all };
	}

	it("citizen A pulling u_<B> gets a refusal and nothing of B's", async () => {
		const { outcome, all } = await pullAs(sessions.citizenA, dbOf.u_B);
		expect(outcome).toMatchObject({ ok: false, status: 403 });
		expect(all.rows).toHaveLength(0);
		expect(leaks(JSON.stringify(all), 'u_A')).toEqual([]);
	});

	it('an agent pulling another entity, and a citizen pulling an entity, get nothing', async () => {
		for (const [who, db] of [
			[sessions.agentHealth, 'e_works'],
			[sessions.citizenA, 'e_works'],
			[sessions.minister, 'e_works'],
			[sessions.coordinator, 'cases']
		] as const) {
			const { outcome, all } = await pullAs(who, db);
			expect(outcome).toMatchObject({ ok: false, status: 403 });
			expect(all.rows).toHaveLength(0);
		}
	});

	it('the owner still pulls their own database through the same gate', async () => {
		const { outcome, all } = await pullAs(sessions.citizenA, dbOf.u_A);
		expect(outcome.ok).toBe(true);
		expect(all.rows.map((r: { id: string }) => r.id)).toContain(`case:${caseA.case_key}`);
		expect(leaks(JSON.stringify(all.rows), 'u_A')).toEqual([]);
	});
});

// ─── Headers ─────────────────────────────────────────────────────────────────────────────────

describe('security headers', () => {
	function checkCommon(answer: Answer, where: string) {
		expect(answer.headers['x-content-type-options'], where).toBe('nosniff');
		expect(answer.headers['referrer-policy'], where).toBe('no-referrer');
		const csp = String(answer.headers['content-security-policy'] ?? '');
		const directives = new Map(
			csp
				.split(';')
				.map((d) => d.trim().split(/\s+/))
				.map(([name, ...values]) => [name, values])
		);
		const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
		expect(scriptSrc, `${where}: script-src`).toBeTruthy();
		expect(scriptSrc, where).not.toContain("'unsafe-inline'");
		expect(scriptSrc, where).not.toContain("'unsafe-eval'");
		expect(directives.get('frame-ancestors'), where).toEqual(["'none'"]);
		expect(directives.get('object-src'), where).toEqual(["'none'"]);
	}

	it('on /, /api/session (signed in and out) and /db', async () => {
		const page = await request('GET', '/', null, undefined, { accept: 'text/html' });
		expect(page.status).toBe(200);
		expect(page.text).toContain('<title>Tawasul</title>');
		checkCommon(page, '/');
		checkCommon(await request('GET', '/cases/some-deep-link', null, undefined, { accept: 'text/html' }), '/cases/…');
		for (const who of [null, 'citizenA', 'agentWorks'] as const) {
			const answer = await request('GET', '/api/session', who);
			expect(answer.status).toBe(who ? 200 : 401);
			checkCommon(answer, `/api/session as ${who}`);
			expect(answer.headers['cache-control']).toContain('no-store');
		}
		const unknown = await request('GET', '/api/no-such-endpoint', 'citizenA');
		expect(unknown.status).toBe(404);
		expect(unknown.headers['cache-control']).toContain('no-store');
		checkCommon(unknown, '/api/no-such-endpoint');
		for (const [p, who, status] of [
			['/db/config/', null, 200],
			[`/db/${dbOf.u_A}/_all_docs`, 'citizenA', 200],
			[`/db/${dbOf.u_A}/_all_docs`, 'citizenB', 403],
			['/db/auth/_all_docs', null, 401],
			['/db/', null, 401],
			['/db', 'citizenA', 403]
		] as const) {
			const answer = await request('GET', p, who);
			expect(answer.status, p).toBe(status);
			checkCommon(answer, p);
			expect(answer.headers['cache-control'], p).toContain('no-store');
		}
	});

	it('serves files as attachments, typed by the store, never sniffed', async () => {
		const answer = await request('GET', `/db/${dbOf.u_A}/${ctxOf.u_A.attachment}`, 'citizenA', undefined, { accept: '*/*' });
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toBe('image/jpeg');
		expect(answer.headers['x-content-type-options']).toBe('nosniff');
		expect(String(answer.headers['content-disposition'])).toMatch(/^attachment/);
	});
});
