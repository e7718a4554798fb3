/** The allowlist: which replication requests a session may make on which database. Everything
 * not listed here is refused (401 without a session, 403 with one). Pure, so the permission
 * tests can walk every cell. */
import { DB, ID_PATTERN } from '../../../src/lib/domain/doc-types.js';
import type { SessionUser } from '../auth/types.js';

/** What a request to `/db/<database>/…` asks for, after decoding and checking every segment. */
export type Target =
	| { kind: 'db_info' }
	| { kind: 'changes' }
	| { kind: 'bulk_get' }
	| { kind: 'all_docs' }
	| { kind: 'revs_diff' }
	| { kind: 'bulk_docs' }
	| { kind: 'local'; id: string }
	| { kind: 'doc'; id: string }
	| { kind: 'attachment'; id: string; name: string };

export interface ParsedPath {
	db: string;
	target: Target;
	/** The canonical path to send to the store: every segment re-encoded, no dot segments. */
	storePath: string;
	/** The canonical query to send with it: only allowlisted parameters, re-encoded; '' or '?…'. */
	query: string;
}

const DB_NAME = /^(intake|config|stats|u_[a-z0-9][a-z0-9_-]{0,62}|e_[a-z0-9][a-z0-9_-]{0,62})$/;
const ENDPOINTS: Record<string, Target['kind']> = {
	_changes: 'changes',
	_bulk_get: 'bulk_get',
	_all_docs: 'all_docs',
	_revs_diff: 'revs_diff',
	_bulk_docs: 'bulk_docs'
};

/** The query parameters the replication protocol sends, per endpoint, each with a check of its
 * value. Anything else is refused, because the store acts on query parameters: with the embedded
 * store, `_changes?filter=…` or `?view=…` (a filter or view that does not exist) throws an
 * unhandled rejection inside express-pouchdb and kills the store's worker, i.e. any signed-in
 * person, or anyone at all through `config`, could stop the whole service with one GET. PouchDB's
 * replicator never sends a filter here. Values are checked, then re-encoded, so the store never
 * parses a query the gate did not. */
type Check = (value: string) => boolean;
const bool: Check = (v) => v === 'true' || v === 'false';
const count =
	(max: number, min = 0): Check =>
	(v) =>
		/^\d{1,9}$/.test(v) && Number(v) >= min && Number(v) <= max;
const oneOf =
	(...values: string[]): Check =>
	(v) =>
		values.includes(v);
const json =
	(test: (value: unknown) => boolean): Check =>
	(v) => {
		try {
			return test(JSON.parse(v));
		} catch {
			return false;
		}
	};
const REV = /^[1-9]\d{0,9}-[0-9a-f]{1,64}$/;
const isRev = (v: unknown) => typeof v === 'string' && REV.test(v);
const isKey = (v: unknown) => typeof v === 'string' && v.length <= 1024;
const revCheck: Check = (v) => REV.test(v);
// PouchDB sequences are numbers; CouchDB 3's are `<n>-<base64url>`.
const since: Check = (v) => v === 'now' || /^\d{1,16}(-[A-Za-z0-9_-]{1,4096})?$/.test(v);

const QUERY: Record<Target['kind'], Record<string, Check>> = {
	db_info: {},
	changes: {
		since,
		limit: count(10_000),
		style: oneOf('all_docs', 'main_only'),
		// Not `continuous` or `eventsource`: a feed that never ends, which replication does not use.
		feed: oneOf('normal', 'longpoll'),
		// express-pouchdb writes a newline every `heartbeat` ms: 1 would be a flood.
		heartbeat: count(60_000, 1_000),
		timeout: count(60_000),
		seq_interval: count(10_000),
		include_docs: bool,
		conflicts: bool,
		descending: bool,
		attachments: bool,
		att_encoding_info: bool
	},
	bulk_get: { revs: bool, attachments: bool, latest: bool },
	all_docs: {
		include_docs: bool,
		conflicts: bool,
		descending: bool,
		inclusive_end: bool,
		update_seq: bool,
		attachments: bool,
		att_encoding_info: bool,
		limit: count(10_000),
		skip: count(1_000_000),
		key: json(isKey),
		startkey: json(isKey),
		endkey: json(isKey),
		start_key: json(isKey),
		end_key: json(isKey),
		keys: json((v) => Array.isArray(v) && v.length <= 1_000 && v.every(isKey))
	},
	revs_diff: {},
	bulk_docs: {},
	local: {},
	doc: {
		rev: revCheck,
		revs: bool,
		revs_info: bool,
		latest: bool,
		attachments: bool,
		att_encoding_info: bool,
		conflicts: bool,
		open_revs: (v) => v === 'all' || json((x) => Array.isArray(x) && x.length <= 1_000 && x.every(isRev))(v)
	},
	attachment: { rev: revCheck }
};

/** The canonical form of `rawQuery` (without the '?') for this target, or null when it has a
 * parameter the target does not take, a bad value, or a parameter twice. */
