/** The sync gate: the only door between devices and the store. It speaks the CouchDB
 * replication protocol on `/db/<database>/…`, lets through the allowlisted requests of
 * access.ts, and checks every action pushed into `intake` (intake.ts). */
import { Readable } from 'node:stream';
import express, { type Request, type Response } from 'express';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { isErrorCode, TawasulError, type ErrorCode } from '../../../src/lib/domain/errors.js';
import type { SessionUser } from '../auth/types.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { decide, localIdFor, parseDbPath, type ParsedPath } from './access.js';
import { createActions, idStates, intakeRevsDiff, isServerActionId } from './action-ids.js';
import { readBody } from './body.js';
import { checkFiles, DEFAULT_POOL, GateBusy, imagesIn, type EncodePool, type FilesVerdict } from './files.js';
import { checkAction, INTAKE_VALIDATE, MAX_REQUEST_BYTES, type ActionStamp } from './intake.js';
import { chargeQuota, DEFAULT_QUOTAS, type Quotas } from './quota.js';
import { recordGateRefusals } from './refusals.js';
import type { ActionDoc } from '../../../src/lib/domain/doc-types.js';

const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'etag'];
/** Every other request a replicator sends (`_revs_diff`, `_bulk_get`, `_all_docs` keys, a
 * checkpoint) is a list of ids and revisions; 1,000 keys of 1 KB fit. */
const OTHER_BODY_BYTES = 2 * 1024 * 1024;

/** The policy of a file's answer: a sandboxed, opaque origin that may load nothing. */
export const ATTACHMENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** CouchDB's `{ error, reason }`, which replicators read, with the project's error code as the
 * reason and its `message_key`, so the app can say why in the person's language. */
function denied(res: Response, status: 401 | 403 | 404 | 400 | 413) {
	const error = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'too_large' }[status];
	const reason = { 400: 'invalid_format', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large' }[status];
	res.status(status).json({ error, reason, message_key: `errors.${reason}` });
}

/** What a replicator asks of `GET /db/intake` (that the database exists), without the store's
 * figures: intake's document count and update sequence are everyone's traffic, not the caller's. */
function intakeInfo(res: Response): void {
	res.status(200).json({ db_name: DB.INTAKE, doc_count: 0, doc_del_count: 0, update_seq: '0', purge_seq: 0, instance_start_time: '0', compact_running: false, props: {} });
}

/** How far past the limit a refused body may be that the gate reads and drops, so that the client,
 * still sending, can read the answer. A request that declares more (or has no length) is cut off
 * after the answer: the rest of a huge upload is never received. */
const DRAIN_BYTES = 16 * 1024 * 1024;

/** Refused before (or while) the body is read; never buffered. */
function refuseBody(req: Request, res: Response, status: 400 | 413): void {
	const declared = Number(req.headers['content-length'] ?? Number.NaN);
	if (!(declared <= MAX_REQUEST_BYTES + DRAIN_BYTES) || req.readableEnded) {
		res.setHeader('Connection', 'close');
		denied(res, status);
		return;
	}
	let dropped = 0;
	req.on('data', (chunk: Buffer) => {
		dropped += chunk.length;
		if (dropped > MAX_REQUEST_BYTES + DRAIN_BYTES) req.socket.destroy();
	});
	req.resume();
	denied(res, status);
}

