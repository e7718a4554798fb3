/** Rating-link tokens: 32 random bytes (256 bits) in base64url, 43 characters. Only their
 * SHA-256 is stored; the token itself exists in the SMS and the citizen's hands. */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** A uuid-shaped action id derived from a seed, so the server's own actions (a rating, a
 * reopening through the link) are written once however often a request is repeated. */
export function derivedActionId(seed: string): string {
	const h = createHash('sha256').update(seed).digest('hex');
	return `act:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