export function canonicalQuery(kind: Target['kind'], rawQuery: string): string | null {
	const allowed = QUERY[kind];
	const params = new URLSearchParams(rawQuery);
	const out = new URLSearchParams();
	for (const [name, value] of params) {
		if (!Object.prototype.hasOwnProperty.call(allowed, name) || out.has(name) || !allowed[name](value)) return null;
		out.append(name, value);
	}
	const text = out.toString();
	return text ? `?${text}` : '';
}

function decode(segment: string): string | null {
	try {
		const value = decodeURIComponent(segment);
		return value === '.' || value === '..' || value.includes('\u0000') ? null : value;
	} catch {
		return null;
	}
}

/** Parses the part of the URL path after `/db/` (and the query after `?`); null for anything
 * that is not a plain replication request on a known kind of database. */
export function parseDbPath(rawPath: string, rawQuery = ''): ParsedPath | null {
	const parsed = parsePath(rawPath);
	if (!parsed) return null;
	const query = canonicalQuery(parsed.target.kind, rawQuery);
	return query === null ? null : { ...parsed, query };
}

function parsePath(rawPath: string): Omit<ParsedPath, 'query'> | null {
	const parts = rawPath.split('/');
	const segments: string[] = [];
	for (const part of parts) {
		const value = decode(part);
		if (value === null) return null;
		segments.push(value);
	}
	if (segments.length > 1 && segments[segments.length - 1] === '' && segments.length > 2) return null;
	const [db, ...rest] = segments;
	if (!db || !DB_NAME.test(db)) return null;
	const path = rest.length === 1 && rest[0] === '' ? [] : rest;
	const enc = encodeURIComponent;
	if (path.length === 0) return { db, target: { kind: 'db_info' }, storePath: `/${db}/` };
	const [first, ...more] = path;
	if (first in ENDPOINTS && more.length === 0) {
		return { db, target: { kind: ENDPOINTS[first] } as Target, storePath: `/${db}/${first}` };
	}
	if (first === '_local' && more.length === 1 && more[0] && !more[0].includes('/')) {
		return { db, target: { kind: 'local', id: more[0] }, storePath: `/${db}/_local/${enc(more[0])}` };
	}
	if (!first || first.startsWith('_')) return null;
	if (more.length === 0) return { db, target: { kind: 'doc', id: first }, storePath: `/${db}/${enc(first)}` };
	const name = more.join('/');
	if (!name) return null;
	return {
		db,
		target: { kind: 'attachment', id: first, name },
		storePath: `/${db}/${enc(first)}/${more.map(enc).join('/')}`
	};
}

const PULL: Partial<Record<Target['kind'], string[]>> = {
	db_info: ['GET', 'HEAD'],
	changes: ['GET'],
	bulk_get: ['POST'],
	all_docs: ['GET', 'POST'],
	local: ['GET', 'PUT'],
	doc: ['GET', 'HEAD'],
	attachment: ['GET', 'HEAD']
};

const PUSH: Partial<Record<Target['kind'], string[]>> = {
	db_info: ['GET', 'HEAD'],
	local: ['GET', 'PUT'],
	revs_diff: ['POST'],
	bulk_docs: ['POST']
};

export type Decision = { allow: true; mode: 'pull' | 'push' } | { allow: false; status: 401 | 403 };

/** May this session make this request? `config` is readable signed out (the catalogue for a
 * draft); everything else needs a session naming the database. */
export function decide(user: SessionUser | null, method: string, parsed: ParsedPath): Decision {
	const kind = parsed.target.kind;
	if (parsed.db === DB.CONFIG) {
		// Signed out, nothing is written: a checkpoint must belong to a person (see localIdFor),
		// else anyone could fill the store, or rewrite the checkpoints every device shares.
		const may = PULL[kind]?.includes(method) && (user !== null || kind !== 'local' || method === 'GET');
		return may ? { allow: true, mode: 'pull' } : { allow: false, status: user ? 403 : 401 };
	}
	if (!user) return { allow: false, status: 401 };
	if (parsed.db === DB.INTAKE) {
		const may = PUSH[kind]?.includes(method) && user.role !== 'minister';
		return may ? { allow: true, mode: 'push' } : { allow: false, status: 403 };
	}
	if (user.databases.pull.includes(parsed.db) && PULL[kind]?.includes(method)) {
		return { allow: true, mode: 'pull' };
	}
	return { allow: false, status: 403 };
}

/** Checkpoints are kept per person in every database, under the person's own prefix, so one
 * cannot read or overwrite another's: devices share `intake` and `config`, and an entity's staff
 * share its `e_` database. PouchDB names a checkpoint after the two ends of the replication, so
 * colleagues' devices use the same `_local` id; with a shared id, one could read a colleague's
 * checkpoint and write it back with a later `last_seq`, and that device would silently skip
 * every case in between. */
export function localIdFor(user: SessionUser, id: string): string {
	if (!ID_PATTERN.test(user.user_id)) throw new Error('invalid user id');
	return `${user.user_id}__${id}`;
}
