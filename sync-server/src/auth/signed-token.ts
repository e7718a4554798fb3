/** Tokens the server signs for itself and reads back later: a short list of fields and the time it
 * was signed, base64url JSON, then `.` and an HMAC-SHA-256 of that text. Nothing of them is stored,
 * so every instance sharing SECRETS_KEY reads every other's.
 *
 * Each purpose has a key of its own, derived from SECRETS_KEY under its name: a token signed for
 * one purpose never reads as one of another (a kiosk session's grant is no grant of the report
 * door, and back), whatever its fields hold. The purposes are a closed list; a name from input
 * never picks a key. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'kiosk-grant' | 'anonymous-grant';

/** How far ahead of this server's clock another instance's may sign. */
const CLOCK_SKEW_MS = 60_000;

export interface ReadLimits {
	now: number;
	/** How long after signing the token is still read. */
	maxAgeMs: number;
	/** Longer text is refused unread. */
	maxLength: number;
}

export interface ReadToken {
	fields: unknown[];
	issuedAt: number;
}

const purposeKey = (secretsKey: Buffer, purpose: TokenPurpose) => createHmac('sha256', secretsKey).update(`tawasul/${purpose}/v1`).digest();
const macOf = (secretsKey: Buffer, purpose: TokenPurpose, payload: string) => createHmac('sha256', purposeKey(secretsKey, purpose)).update(payload).digest();

export function signToken(secretsKey: Buffer, purpose: TokenPurpose, fields: readonly (string | number | null)[], issuedAt: number): string {
	const payload = Buffer.from(JSON.stringify([...fields, issuedAt])).toString('base64url');
	return `${payload}.${macOf(secretsKey, purpose, payload).toString('base64url')}`;
}

/** The fields of a token this server signed for `purpose`, unchanged, within its age; null for
 * anything else. The caller checks what each field holds. */
export function readToken(secretsKey: Buffer, purpose: TokenPurpose, token: unknown, limits: ReadLimits): ReadToken | null {
	if (typeof token !== 'string' || token.length > limits.maxLength) return null;
	const [payload, mac, ...rest] = token.split('.');
	if (!payload || !mac || rest.length) return null;
	const given = Buffer.from(mac, 'base64url');
	const expected = macOf(secretsKey, purpose, payload);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
	} catch {
		return null;
	}
	if (!Array.isArray(parsed) || parsed.length === 0) return null;
	const issuedAt: unknown = parsed.at(-1);
	if (typeof issuedAt !== 'number' || limits.now - issuedAt > limits.maxAgeMs || issuedAt - limits.now > CLOCK_SKEW_MS) return null;
	return { fields: parsed.slice(0, -1) as unknown[], issuedAt };
}
