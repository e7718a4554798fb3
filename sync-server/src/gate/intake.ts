/** Checks every action pushed into `intake` before the store sees it: a new, immutable action
 * of a kind the author's role may take, of the one strict shape its kind has (action-schema.ts,
 * shared with the app), within the size limits (limits.ts), stamped with the session's identity
 * and server time. The engine judges the action against the case later; this keeps the intake
 * clean, so nothing a device sends can stall the engine or poison a replica. */
import { ACTION_ID, parseAction } from '../../../src/lib/domain/action-schema.js';
import { ATTACHMENT_NAME } from '../../../src/lib/domain/attachment-names.js';
import { HEIC, sniffContentType } from '../../../src/lib/domain/content-type.js';
import { ACTION_KINDS, type ActionDoc, type ActionKind, type KioskStamp, type Role } from '../../../src/lib/domain/doc-types.js';
import type { ErrorCode } from '../../../src/lib/domain/errors.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import { citizenLabel } from '../../../src/lib/domain/phone.js';
import type { SessionUser } from '../auth/types.js';

const KINDS_BY_ROLE: Record<Role, readonly ActionKind[]> = {
	// Not 'rate': the server writes ratings after checking the link or session and the window.
	citizen: ['submit', 'provide_info', 'reopen', 'follow'],
	kiosk: [],
	// Only managers undo a link; the engine says so again (case-state.ts).
	agent: ['reply', 'request_info', 'transfer', 'note', 'close', 'suggestion_status', 'link'],
	// Only managers show a photo to the public or withdraw it (case-state.ts).
	manager: ['reply', 'request_info', 'transfer', 'note', 'close', 'suggestion_status', 'link', 'unlink', 'publish_photo', 'withdraw_photo'],
	coordinator: [],
	minister: []
};

/** A whole request to the gate may not exceed this (one action with its files inline, base64). */
export const MAX_REQUEST_BYTES = LIMITS.REQUEST_BYTES_MAX;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `reason` is an error code with a message under `errors.<code>`; `field` names what was wrong. */
export type Verdict = { ok: true; doc: ActionDoc } | { ok: false; id: string; reason: ErrorCode | 'forbidden'; field?: string };

function hasForbiddenKey(value: unknown, depth = 0): boolean {
	if (depth > 8 || value === null || typeof value !== 'object') return false;
	for (const key of Object.keys(value)) {
		if (FORBIDDEN_KEYS.has(key)) return true;
		if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
	}
	return false;
}

/** The JSON length of the action without its files' data, which have limits of their own;
 * Infinity (refused) for a value nested too deep to measure, which no store could keep either. */
function actionJsonBytes(doc: Record<string, unknown>): number {
	let total: number;
	try {
		total = JSON.stringify(doc).length;
	} catch {
		return Number.POSITIVE_INFINITY;
	}
	const files = doc._attachments;
	if (!files || typeof files !== 'object') return total;
	for (const file of Object.values(files as Record<string, unknown>)) {
		const data = (file as { data?: unknown } | null)?.data;
		if (typeof data === 'string') total -= data.length + 2;
	}
	return total;
}

/** Files are judged by what their first bytes are (decoding only those, once per action), never
 * by the name or type claimed. */
function sniffHeads(files: unknown): Map<string, ReturnType<typeof sniffContentType>> {
	const heads = new Map<string, ReturnType<typeof sniffContentType>>();
	if (!files || typeof files !== 'object' || Array.isArray(files)) return heads;
	for (const [name, file] of Object.entries(files)) {
		const data: unknown = file && typeof file === 'object' ? (file as { data?: unknown }).data : undefined;
		if (typeof data === 'string') heads.set(name, sniffContentType(Buffer.from(data.slice(0, 88), 'base64')));
	}
	return heads;
}

/** What the server adds to an action it files on someone's behalf, after the device's fields
 * were checked (so no device can send it): the kiosk it was filed at (issue 12). */
export interface ActionStamp {
	kiosk?: KioskStamp;
}

/** `raw` is one element of `_bulk_docs`' `docs`; `size` its JSON length, files included. */
export function checkAction(raw: unknown, size: number, user: SessionUser, now: Date, stamp: ActionStamp = {}): Verdict {
	const doc = raw as (Record<string, unknown> & { _deleted?: boolean; _revisions?: unknown }) | null | undefined;
	const id = typeof doc?._id === 'string' && doc._id.length <= 200 ? doc._id : '';
	const refuse = (reason: ErrorCode | 'forbidden', field?: string): Verdict => ({ ok: false, id, reason, ...(field ? { field } : {}) });
	if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return refuse('invalid_format');
	if (!ACTION_ID.test(id)) return refuse('invalid_format', '_id');
	if (size > MAX_REQUEST_BYTES || !(actionJsonBytes(doc) <= LIMITS.ACTION_JSON_BYTES_MAX)) return refuse('payload_too_large');
	if (hasForbiddenKey(doc)) return refuse('invalid_format');
	if (doc._deleted !== undefined) return refuse('forbidden', '_deleted');
	// typeof first: String() of an object without a prototype throws, and input is anything.
	if (doc._rev !== undefined && (typeof doc._rev !== 'string' || !/^1-[0-9a-f]{1,64}$/.test(doc._rev))) return refuse('forbidden', '_rev');
	// With new_edits=false the store builds the revision from `_revisions`, not `_rev`: a `1-`
	// revision with a longer history would be stored as a later revision of the action. Replication
	// of a first revision sends exactly { start: 1, ids: [<hash of _rev>] }.
	if (doc._revisions !== undefined) {
		const history: unknown = doc._revisions;
		const { start, ids } = typeof history === 'object' && history !== null ? (history as { start?: unknown; ids?: unknown }) : {};
		if (start !== 1 || !Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== 'string' || doc._rev !== `1-${ids[0]}`) return refuse('forbidden', '_revisions');
	}
	if (doc.type !== 'action') return refuse('invalid_format', 'type');
	if (!(ACTION_KINDS as readonly unknown[]).includes(doc.kind)) return refuse('invalid_format', 'kind');
	if (!KINDS_BY_ROLE[user.role].includes(doc.kind as ActionKind)) return refuse('not_allowed', 'kind');
	const author = doc.author as { user_id?: unknown; role?: unknown } | null | undefined;
	if (author !== undefined && (author?.user_id !== user.user_id || author.role !== user.role)) return refuse('not_allowed', 'author');
	// HEIC is told before the schema judges names and types, so the citizen hears why.
	const heads = sniffHeads(doc._attachments);
	const heic = [...heads].find(([, type]) => type === HEIC);
	if (heic) return refuse('heic_unsupported', `_attachments.${heic[0]}`);
	const parsed = parseAction(doc);
	if (!parsed.ok) return refuse(parsed.errors[0].code, parsed.errors[0].field);
	const mismatch = Object.entries(parsed.action._attachments ?? {}).find(([name, file]) => heads.get(name) !== file.content_type);
	if (mismatch) return refuse('unsupported_file_type', `_attachments.${mismatch[0]}`);
	const stamped: ActionDoc = {
		...parsed.action,
		...stamp,
		author: { user_id: user.user_id, role: user.role, ...(user.entity_id ? { entity_id: user.entity_id } : {}) },
		received_at: now.toISOString()
	};
	// Staff see who filed a case by name or masked phone, never by the internal id (issue 16).
	const label = stamped.kind === 'submit' ? citizenLabel(user) : null;
	if (label) stamped.citizen_label = label;
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
	for (var name in (newDoc._attachments || {})) {
		if (!${ATTACHMENT_NAME}.test(name)) throw({ forbidden: 'bad file name' });
	}
}`;
