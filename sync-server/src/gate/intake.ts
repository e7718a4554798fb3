/** Checks every action pushed into `intake` before the store sees it: a new, immutable action
 * of a kind the author's role may take, stamped with the session's identity and server time.
 * The engine judges the action against the case later; this only keeps the intake clean. */
import { ACTION_KINDS, type ActionDoc, type ActionKind, type Role } from '../../../src/lib/domain/doc-types.js';
import { ALLOWED_CONTENT_TYPES, LIMITS, detectContentType } from '../../../src/lib/domain/validation.js';
import type { SessionUser } from '../auth/types.js';

export const KINDS_BY_ROLE: Record<Role, readonly ActionKind[]> = {
	// Not 'rate': the server writes ratings after checking the link or session and the window.
	citizen: ['submit', 'provide_info', 'reopen'],
	kiosk: [],
	agent: ['reply', 'request_info', 'transfer', 'note', 'close', 'suggestion_status'],
	manager: ['reply', 'request_info', 'transfer', 'note', 'close', 'suggestion_status'],
	coordinator: [],
	minister: []
};

/** A whole action with its files inline (base64) may not exceed this. */
export const MAX_ACTION_BYTES = 16 * 1024 * 1024;

const ACTION_ID = /^act:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CASE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Verdict = { ok: true; doc: ActionDoc } | { ok: false; id: string; reason: string };

function hasForbiddenKey(value: unknown, depth = 0): boolean {
	if (depth > 8 || value === null || typeof value !== 'object') return false;
	for (const key of Object.keys(value)) {
		if (FORBIDDEN_KEYS.has(key)) return true;
		if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
	}
	return false;
}

function checkFiles(doc: ActionDoc): string | null {
	const files = Object.entries(doc._attachments ?? {});
	if (files.length > LIMITS.FILES_MAX) return 'too_many_files';
	for (const [name, file] of files) {
		if (!name || name.length > 200 || name.startsWith('_')) return 'invalid_format';
		if (typeof file.data !== 'string') return 'invalid_format';
		if (!(ALLOWED_CONTENT_TYPES as readonly string[]).includes(file.content_type)) return 'unsupported_file_type';
		const bytes = Buffer.from(file.data, 'base64');
		if (bytes.length > LIMITS.FILE_BYTES_MAX) return 'file_too_large';
		// Checked by content, not by the name or the type the device claims.
		if (detectContentType(bytes.subarray(0, 16)) !== file.content_type) return 'unsupported_file_type';
	}
	return null;
}

/** `raw` is one element of `_bulk_docs`' `docs`; `size` its JSON length. */
export function checkAction(raw: unknown, size: number, user: SessionUser, now: Date): Verdict {
	const doc = raw as ActionDoc & { _deleted?: boolean; _revisions?: unknown };
	const id = typeof doc?._id === 'string' ? doc._id : '';
	const refuse = (reason: string): Verdict => ({ ok: false, id, reason });
	if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return refuse('invalid_format');
	if (!ACTION_ID.test(id)) return refuse('invalid_format');
	if (size > MAX_ACTION_BYTES) return refuse('payload_too_large');
	if (hasForbiddenKey(doc)) return refuse('invalid_format');
	if (doc._deleted) return refuse('forbidden');
	if (doc._rev !== undefined && !/^1-[0-9a-f]{1,64}$/.test(doc._rev)) return refuse('forbidden');
	// With new_edits=false the store builds the revision from `_revisions`, not `_rev`: a `1-`
	// revision with a longer history would be stored as a later revision of the action. Replication
	// of a first revision sends exactly { start: 1, ids: [<hash of _rev>] }.
	if (doc._revisions !== undefined) {
		const history = doc._revisions as { start?: unknown; ids?: unknown } | null;
		const ids = history?.ids;
		if (history?.start !== 1 || !Array.isArray(ids) || ids.length !== 1 || doc._rev !== `1-${ids[0]}`) return refuse('forbidden');
	}
	if (doc.type !== 'action' || !(ACTION_KINDS as readonly string[]).includes(doc.kind)) return refuse('invalid_format');
	if (typeof doc.case_key !== 'string' || !CASE_KEY.test(doc.case_key)) return refuse('invalid_format');
	if (!KINDS_BY_ROLE[user.role].includes(doc.kind)) return refuse('not_allowed');
	if (doc.author && (doc.author.user_id !== user.user_id || doc.author.role !== user.role)) return refuse('not_allowed');
	const files = checkFiles(doc);
	if (files) return refuse(files);
	const stamped: ActionDoc = {
		...doc,
		author: { user_id: user.user_id, role: user.role, ...(user.entity_id ? { entity_id: user.entity_id } : {}) },
		received_at: now.toISOString()
	};
	return { ok: true, doc: stamped };
}

/** The validate_doc_update installed in `intake`: the same rules again inside the store, so a
 * write that reached the store some other way is still refused. */
export const INTAKE_VALIDATE = `function (newDoc, oldDoc, userCtx) {
	if (newDoc._id.indexOf('_design/') === 0) return;
	// Only the server removes an action, once its refusal is recorded (engine/refused.ts).
	if (newDoc._deleted && oldDoc && userCtx && userCtx.roles.indexOf('_admin') >= 0) return;
	if (oldDoc) throw({ forbidden: 'actions are immutable' });
	if (newDoc._deleted) throw({ forbidden: 'actions cannot be deleted' });
	if (newDoc.type !== 'action') throw({ forbidden: 'only actions' });
	if (!/^act:/.test(newDoc._id)) throw({ forbidden: 'bad id' });
	if (!newDoc.author || !newDoc.author.user_id || !newDoc.received_at) throw({ forbidden: 'unstamped' });
	var kinds = ${JSON.stringify(ACTION_KINDS)};
	if (kinds.indexOf(newDoc.kind) < 0) throw({ forbidden: 'unknown kind' });
}`;
