/** Staff sign-in by username and password, with the lock-out kept on the account. The lock-out
 * counts every failed factor: a wrong password and a wrong authenticator code alike. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { statusOf, updateDoc } from './couch.js';
import { findStaff, getAccount, saveAccount } from './accounts.js';
import { afterFailedLogin, afterSuccessfulLogin, burnVerifyTime, isLocked, verifyPassword } from './passwords.js';
import { accountDocId, type AccountDoc } from './types.js';

const MAX_TRIES = 5;

/**
 * The account when the password is right. Wrong or unknown → 401 'bad_credentials' (the same
 * answer, so usernames can't be discovered); locked → 429 'rate_limited' even with the right
 * password, so guessing on during the lock learns nothing; disabled → 403 'account_disabled',
 * said only to someone who knew the password.
 *
 * `resetFailures: false` leaves the failure count as it is on success: when a second factor is
 * still to come, the password alone must not wipe out the failures of guessed codes.
 */
export async function checkStaffPassword(
	store: Store,
	username: string,
	password: string,
	now = Date.now(),
	options: { resetFailures?: boolean } = {}
): Promise<AccountDoc> {
	const resetFailures = options.resetFailures ?? true;
	let account = await findStaff(store, username);
	if (!account || !account.password_hash) {
		await burnVerifyTime(password);
		throw new TawasulError(401, 'bad_credentials');
	}
	if (isLocked(account, now)) throw new TawasulError(429, 'rate_limited');
	const ok = await verifyPassword(account.password_hash, password);
	for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
		const next = ok ? (resetFailures ? afterSuccessfulLogin(account) : account) : afterFailedLogin(account, now);
		const unchanged = next.failed_logins === account.failed_logins && next.locked_until === account.locked_until;
		try {
			if (!unchanged) await saveAccount(store, next);
			break;
		} catch (error) {
			// Another attempt saved first: count this one on top of what it wrote.
			if (statusOf(error) !== 409) throw error;
			const fresh = await getAccount(store, account.user_id);
			if (!fresh) throw new TawasulError(401, 'bad_credentials');
			account = fresh;
			if (isLocked(account, now)) throw new TawasulError(429, 'rate_limited');
		}
	}
	if (!ok) throw new TawasulError(401, 'bad_credentials');
	if (account.disabled) throw new TawasulError(403, 'account_disabled');
	return resetFailures ? afterSuccessfulLogin(account) : account;
}

/** Password-only sign-in (staff without a second factor). */
export function staffLogin(store: Store, username: string, password: string, now = Date.now()): Promise<AccountDoc> {
	return checkStaffPassword(store, username, password, now);
}

/** One more failed factor on the account (a wrong TOTP code); says whether it is now locked. */
export async function recordFailedFactor(store: Store, userId: string, now = Date.now()): Promise<boolean> {
	return updateDoc(store.use<AccountDoc>(DB.AUTH), accountDocId(userId), (current) => {
		if (!current || current.type !== 'account') return { next: null, result: false };
		const next = afterFailedLogin(current, now);
		return { next, result: isLocked(next, now) };
	});
}

/** Every factor passed: the failure count starts again. */
export async function recordSignInSuccess(store: Store, userId: string): Promise<void> {
	await updateDoc(store.use<AccountDoc>(DB.AUTH), accountDocId(userId), (current) => {
		if (!current || current.type !== 'account' || (current.failed_logins === 0 && current.locked_until === null)) {
			return { next: null, result: undefined };
		}
		return { next: afterSuccessfulLogin(current), result: undefined };
	});
}
