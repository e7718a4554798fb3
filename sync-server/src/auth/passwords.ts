/** Staff passwords: argon2id with OWASP's minimum parameters, and a lock-out stored on the
 * account so it holds across server instances and restarts. */
import argon2 from 'argon2';
import type { AccountDoc } from './types.js';

const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 } as const;

export function hashPassword(password: string): Promise<string> {
	return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	try {
		return await argon2.verify(hash, password);
	} catch {
		// A malformed stored hash is a failed sign-in, not a server error that tells the caller more.
		return false;
	}
}

let dummyHash: Promise<string> | null = null;

/** Spends the same time as a real check, so an unknown username can't be told from a wrong
 * password by how long the answer takes. */
export async function burnVerifyTime(password: string): Promise<void> {
	dummyHash ??= hashPassword('tawasul-timing-equaliser');
	await verifyPassword(await dummyHash, password);
}

export function isLocked(account: Pick<AccountDoc, 'locked_until'>, now: number): boolean {
	return account.locked_until !== null && Date.parse(account.locked_until) > now;
}
