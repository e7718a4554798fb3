/** Citizens' Web Push subscriptions (issue 16), one `sub:<user>:<hash of the endpoint>` document
 * each in the server-only `push` database: the same device registering again finds its own
 * document, and nobody can name (or remove) another person's, since the id starts with the
 * session's user. What a browser sends is checked strictly: an https endpoint of a known push
 * service, the P-256 public key (65 bytes) and the 16-byte auth secret in base64url, nothing else. */
import { createHash } from 'node:crypto';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';
import { getOrNull, statusOf, updateDoc } from '../store-docs.js';
import type { Store } from '../store.js';
import { base64UrlBytes, hostAllowed } from './config.js';

const PUSH_LOCALES = ['ar', 'en'] as const;
export type PushLocale = (typeof PUSH_LOCALES)[number];
export const MAX_ENDPOINT_LENGTH = 1024;

interface PushKeys {
	p256dh: string;
	auth: string;
}

export interface SubscriptionInput {
	endpoint: string;
	keys: PushKeys;
	/** The app's language on that device, for the notification's words. */
	locale: PushLocale;
}

export interface SubscriptionDoc extends SubscriptionInput {
	_id: string;
	_rev?: string;
	type: typeof DOC_TYPES.PUSH_SUBSCRIPTION;
	user_id: string;
	created_at: string;
	updated_at: string;
}

const endpointHash = (endpoint: string) => createHash('sha256').update(endpoint).digest('hex').slice(0, 32);
export const subscriptionDocId = (userId: string, endpoint: string) => `sub:${userId}:${endpointHash(endpoint)}`;
const userRange = (userId: string) => ({ startkey: `sub:${userId}:`, endkey: `sub:${userId}:\ufff0` });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownFields(object: Record<string, unknown>, known: readonly string[], prefix = ''): FieldError[] {
	return Object.keys(object)
		.filter((key) => !known.includes(key))
		.slice(0, 5)
		.map((key) => ({ field: `${prefix}${key}`, code: 'unknown_field' }));
}

function checkEndpoint(value: unknown, allowedHosts: readonly string[]): FieldError | null {
	if (typeof value !== 'string' || value === '') return { field: 'endpoint', code: 'required' };
	if (value.length > MAX_ENDPOINT_LENGTH) return { field: 'endpoint', code: 'too_long', params: { max: MAX_ENDPOINT_LENGTH } };
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return { field: 'endpoint', code: 'invalid_format' };
	}
	if (url.protocol !== 'https:' || url.username || url.password || url.hash) return { field: 'endpoint', code: 'invalid_format' };
	// Only the push services: the server posts to this address, so it must not be one of ours.
	if (!hostAllowed(url.hostname, allowedHosts)) return { field: 'endpoint', code: 'not_allowed' };
	return null;
}

function checkKey(name: 'p256dh' | 'auth', value: unknown): FieldError | null {
	const field = `keys.${name}`;
	if (typeof value !== 'string' || value === '') return { field, code: 'required' };
	const bytes = value.length <= 100 ? base64UrlBytes(value) : null;
	const valid = name === 'p256dh' ? bytes?.length === 65 && bytes[0] === 4 : bytes?.length === 16;
	return valid ? null : { field, code: 'invalid_format' };
}

/** The subscription a browser's PushSubscription.toJSON() gives, plus the app's language. */
export function readSubscription(body: unknown, allowedHosts: readonly string[]): SubscriptionInput {
	if (!isObject(body)) throw new TawasulError(400, 'invalid_format');
	const fields = unknownFields(body, ['endpoint', 'keys', 'locale', 'expirationTime']);
	if (body.expirationTime !== undefined && body.expirationTime !== null && typeof body.expirationTime !== 'number') fields.push({ field: 'expirationTime', code: 'invalid_format' });
	const endpointError = checkEndpoint(body.endpoint, allowedHosts);
	if (endpointError) fields.push(endpointError);
	const keys = body.keys;
	if (!isObject(keys)) fields.push({ field: 'keys', code: 'required' });
	else {
		fields.push(...unknownFields(keys, ['p256dh', 'auth'], 'keys.'));
		for (const name of ['p256dh', 'auth'] as const) {
			const error = checkKey(name, keys[name]);
			if (error) fields.push(error);
		}
	}
	const locale = body.locale ?? 'ar';
	if (!(PUSH_LOCALES as readonly unknown[]).includes(locale)) fields.push({ field: 'locale', code: 'invalid_format' });
	if (fields.length) throw new TawasulError(400, fields[0].code, fields);
	const { p256dh, auth } = keys as { p256dh: string; auth: string };
	return { endpoint: body.endpoint as string, keys: { p256dh, auth }, locale: locale as PushLocale };
}

export async function subscriptionsOf(store: Store, userId: string): Promise<SubscriptionDoc[]> {
	await store.ensureDb(DB.PUSH);
	const { rows } = await store.use<SubscriptionDoc>(DB.PUSH).list({ ...userRange(userId), include_docs: true });
	return rows.flatMap((row) => (row.doc && row.doc.user_id === userId ? [row.doc] : []));
}

/** Registers (or refreshes) a device; past `max` devices the person's least recently registered
 * ones are dropped, so a phone reset many times cannot lock its owner out, nor fill the store. */
export async function saveSubscription(store: Store, userId: string, input: SubscriptionInput, now: Date, max: number): Promise<SubscriptionDoc> {
	await store.ensureDb(DB.PUSH);
	const db = store.use<SubscriptionDoc>(DB.PUSH);
	const iso = now.toISOString();
	const id = subscriptionDocId(userId, input.endpoint);
	const saved = await updateDoc(db, id, (current) => {
		const next: SubscriptionDoc = { _id: id, type: DOC_TYPES.PUSH_SUBSCRIPTION, user_id: userId, ...input, created_at: current?.created_at ?? iso, updated_at: iso };
		return { next, result: next };
	});
	const all = await subscriptionsOf(store, userId);
	const surplus = all.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || a._id.localeCompare(b._id)).slice(max);
	await Promise.all(surplus.map((doc) => removeSubscriptionDoc(store, doc._id)));
	return saved;
}

/** Removes a subscription by id; true when it was there (a second remover finds it gone). */
export async function removeSubscriptionDoc(store: Store, id: string): Promise<boolean> {
	await store.ensureDb(DB.PUSH);
	const db = store.use<SubscriptionDoc>(DB.PUSH);
	for (let attempt = 0; attempt < 5; attempt++) {
		const current = await getOrNull(db, id);
		if (!current) return false;
		try {
			await db.destroy(id, current._rev);
			return true;
		} catch (error) {
			if (statusOf(error) === 404) return false;
			if (statusOf(error) !== 409) throw error;
		}
	}
	throw new Error(`removing ${id} kept conflicting`);
}
