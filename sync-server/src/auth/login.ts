/**
 * Staff sign-in by username and password, with the lock-out kept on the account. The lock-out
 * counts every failed factor: a wrong password and a wrong authenticator code alike.
 *
 * Every attempt is counted *before* its factor is checked (issue 10, finding 5): the count is
 * raised with the account's revision, so of any number of parallel attempts, on any number of
 * server instances, at most LOCKOUT.maxFailures are ever checked between two lock-outs; the
 * rest are refused unchecked. A right factor then gives its count back (or clears it), a wrong
 * one leaves it, and the attempt that finds the count full locks the account.
 */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { storedAs, updateContended } from '../store-docs.js';
import { findStaff } from './accounts.js';
import { burnVerifyTime, isLocked, LOCKOUT, verifyPassword } from './passwords.js';
import { accountDocId, type AccountDoc } from './types.js';

const accounts = (store: Store) => store.use<AccountDoc>(DB.AUTH);

function locked(account: AccountDoc, now: number): AccountDoc {
	return { ...account, failed_logins: 0, locked_until: new Date(now + LOCKOUT.lockMs).toISOString() };
}

/** Counts one attempt on the account before a factor is checked; 429 'rate_limited' when the
 * account is locked or its allowed attempts are all taken (then it locks now). */
export async function reserveAttempt(store: Store, userId: string, now = Date.now()): Promise<void> {
	const outcome = await updateContended(accounts(store), accountDocId(userId), (current) => {
		if (!storedAs(current, 'account')) return { next: null, result: 'missing' as const };
		if (isLocked(current, now)) return { next: null, result: 'locked' as const };
		// Full: the attempts in flight used the allowance (or one crashed before settling).
		if (current.failed_logins >= LOCKOUT.maxFailures) return { next: locked(current, now), result: 'locked' as const };
		return { next: { ...current, failed_logins: current.failed_logins + 1 }, result: 'reserved' as const };
	});
	if (outcome === 'missing') throw new TawasulError(401, 'bad_credentials');
	if (outcome === 'locked') throw new TawasulError(429, 'rate_limited');
}

/** A reserved attempt failed: it stays counted, and the one that fills the count locks the
 * account. Says whether the account is locked now. */
export async function settleFailure(store: Store, userId: string, now = Date.now()): Promise<boolean> {
	return updateContended(accounts(store), accountDocId(userId), (current) => {
		if (!storedAs(current, 'account')) return { next: null, result: false };
		if (isLocked(current, now)) return { next: null, result: true };
		if (current.failed_logins < LOCKOUT.maxFailures) return { next: null, result: false };
		return { next: locked(current, now), result: true };
	});
}

/**
 * A reserved attempt succeeded. `reset`: every factor passed, the count starts again. Otherwise
 * (a second factor is still to come) only this attempt's count is given back, so the password
 * alone never wipes out the failures of guessed codes.
 */
async function settleSuccess(store: Store, userId: string, reset: boolean): Promise<AccountDoc | null> {
	return updateContended(accounts(store), accountDocId(userId), (current) => {
		if (!storedAs(current, 'account')) return { next: null, result: null };
		if (reset) {
			if (current.failed_logins === 0 && current.locked_until === null) return { next: null, result: current };
			const next = { ...current, failed_logins: 0, locked_until: null };
			return { next, result: next };
		}
		if (current.failed_logins === 0) return { next: null, result: current };
		const next = { ...current, failed_logins: current.failed_logins - 1 };
		return { next, result: next };
	});
}

/**
 * The account when the password is right. Wrong or unknown → 401 'bad_credentials' (the same
 * answer, so usernames can't be discovered); locked → 429 'rate_limited' even with the right
 * password, so guessing on during the lock learns nothing; disabled → 403 'account_disabled', and
 * a password kiosk account → 403 'kiosk_password_retired', said only to someone who knew the
 * password.
 *
 * `resetFailures: false` leaves earlier failures counted on success: a second factor is to come.
 * A function decides it from the account once the password is found right (true: no second
 * factor, the count starts again in the same write). Resetting later, in a second write, would
 * let parallel guesses use the allowance twice: once after this attempt gives its count back,
 * again after the reset.
 */
export async function checkStaffPassword(
	store: Store,
	username: string,
	password: string,
	now = Date.now(),
	options: { resetFailures?: boolean | ((account: AccountDoc) => Promise<boolean>) } = {}
): Promise<AccountDoc> {
	const account = await findStaff(store, username);
	if (!account || !account.password_hash) {
		await burnVerifyTime(password);
		throw new TawasulError(401, 'bad_credentials');
	}
	await reserveAttempt(store, account.user_id, now);
	if (!(await verifyPassword(account.password_hash, password))) {
		await settleFailure(store, account.user_id, now);
		throw new TawasulError(401, 'bad_credentials');
	}
	const reset = typeof options.resetFailures === 'function' ? await options.resetFailures(account) : (options.resetFailures ?? true);
	const settled = (await settleSuccess(store, account.user_id, reset)) ?? account;
	if (settled.disabled) throw new TawasulError(403, 'account_disabled');
	// Kiosks are devices enrolled by a one-time code (kiosk/devices.ts, issue 12); a password
	// kiosk account left from before signs in no more.
	if (settled.role === 'kiosk') throw new TawasulError(403, 'kiosk_password_retired');
	return settled;
}

/** Password-only sign-in (staff without a second factor). */
export function staffLogin(store: Store, username: string, password: string, now = Date.now()): Promise<AccountDoc> {
	return checkStaffPassword(store, username, password, now);
}

/** Every factor passed: the failure count starts again. */
export async function recordSignInSuccess(store: Store, userId: string): Promise<void> {
	await settleSuccess(store, userId, true);
}