export function gateRouter(deps: { store: Store; now?: () => Date; quotas?: Quotas }): express.Router {
	const { store } = deps;
	const quotas = deps.quotas ?? DEFAULT_QUOTAS;
	const now = deps.now ?? (() => new Date());
	const router = express.Router();

	// `.*`, not `.+`: `/db` and `/db/` (the store's root) get the gate's refusal too. No capture
	// group: Express would decode it as a parameter and answer a bad %-sequence with a 500.
	router.all(/^\/(?:.*)$/, (req, res, next) => {
		// Before any answer, refusals included: nothing under /db may be kept by a cache.
		res.setHeader('Cache-Control', 'no-store');
		const afterBase = req.originalUrl.slice(req.baseUrl.length + 1);
		const mark = afterBase.indexOf('?');
		const rawPath = mark < 0 ? afterBase : afterBase.slice(0, mark);
		const rawQuery = mark < 0 ? '' : afterBase.slice(mark + 1);
		const user = (res.locals.user as SessionUser | null) ?? null;
		const parsed = parseDbPath(rawPath, rawQuery);
		// 401 without a session, 403 with one, as for every other refusal (access.ts).
		if (!parsed) {
			denied(res, user ? 403 : 401);
			return;
		}
		const decision = decide(user, req.method, parsed);
		if (!decision.allow) {
			denied(res, decision.status);
			return;
		}
		res.locals.parsed = parsed;
		if (parsed.db === DB.INTAKE && parsed.target.kind === 'db_info') {
			intakeInfo(res);
			return;
		}
		const isIntakeWrite = parsed.db === DB.INTAKE && parsed.target.kind === 'bulk_docs';
		readBody(req, isIntakeWrite ? MAX_REQUEST_BYTES : OTHER_BODY_BYTES)
			.then((read) => {
				if (!read.ok) {
					refuseBody(req, res, read.status);
					return;
				}
				req.body = read.body;
				if (isIntakeWrite) {
					// decide() lets nobody write into intake without a session.
					if (!user) throw new Error('intake write reached without a session');
					return intakeBulkDocs(store, quotas, user, req, res, now());
				}
				if (parsed.db === DB.INTAKE && parsed.target.kind === 'revs_diff') return revsDiff(store, req, res);
				if (parsed.target.kind === 'local') return localDoc(store, user, parsed.db, parsed.target.id, req, res);
				return forward(store, req, res, parsed);
			})
			.catch(next);
	});
	return router;
}

/** Checkpoint documents are kept per person in every database (see localIdFor): the id is
 * rewritten on the way in, in the URL and the body, and back on the way out. Without a session
 * (config only, and only GET: access.ts) there is no checkpoint to read; PouchDB then keeps its
 * checkpoint on the device alone. */
async function localDoc(store: Store, user: SessionUser | null, db: string, id: string, req: Request, res: Response): Promise<void> {
	if (!user) {
		res.status(404).json({ error: 'not_found', reason: 'missing' });
		return;
	}
	const storedId = localIdFor(user, id);
	let body: string | undefined;
	if (req.method === 'PUT') {
		let doc: unknown;
		try {
			doc = JSON.parse((req.body as Buffer).toString('utf8'));
		} catch {
			denied(res, 400);
			return;
		}
		if (!doc || typeof doc !== 'object' || Array.isArray(doc) || JSON.stringify(doc).length > 64 * 1024) {
			denied(res, 400);
			return;
		}
		body = JSON.stringify({ ...doc, _id: `_local/${storedId}` });
	}
	const upstream = await store.fetch(`/${db}/_local/${encodeURIComponent(storedId)}`, {
		method: req.method,
		headers: { 'content-type': 'application/json', accept: 'application/json' },
		body
	});
	const answer = (await upstream.json()) as Record<string, unknown> | null;
	if (answer && (answer._id === `_local/${storedId}` || answer.id === `_local/${storedId}`)) {
		if ('_id' in answer) answer._id = `_local/${id}`;
		if ('id' in answer) answer.id = `_local/${id}`;
	}
	res.status(upstream.status).json(answer);
}

