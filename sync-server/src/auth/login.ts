/** Staff sign-in by username and password, with the lock-out kept on the account. */
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { statusOf } from './couch.js';
import { findStaff, getAccount, saveAccount } from './accounts.js';
import { afterFailedLogin, afterSuccessfulLogin, burnVerifyTime, isLocked, verifyPassword } from './passwords.js';
import type { AccountDoc } from './types.js';

const MAX_TRIES = 5;

/**
 * The account when the password is right. Wrong or unknown → 401 'bad_credentials' (the same
 * answer, so usernames can't be discovered); locked → 429 'rate_limited' even with the right
 * password, so guessing on during the lock learns nothing.
 */
export async function staffLogin(store: Store, username: string, password: string, now = Date.now()): Promise<AccountDoc> {
	let account = await findStaff(store, username);
	if (!account || !account.password_hash) {
		await burnVerifyTime(password);
		throw new TawasulError(401, 'bad_credentials');
	}
	if (isLocked(account, now)) throw new TawasulError(429, 'rate_limited');
	const ok = await verifyPassword(account.password_hash, password);
	for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
		const next = ok ? afterSuccessfulLogin(account) : afterFailedLogin(account, now);
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
	return afterSuccessfulLogin(account);
}
