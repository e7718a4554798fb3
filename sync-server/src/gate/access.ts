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
}

const DB_NAME = /^(intake|config|u_[a-z0-9][a-z0-9_-]{0,62}|e_[a-z0-9][a-z0-9_-]{0,62})$/;
const ENDPOINTS: Record<string, Target['kind']> = {
	_changes: 'changes',
	_bulk_get: 'bulk_get',
	_all_docs: 'all_docs',
	_revs_diff: 'revs_diff',
	_bulk_docs: 'bulk_docs'
};

function decode(segment: string): string | null {
	try {
		const value = decodeURIComponent(segment);
		return value === '.' || value === '..' || value.includes('\u0000') ? null : value;
	} catch {
		return null;
	}
}

/** Parses the part of the URL path after `/db/`; null for anything that is not a plain
 * replication request on a known kind of database. */
export function parseDbPath(rawPath: string): ParsedPath | null {
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

const PULL: Record<string, string[]> = {
	db_info: ['GET', 'HEAD'],
	changes: ['GET'],
	bulk_get: ['POST'],
	all_docs: ['GET', 'POST'],
	local: ['GET', 'PUT'],
	doc: ['GET', 'HEAD'],
	attachment: ['GET', 'HEAD']
};

const PUSH: Record<string, string[]> = {
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
		return PULL[kind]?.includes(method) ? { allow: true, mode: 'pull' } : { allow: false, status: user ? 403 : 401 };
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

/** Checkpoints of every device share `intake`; each person's are kept under their own prefix
 * so one cannot read or overwrite another's. */
export function localIdFor(user: SessionUser, id: string): string {
	if (!ID_PATTERN.test(user.user_id)) throw new Error('invalid user id');
	return `${user.user_id}__${id}`;
}