async function forward(store: Store, req: Request, res: Response, parsed: ParsedPath): Promise<void> {
	const headers: Record<string, string> = {};
	for (const name of FORWARDED_REQUEST_HEADERS) {
		const value = req.headers[name];
		if (typeof value === 'string') headers[name] = value;
	}
	const abort = new AbortController();
	res.on('close', () => {
		abort.abort();
	});
	const received: unknown = req.body;
	// Copied into a plain Uint8Array, the body type fetch takes; what is forwarded is at most OTHER_BODY_BYTES.
	const upload = Buffer.isBuffer(received) && received.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? new Uint8Array(received) : undefined;
	let upstream: globalThis.Response;
	try {
		upstream = await store.fetch(parsed.storePath + parsed.query, {
			method: req.method,
			headers,
			body: upload,
			signal: abort.signal
		});
	} catch (error) {
		if (abort.signal.aborted) return;
		throw error;
	}
	res.status(upstream.status);
	for (const name of FORWARDED_RESPONSE_HEADERS) {
		const value = upstream.headers.get(name);
		if (value) res.setHeader(name, value);
	}
	// ARCHITECTURE §5: files are served as attachments (with nosniff, set for every response),
	// so a file opened from its URL is downloaded, never rendered in the app's origin.
	// A file opened anyway (a viewer that ignores the disposition) runs in a sandbox of its own
	// origin, with nothing allowed to load: no script, no form, no frame.
	if (parsed.target.kind === 'attachment') {
		res.setHeader('Content-Disposition', 'attachment');
		res.setHeader('Content-Security-Policy', ATTACHMENT_CSP);
	}
	if (!upstream.body || req.method === 'HEAD') {
		res.end();
		return;
	}
	Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream)
		.on('error', () => {
			res.destroy();
		})
		.pipe(res);
}

/** The refusal of one action filed through a door of its own (a kiosk, a report without an
 * account), as the HTTP error the door answers: the gate's reason when it is one the app knows,
 * 429 over quota, 503 when the store did not answer. */
export function refusalOf(result: BulkResult): TawasulError {
	if (result.error === 'server') return new TawasulError(503, 'unavailable');
	const reason = result.reason;
	const code: ErrorCode = reason !== undefined && reason !== 'forbidden' && isErrorCode(reason) ? reason : 'invalid_format';
	return new TawasulError(code === 'quota_exceeded' ? 429 : 400, code, result.field ? [{ field: result.field, code }] : undefined);
}

export interface BulkResult {
	id: string;
	rev?: string;
	ok?: boolean;
	error?: string;
	reason?: string;
	field?: string;
	message_key?: string;
}

/** A refused action in CouchDB's form (`forbidden`, so a replicator reports it as denied and goes
 * on with the others), with the code, the field and the message a person can read. */
function refusal(verdict: Extract<ReturnType<typeof checkAction>, { ok: false }>): BulkResult {
	return { id: verdict.id, error: 'forbidden', reason: verdict.reason, ...(verdict.field ? { field: verdict.field } : {}), message_key: `errors.${verdict.reason}` };
}

async function intakeBulkDocs(store: Store, quotas: Quotas, user: SessionUser, req: Request, res: Response, at: Date): Promise<void> {
	let body: unknown;
	try {
		body = JSON.parse((req.body as Buffer).toString('utf8'));
	} catch {
		denied(res, 400);
		return;
	}
	const { docs, new_edits } = typeof body === 'object' && body !== null ? (body as { docs?: unknown; new_edits?: unknown }) : {};
	if (!Array.isArray(docs) || docs.length > 1000) {
		denied(res, 400);
		return;
	}
	const newEdits = new_edits !== false;
	let ordered: BulkResult[];
	try {
		ordered = await admitActions(store, quotas, user, docs, at, newEdits);
	} catch (error) {
		if (!(error instanceof GateBusy)) throw error;
		// Nothing of the request was kept or counted: the replicator tries it again later.
		log.warn('intake busy re-encoding files', { user: user.user_id, docs: docs.length });
		res.setHeader('Retry-After', '5');
		res.status(503).json({ error: 'busy', reason: 'busy', message_key: 'errors.busy' });
		return;
	}
	// Replication (new_edits=false) expects only the failures back, as CouchDB answers; an action
	// already there with the same body is delivered, not a failure.
	res.status(201).json(newEdits ? ordered : ordered.filter((r) => r.error));
}

/** Everything the gate does with actions pushed into `intake`, whoever pushed them: the device's
 * replicator here, the Open311 API for a partner's request (open311/submit.ts). Each action is
 * checked, charged to the author's quota and created once; the answer has one result per action,
 * in order, in `_bulk_docs`' form. */
