/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) for the staff second factor:
 * HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either way. The profile every
 * authenticator app understands; node:crypto is all it takes, so no dependency.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOTP = { digits: 6, periodSeconds: 30, window: 1, secretBytes: 20, issuer: 'Tawasul' } as const;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: the form otpauth:// URIs and authenticator apps use. */
export function base32Encode(bytes: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
	return out;
}

/** Accepts lower case, spaces and padding as people type them; null for anything else. */
export function base32Decode(text: string): Buffer | null {
	const clean = text.toUpperCase().replace(/[\s=]/g, '');
	let bits = 0;
	let value = 0;
	const out: number[] = [];
	for (const char of clean) {
		const index = BASE32.indexOf(char);
		if (index < 0) return null;
		value = ((value << 5) | index) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

/** RFC 4226 HOTP with dynamic truncation; `digits` up to 8 for the RFC's own test vectors. */
export function hotp(key: Buffer, counter: number, digits: number = TOTP.digits): string {
	const message = Buffer.alloc(8);
	message.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', key).update(message).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const binary = mac.readUInt32BE(offset) & 0x7fffffff;
	return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in. */
export function stepAt(nowMs: number): number {
	return Math.floor(nowMs / 1000 / TOTP.periodSeconds);
}

export function totpAt(key: Buffer, nowMs: number, digits: number = TOTP.digits): string {
	return hotp(key, stepAt(nowMs), digits);
}

/**
 * The step a code matches within ±window of now, but only a step later than `lastStep`: a code
 * seen once (by this server, or replayed by someone who watched it typed) is never good again.
 * Null when no step matches.
 */
export function matchStep(key: Buffer, code: string, nowMs: number, lastStep: number): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const given = Buffer.from(code);
	const now = stepAt(nowMs);
	let matched: number | null = null;
	// Every candidate is compared, matching or not, so timing tells nothing about which step hit.
	for (let step = now - TOTP.window; step <= now + TOTP.window; step++) {
		const expected = Buffer.from(hotp(key, step));
		if (timingSafeEqual(expected, given) && step > lastStep && matched === null) matched = step;
	}
	return matched;
}

export function newSecret(): string {
	return base32Encode(randomBytes(TOTP.secretBytes));
}

/** The URI an authenticator app reads from a QR code (Google's Key URI format). */
export function otpauthUri(secret: string, accountName: string): string {
	const label = encodeURIComponent(`${TOTP.issuer}:${accountName}`);
	const query = new URLSearchParams({
		secret,
		issuer: TOTP.issuer,
		algorithm: 'SHA1',
		digits: String(TOTP.digits),
		period: String(TOTP.periodSeconds)
	});
	return `otpauth://totp/${label}?${query}`;
}
