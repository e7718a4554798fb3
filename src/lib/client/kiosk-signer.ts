/** The kiosk's device key and its signed requests (issue 12). The key is made by WebCrypto as
 * non-extractable: the page can sign with it, but no script, the app's or an injected one, can
 * read it out. The app keeps the CryptoKey objects themselves (structured clone into IndexedDB),
 * never their bytes; the browser stores those inside its profile, so the device's disk is still
 * to be protected like any kiosk's.
 *
 * Uses only `crypto.subtle`, so the same code runs in the browser and in Node (tests). */
import { canonicalString, KIOSK_HEADERS, type KioskPublicJwk } from '../domain/kiosk-signing.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface KioskKey {
	privateKey: CryptoKey;
	publicKey: CryptoKey;
}

/** A new device key; the private half can sign and never leave. */
export async function generateKioskKey(): Promise<KioskKey> {
	const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
	return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** The public half as the enrolment request sends it. */
export async function publicJwk(key: KioskKey): Promise<KioskPublicJwk> {
	const { x, y } = await crypto.subtle.exportKey('jwk', key.publicKey);
	if (!x || !y) throw new Error('the kiosk key was exported without its x and y coordinates');
	return { kty: 'EC', crv: 'P-256', x, y };
}

function base64url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function hex(bytes: ArrayBuffer): string {
	return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function newNonce(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(18)));
}

export interface SignedRequest {
	headers: Record<string, string>;
	body: string | undefined;
}

/** The four kiosk headers for one request. `now` is the device's clock: the server refuses a
 * time more than a minute from its own. */
export async function signKioskRequest(kioskId: string, key: KioskKey, request: { method: string; path: string; body?: string }, now = Date.now()): Promise<SignedRequest> {
	const bytes = new TextEncoder().encode(request.body ?? '');
	const bodySha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
	const timestamp = String(now);
	const nonce = newNonce();
	const text = canonicalString({ method: request.method, path: request.path, timestamp, nonce, bodySha256 });
	const signature = new Uint8Array(await crypto.subtle.sign(SIGNING, key.privateKey, new TextEncoder().encode(text)));
	return {
		headers: {
			[KIOSK_HEADERS.id]: kioskId,
			[KIOSK_HEADERS.timestamp]: timestamp,
			[KIOSK_HEADERS.nonce]: nonce,
			[KIOSK_HEADERS.signature]: base64url(signature)
		},
		body: request.body
	};
}

/** fetch() for a kiosk: JSON in, signed, no credentials (the kiosk has no cookie), nothing cached. */
export async function kioskFetch(base: string, kioskId: string, key: KioskKey, method: string, path: string, payload?: unknown): Promise<Response> {
	const body = payload === undefined ? undefined : JSON.stringify(payload);
	const signed = await signKioskRequest(kioskId, key, { method, path, body });
	return fetch(`${base}${path}`, {
		method,
		credentials: 'omit',
		cache: 'no-store',
		headers: { ...signed.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body
	});
}
