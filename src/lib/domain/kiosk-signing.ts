/** How a kiosk signs its requests (issue 12). The device holds an ECDSA P-256 key it cannot
 * export; every request after enrolment carries the kiosk's id, the time, a fresh nonce and a
 * signature over one canonical string naming the method, the path, the time, the nonce and the
 * SHA-256 of the body. The server accepts a time within SKEW_MS of its own and a nonce once, so a
 * copied request cannot be sent again and a copied header set cannot sign another body.
 *
 * Pure: the browser (WebCrypto) and the server (node:crypto) hash and sign; this module only
 * says what is signed and what a well-formed header looks like. */

export const KIOSK_HEADERS = {
	id: 'x-kiosk-id',
	timestamp: 'x-kiosk-timestamp',
	nonce: 'x-kiosk-nonce',
	signature: 'x-kiosk-signature'
} as const;

/** How far the device's clock may be from the server's, either way. */
export const KIOSK_SKEW_MS = 60_000;

const SCHEME = 'TAWASUL-KIOSK-V1';
/** `kiosk-` and 64 random bits: apart from the `k<key_id>` accounts of Open311 keys. */
export const KIOSK_ID = /^kiosk-[0-9a-f]{16}$/;
/** 128 random bits or more, base64url. */
const KIOSK_NONCE = /^[A-Za-z0-9_-]{22,64}$/;
/** An ECDSA P-256 signature as WebCrypto makes it (r || s, 64 bytes), base64url. */
const KIOSK_SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{13}$/;
/** Enrolment codes: 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L), in three
 * groups of four for reading aloud; about 58 bits. */
export const ENROLMENT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const ENROLMENT_CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

export interface SignedParts {
	method: string;
	/** Path and query as sent, e.g. `/api/kiosk/cases`. */
	path: string;
	timestamp: string;
	nonce: string;
	/** Lowercase hex SHA-256 of the body bytes (of nothing for a request without a body). */
	bodySha256: string;
}

/** The one string both sides sign and verify. Each part is checked so no part can smuggle a
 * line break and shift the others. */
export function canonicalString(parts: SignedParts): string {
	const method = parts.method.toUpperCase();
	if (!/^[A-Z]{3,7}$/.test(method)) throw new Error('bad method');
	if (!/^\/[\x21-\x7e]*$/.test(parts.path)) throw new Error('bad path');
	if (!TIMESTAMP.test(parts.timestamp)) throw new Error('bad timestamp');
	if (!KIOSK_NONCE.test(parts.nonce)) throw new Error('bad nonce');
	if (!HEX_SHA256.test(parts.bodySha256)) throw new Error('bad body hash');
	return [SCHEME, method, parts.path, parts.timestamp, parts.nonce, parts.bodySha256].join('\n');
}

export type HeaderProblem = 'kiosk_unknown' | 'kiosk_signature_invalid' | 'kiosk_clock_skew';

export interface KioskHeaders {
	kioskId: string;
	timestamp: string;
	nonce: string;
	signature: string;
}

/** Reads the four headers; a problem names the error code the server answers with. */
export function readKioskHeaders(get: (name: string) => string | undefined, now: number): { ok: true; headers: KioskHeaders } | { ok: false; problem: HeaderProblem } {
	const kioskId = get(KIOSK_HEADERS.id);
	const timestamp = get(KIOSK_HEADERS.timestamp);
	const nonce = get(KIOSK_HEADERS.nonce);
	const signature = get(KIOSK_HEADERS.signature);
	if (!kioskId || !KIOSK_ID.test(kioskId)) return { ok: false, problem: 'kiosk_unknown' };
	if (!timestamp || !TIMESTAMP.test(timestamp) || !nonce || !KIOSK_NONCE.test(nonce) || !signature || !KIOSK_SIGNATURE.test(signature)) {
		return { ok: false, problem: 'kiosk_signature_invalid' };
	}
	if (!withinSkew(Number(timestamp), now)) return { ok: false, problem: 'kiosk_clock_skew' };
	return { ok: true, headers: { kioskId, timestamp, nonce, signature } };
}

function withinSkew(timestamp: number, now: number): boolean {
	return Number.isFinite(timestamp) && Math.abs(timestamp - now) <= KIOSK_SKEW_MS;
}

/** Upper case, spaces and dashes ignored, so a code read aloud or typed in lower case works. */
export function normalizeEnrolmentCode(input: string): string | null {
	const bare = input.toUpperCase().replace(/[\s-]/g, '');
	if (bare.length !== 12) return null;
	const code = `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}`;
	return ENROLMENT_CODE.test(code) ? code : null;
}

/** A device's public key as WebCrypto exports it: an EC P-256 JWK with only the public parts. */
export interface KioskPublicJwk {
	kty: 'EC';
	crv: 'P-256';
	x: string;
	y: string;
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/** Only the four public members are kept: a JWK carrying `d` (the private part) is refused, as
 * a device that could export its key is not the device the issue asks for. */
export function readPublicJwk(value: unknown): KioskPublicJwk | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const jwk = value as Record<string, unknown>;
	if ('d' in jwk) return null;
	if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return null;
	if (!COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y)) return null;
	return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** The address that enrols a kiosk with `code` when opened on it (the fleet screen shows it as a
 * QR code); the kiosk takes the code from it and removes it from the address bar at once. */
export const ENROLMENT_PARAM = 'code';
export function enrolmentLink(origin: string, code: string): string {
	const url = new URL('/kiosk', origin);
	url.searchParams.set(ENROLMENT_PARAM, code);
	return url.href;
}
