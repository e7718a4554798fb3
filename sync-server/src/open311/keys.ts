/** Open311 API keys (GeoReport v2: a key is needed to file a request). A coordinator issues one
 * per partner system and may revoke it; the key is shown once and only its SHA-256 is stored, in
 * `apikey:<key_id>` in the server-only `auth` database, with who asked for it, who issued it and
 * when, when it was last used, and who revoked it when.
 *
 * A key reads `<key_id>.<secret>`: the id finds the document with one lookup, the secret (256
 * random bits) is compared by hash in constant time. Each key files under its own account id
 * (`k<key_id>`): the gate and the engine see a citizen of that id, so the key's cases count
 * against one quota and their projections and refusals land in one database. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyView } from '../../../src/lib/domain/api-key.js';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { getOrNull, statusOf, storedAs } from '../store-docs.js';
import type { Store } from '../store.js';

export interface ApiKeyDoc extends ApiKeyView {
	_id: string;
	_rev?: string;
	type: typeof DOC_TYPES.API_KEY;
	secret_hash: string;
}

export type { ApiKeyView };

const KEY_ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is written at most this often per key: a write per request would make parallel
 * requests of one key conflict, and a minute is precise enough for "last used". */
const TOUCH_MS = 60_000;

const apiKeyDocId = (keyId: string) => `apikey:${keyId}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function viewOf(doc: ApiKeyDoc): ApiKeyView {
	const { key_id, name, user_id, created_by, created_at, last_used_at, revoked_at, revoked_by } = doc;
	return { key_id, name, user_id, created_by, created_at, last_used_at, revoked_at, revoked_by };
}

export async function issueKey(store: Store, name: string, createdBy: string, now: Date): Promise<{ key: ApiKeyView; apiKey: string }> {
	const keyId = randomBytes(8).toString('hex');
	const secret = randomBytes(32).toString('base64url');
	const doc: ApiKeyDoc = {
		_id: apiKeyDocId(keyId),
		type: DOC_TYPES.API_KEY,
		key_id: keyId,
		name,
		secret_hash: sha256(secret),
		user_id: `k${keyId}`,
		created_by: createdBy,
		created_at: now.toISOString(),
		last_used_at: null,
		revoked_at: null,
		revoked_by: null
	};
	await store.use<ApiKeyDoc>(DB.AUTH).insert(doc);
	return { key: viewOf(doc), apiKey: `${keyId}.${secret}` };
}

export async function listKeys(store: Store): Promise<ApiKeyView[]> {
	const result = await store.use<ApiKeyDoc>(DB.AUTH).list({ startkey: 'apikey:', endkey: 'apikey:\ufff0', include_docs: true });
	return result.rows.flatMap((row) => (row.doc?.type === DOC_TYPES.API_KEY ? [viewOf(row.doc)] : [])).sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** Revoking twice keeps the first revocation; an unknown key is 404. */
export async function revokeKey(store: Store, keyId: string, revokedBy: string, now: Date): Promise<ApiKeyView> {
	if (!KEY_ID.test(keyId)) throw new TawasulError(404, 'not_found');
	const db = store.use<ApiKeyDoc>(DB.AUTH);
	for (let attempt = 0; attempt < 8; attempt++) {
		const doc = await getOrNull(db, apiKeyDocId(keyId));
		if (!doc) throw new TawasulError(404, 'not_found');
		if (doc.revoked_at) return viewOf(doc);
		const revoked = { ...doc, revoked_at: now.toISOString(), revoked_by: revokedBy };
		try {
			await db.insert(revoked);
			return viewOf(revoked);
		} catch (error) {
			if (statusOf(error) !== 409) throw error;
		}
	}
	throw new Error(`revocation of ${keyId} kept conflicting`);
}

export type KeyCheck = { ok: true; key: ApiKeyDoc } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' };

/** The key a request carries, if it is one of ours and not revoked. Read from the store on every
 * request, so a revocation holds at once on every instance. */
export async function checkKey(store: Store, raw: unknown): Promise<KeyCheck> {
	if (typeof raw !== 'string' || raw === '') return { ok: false, reason: 'missing' };
	// The client's header: any number of parts.
	const parts: (string | undefined)[] = raw.split('.');
	const [keyId, secret, extra] = parts;
	if (extra !== undefined || keyId === undefined || secret === undefined || !KEY_ID.test(keyId) || !SECRET.test(secret)) return { ok: false, reason: 'invalid' };
	const doc = await getOrNull(store.use<ApiKeyDoc>(DB.AUTH), apiKeyDocId(keyId));
	if (!storedAs(doc, DOC_TYPES.API_KEY)) return { ok: false, reason: 'invalid' };
	const given = Buffer.from(sha256(secret), 'hex');
	const stored = Buffer.from(doc.secret_hash, 'hex');
	if (given.length !== stored.length || !timingSafeEqual(given, stored)) return { ok: false, reason: 'invalid' };
	if (doc.revoked_at) return { ok: false, reason: 'revoked' };
	return { ok: true, key: doc };
}

/** Best effort: a conflict means another request of the same key wrote it a moment ago. */
export async function touchKey(store: Store, key: ApiKeyDoc, now: Date): Promise<void> {
	if (key.last_used_at && now.getTime() - Date.parse(key.last_used_at) < TOUCH_MS) return;
	try {
		await store.use<ApiKeyDoc>(DB.AUTH).insert({ ...key, last_used_at: now.toISOString() });
	} catch (error) {
		if (statusOf(error) !== 409) throw error;
	}
}
