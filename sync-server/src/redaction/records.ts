/** Where a redaction lives (issue 15, step 5). Three copies of a photo matter:
 * - the original, in the action that brought it (`intake`, never readable through the gate);
 * - the redacted bytes and who made them, in a `redaction:` record (`redactions`, server only);
 * - the version staff are shown, the `att:` document in the entity's database, which the gate
 *   lets the entity's staff pull and which a transfer copies to the next entity.
 * Redacting or reverting rewrites the `att:` document on the same deterministic revision branch
 * the engine writes it on (projections.withRevision), one revision further. */
import { attachmentDocId, DB, DOC_TYPES, entityDb, type AttachmentRef, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { withRevision } from '../engine/projections.js';
import { statusOf } from '../store-docs.js';
import type { Store } from '../store.js';

export interface RedactionDoc {
	_id: string;
	_rev?: string;
	type: 'redaction';
	attachment_id: string;
	case_key: string;
	/** Which version the entity's staff see, forward and publish. */
	shown: 'redacted' | 'original';
	/** Redactions made so far; each one applied to the version shown at the time. */
	count: number;
	updated_at: string;
	updated_by: string;
	_attachments?: Record<string, { content_type: string; data?: string; stub?: boolean; length?: number }>;
}

/** The name of the redacted bytes inside the record. */
const REDACTED_FILE = 'redacted';

const redactionDocId = (attachmentId: string) => `redaction:${attachmentId}`;

export interface StoredPhoto {
	content_type: string;
	data: Buffer;
}

async function getJson<T>(store: Store, path: string): Promise<T | null> {
	const response = await store.fetch(`${path}${path.includes('?') ? '&' : '?'}attachments=true`, { headers: { accept: 'application/json' } });
	if (response.status === 404) return null;
	if (!response.ok) throw new Error(`reading ${path.split('/')[1]} answered ${response.status}`);
	return (await response.json()) as T;
}

/** The photo named by `ref` in the case's timeline, with the action that brought it, or 404. */
export function findPhoto(caseDoc: CaseDoc, attachmentId: string): { ref: AttachmentRef; actionId: string } {
	for (const entry of caseDoc.timeline) {
		for (const ref of entry.attachments ?? []) {
			const id = ref.id || attachmentDocId(entry.action_id, ref.name);
			if (id === attachmentId) return { ref: { ...ref, id }, actionId: entry.action_id };
		}
	}
	throw new TawasulError(404, 'not_found');
}

/** The original bytes, from the action in `intake`. */
export async function readOriginal(store: Store, actionId: string, name: string): Promise<StoredPhoto> {
	const action = await getJson<{ _attachments?: Record<string, { content_type: string; data: string }> }>(store, `/${DB.INTAKE}/${encodeURIComponent(actionId)}`);
	const file = action?._attachments?.[name];
	if (!file) throw new TawasulError(404, 'not_found');
	return { content_type: file.content_type, data: Buffer.from(file.data, 'base64') };
}

export interface ShownDoc {
	doc: Record<string, unknown> & { _id: string; _rev: string; name: string; content_type: string };
	photo: StoredPhoto;
}

/** The `att:` document the entity's staff see now, or 503 while the engine has not copied it. */
export function readShown(store: Store, caseDoc: CaseDoc, attachmentId: string): Promise<ShownDoc> {
	return readShownIn(store, caseDoc.entity_id, attachmentId);
}

async function readShownIn(store: Store, entityId: string, attachmentId: string): Promise<ShownDoc> {
	const doc = await getJson<ShownDoc['doc'] & { _attachments?: Record<string, { content_type: string; data: string }> }>(store, `/${entityDb(entityId)}/${encodeURIComponent(attachmentId)}`);
	const file = doc?._attachments?.[doc.name];
	if (!doc || !file) throw new TawasulError(503, 'unavailable');
	const { _attachments, ...rest } = doc;
	return { doc: rest, photo: { content_type: file.content_type, data: Buffer.from(file.data, 'base64') } };
}

/** The record of an attachment, with its redacted bytes, or null when it was never redacted. */
export function readRecord(store: Store, attachmentId: string): Promise<RedactionDoc | null> {
	return getJson<RedactionDoc>(store, `/${DB.REDACTIONS}/${encodeURIComponent(redactionDocId(attachmentId))}`);
}

/** Saves the record; a second request on the same attachment at the same time loses here (409,
 * `busy`) before it touches the `att:` document. */
export async function saveRecord(store: Store, record: RedactionDoc): Promise<void> {
	await store.ensureDb(DB.REDACTIONS);
	await store
		.use<RedactionDoc>(DB.REDACTIONS)
		.insert(record)
		.catch((error: unknown) => {
			if (statusOf(error) === 409) throw new TawasulError(409, 'busy');
			throw error;
		});
}

/** A new record, or the old one carried on, with the bytes now shown. */
export function nextRecord(previous: RedactionDoc | null, input: { attachmentId: string; caseKey: string; at: string; by: string; redacted?: StoredPhoto }): RedactionDoc {
	const record: RedactionDoc = {
		_id: redactionDocId(input.attachmentId),
		...(previous?._rev ? { _rev: previous._rev } : {}),
		type: DOC_TYPES.REDACTION,
		attachment_id: input.attachmentId,
		case_key: input.caseKey,
		shown: input.redacted ? 'redacted' : 'original',
		count: (previous?.count ?? 0) + (input.redacted ? 1 : 0),
		updated_at: input.at,
		updated_by: input.by
	};
	if (input.redacted) record._attachments = { [REDACTED_FILE]: { content_type: input.redacted.content_type, data: input.redacted.data.toString('base64') } };
	else if (previous?._attachments) record._attachments = previous._attachments;
	return record;
}

/** Writes the version staff are shown into the entity's `att:` document, one revision above the
 * one read; `redacted` marks it for the case view. */
export async function writeShown(store: Store, caseDoc: CaseDoc, shown: ShownDoc, photo: StoredPhoto, redacted: boolean): Promise<void> {
	const db = entityDb(caseDoc.entity_id);
	const version = Number.parseInt(shown.doc._rev, 10) + 1;
	const { _rev, redacted: _old, ...fields } = shown.doc;
	const next: { _id: string } & Record<string, unknown> = { ...fields, content_type: photo.content_type, size: photo.data.length, ...(redacted ? { redacted: true } : {}) };
	const doc = {
		...withRevision(next, db, version),
		_attachments: { [shown.doc.name]: { content_type: photo.content_type, data: photo.data.toString('base64') } }
	};
	const response = await store.fetch(`/${db}/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs: [doc], new_edits: false })
	});
	if (!response.ok) throw new Error(`writing ${db} att answered ${response.status}`);
}

/** The redacted file of an attachment when that is the version shown, else null: what a
 * transfer copies to the next entity (engine/attachments.ts). */
export async function redactedVersion(store: Store, attachmentId: string): Promise<{ content_type: string; data: string } | null> {
	const record = await readRecord(store, attachmentId);
	const file = record?.shown === 'redacted' ? record._attachments?.[REDACTED_FILE] : undefined;
	return file?.data ? { content_type: file.content_type, data: file.data } : null;
}

/** The version of a photo the public may be sent (issue 14): its redacted bytes whenever it was
 * ever redacted, even if staff are shown the original again, else the version the entity's staff
 * see (re-encoded by the gate, so without EXIF). */
export async function publicVersion(store: Store, entityId: string, attachmentId: string): Promise<StoredPhoto> {
	const file = (await readRecord(store, attachmentId))?._attachments?.[REDACTED_FILE];
	if (file?.data) return { content_type: file.content_type, data: Buffer.from(file.data, 'base64') };
	return (await readShownIn(store, entityId, attachmentId)).photo;
}