export async function admitActions(
	store: Store,
	quotas: Quotas,
	user: SessionUser,
	docs: unknown[],
	at: Date,
	newEdits = true,
	stamp: ActionStamp = {},
	pool: EncodePool = DEFAULT_POOL
): Promise<BulkResult[]> {
	const results = new Map<number, BulkResult>();
	const accepted: Accepted[] = [];
	const files = new Map<number, StoredFiles>();
	const ids = new Set<string>();
	docs.forEach((raw, index) => {
		// The server's own actions (action-ids.ts): no device may write or pre-empt one, whatever
		// else the action says.
		const rawId = (raw as { _id?: unknown } | null)?._id;
		if (typeof rawId === 'string' && isServerActionId(rawId)) {
			return results.set(index, { id: rawId, error: 'forbidden', reason: 'reserved_id', message_key: 'errors.reserved_id' });
		}
		const verdict = checkAction(raw, jsonLength(raw), user, at, stamp);
		if (!verdict.ok) return results.set(index, refusal(verdict));
		const id = verdict.doc._id;
		// With new_edits a `_rev` asks the store to update that revision; an action is created once.
		if (newEdits && verdict.doc._rev !== undefined) return results.set(index, { id, error: 'forbidden', reason: 'forbidden' });
		// Without new_edits the store takes the revision as given; with none it fails the whole request.
		if (!newEdits && verdict.doc._rev === undefined) return results.set(index, { id, error: 'forbidden', reason: 'invalid_format', field: '_rev', message_key: 'errors.invalid_format' });
		// Twice in one batch would store two revisions of one action: keep the first only.
		if (ids.has(id)) return results.set(index, { id, error: 'forbidden', reason: 'duplicate_action' });
		ids.add(id);
		accepted.push({ index, doc: verdict.doc });
	});
	const live = await refuseRemovedActions(store, accepted, results);
	// Places for every image are taken before anything is counted: a busy server refuses the
	// whole request (GateBusy) and the quota is not charged for it.
	const ticket = pool.reserve(accepted.filter(({ index }) => !results.has(index)).reduce((n, { doc }) => n + imagesIn(doc._attachments), 0));
	try {
		await refuseOverQuota(
			store,
			quotas,
			user,
			accepted.filter(({ index, doc }) => !results.has(index) && !live.has(doc._id)),
			results,
			at
		);
		// Files are judged and re-encoded last, the costly step, for what passed everything else.
		for (const { index, doc } of accepted) {
			if (results.has(index) || !doc._attachments) continue;
			const verdict = await checkFiles(doc._attachments, pool, ticket);
			if (!verdict.ok) results.set(index, { id: doc._id, error: 'forbidden', reason: verdict.reason, field: verdict.field, message_key: `errors.${verdict.reason}` });
			else files.set(index, verdict.files);
		}
	} finally {
		pool.release(ticket);
	}
	// Replication does not keep a device's order inside one upload, and a store numbers the
	// documents of one _bulk_docs in its own order (CouchDB and PouchDB sort them by id). Actions
	// on the same case are therefore written in rounds, in the order the device made them: round
	// k holds the k-th action of every case, so an upload of new cases is still one write.
	const pending = accepted.filter(({ index }) => !results.has(index));
	// Every round is created by the store's atomic create, whichever protocol the device spoke
	// (action-ids.ts): one id, one body, however many write it at once.
	for (const round of deviceOrderRounds(pending)) {
		const written = await createActions(
			store,
			// Each action with the files the server made of its own.
			round.map(({ index, doc }) => ({ ...doc, _attachments: files.get(index) }))
		);
		round.forEach(({ index }, i) => results.set(index, written[i]));
	}
	const refused = [...results.values()].filter((r) => r.error);
	if (refused.length > 0) log.info('intake actions refused', { count: refused.length, ids: refused.slice(0, 10).map((r) => r.id) });
	return docs.map((_, index) => results.get(index)).filter((r): r is BulkResult => !!r);
}

