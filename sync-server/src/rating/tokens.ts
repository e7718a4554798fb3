/** Rating-link tokens: 32 random bytes (256 bits) in base64url, 43 characters. Only their
 * SHA-256 is stored; the token itself exists in the SMS and the citizen's hands. */
import { createHash, randomBytes } from 'node:crypto';
import { serverActionId } from '../gate/action-ids.js';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** The id of an action the server writes for a rating or a reopening through the link: fixed by
 * the reply, so it is written once however often a request is repeated, and in the server's own
 * namespace (gate/action-ids.ts), which no device may write, so nobody can take it first. */
export function derivedActionId(seed: string): string {
	return serverActionId(seed);
}