/** A document nested deeper than the stack allows cannot be measured, nor stored: too large. */
function jsonLength(raw: unknown): number {
	try {
		return JSON.stringify(raw ?? null).length;
	} catch {
		return Number.POSITIVE_INFINITY;
	}
}

/** An action checkAction let in, by its place in the request. */
type Accepted = { index: number; doc: ActionDoc };
/** An action's files as the server re-encoded them. */
type StoredFiles = Extract<FilesVerdict, { ok: true }>['files'];

function deviceOrderRounds(actions: Accepted[]): Accepted[][] {
	const byCase = new Map<string, Accepted[]>();
	for (const action of actions) {
		const key = action.doc.case_key;
		byCase.set(key, [...(byCase.get(key) ?? []), action]);
	}
	const rounds: Accepted[][] = [];
	for (const list of byCase.values()) {
		list.sort((a, b) => a.doc.client_time.localeCompare(b.doc.client_time) || a.index - b.index);
		list.forEach((action, k) => {
			(rounds[k] ??= []).push(action);
		});
	}
	return rounds;
}

/** An id that `intake` held and no longer holds was refused and removed after the engine
 * recorded the refusal: it is not free again (a removed submit would otherwise come back as a new
 * case). Two writers racing past this check still meet the store's atomic create. */
async function refuseRemovedActions(store: Store, accepted: Accepted[], results: Map<number, BulkResult>): Promise<Set<string>> {
	const open = accepted.filter(({ index }) => !results.has(index));
	const states = await idStates(
		store,
		open.map((a) => a.doc._id)
	);
	for (const { index, doc } of open) {
		if (states.get(doc._id) === 'removed') results.set(index, { id: doc._id, error: 'forbidden', reason: 'duplicate_action' });
	}
	return new Set([...states].filter(([, state]) => state === 'live').map(([id]) => id));
}

/** New cases and files beyond the author's quota (quota.ts) are refused and recorded; an action
 * already in `intake` is not charged again. */
async function refuseOverQuota(store: Store, quotas: Quotas, user: SessionUser, open: Accepted[], results: Map<number, BulkResult>, at: Date): Promise<void> {
	if (open.length === 0) return;
	const charged = await chargeQuota(
		store,
		quotas,
		user,
		open.map((a) => a.doc),
		at.getTime()
	);
	const over = open.filter((_, i) => !charged[i].ok);
	for (const { index, doc } of over) results.set(index, { id: doc._id, error: 'forbidden', reason: 'quota_exceeded' });
	await recordGateRefusals(
		store,
		over.map((a) => a.doc),
		'quota_exceeded',
		at.toISOString()
	);
}

async function revsDiff(store: Store, req: Request, res: Response): Promise<void> {
	let body: unknown;
	try {
		body = JSON.parse((req.body as Buffer).toString('utf8'));
	} catch {
		denied(res, 400);
		return;
	}
	const answer = await intakeRevsDiff(store, body);
	if (!answer) {
		denied(res, 400);
		return;
	}
	res.status(200).json(answer);
}

/** The store-side copy of the intake rules (defence in depth). */
export async function installIntakeDesign(store: Store): Promise<void> {
	await store.ensureDb(DB.INTAKE);
	const db = store.use<{ _id: string; _rev?: string; validate_doc_update: string }>(DB.INTAKE);
	// Instances starting together race here: the loser reads again and is done once the stored
	// design says the same; a few tries settle any race, since every instance writes the same text.
	for (let attempt = 1; ; attempt++) {
		let current: { _rev?: string; validate_doc_update?: string } | null = null;
		try {
			current = await db.get('_design/tawasul');
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 404) throw error;
		}
		if (current?.validate_doc_update === INTAKE_VALIDATE) return;
		try {
			await db.insert({ _id: '_design/tawasul', ...(current?._rev ? { _rev: current._rev } : {}), validate_doc_update: INTAKE_VALIDATE });
			return;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 409 || attempt >= 5) throw error;
		}
	}
}
