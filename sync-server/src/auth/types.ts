/** Who is signed in, and which databases that lets them replicate. The gate trusts only this. */
import { randomBytes } from 'node:crypto';
import { DB, entityDb, userDb, type Role } from '../../../src/lib/domain/doc-types.js';
import type { SessionUser } from '../../../src/lib/domain/session-user.js';
import { STATS_DB } from '../../../src/lib/domain/stats/model.js';

export type { SessionUser };

/** `account:<user_id>` in the `auth` database. */
export interface AccountDoc {
	_id: string;
	_rev?: string;
	type: 'account';
	user_id: string;
	role: Role;
	name: string;
	phone?: string;
	username?: string;
	entity_id?: string;
	password_hash?: string;
	failed_logins: number;
	locked_until: string | null;
	created_at: string;
	/** Set by a coordinator: no sign-in, and every session of the account stops resolving. */
	disabled?: boolean;
	/** Kiosk devices: where the device stands, for the coordinator's list. */
	location?: string;
	/** The password was made by someone else (the admin command): the person must replace it. */
	must_change_password?: boolean;
	/** Managers: the daily digest also by SMS (their own choice), in this language. */
	digest_sms?: boolean;
	digest_locale?: 'ar' | 'en';
}

export const accountDocId = (userId: string) => `account:${userId}`;

/** Citizens get 'c…', staff 's…': the prefix tells an operator reading a log line which it is,
 * and 64 random bits make ids unguessable (they name the person's database). */
export function newUserId(kind: 'citizen' | 'staff'): string {
	return (kind === 'citizen' ? 'c' : 's') + randomBytes(8).toString('hex');
}

export function isStaffRole(role: Role): boolean {
	return role !== 'citizen';
}

/** The databases a person may pull from. Staff with an entity read its `e_` database; the
 * coordinator and the minister's office read aggregates through the API, not through replication. */
export function databasesFor(account: Pick<AccountDoc, 'user_id' | 'role' | 'entity_id'>): SessionUser['databases'] {
	const pull: string[] = [DB.CONFIG];
	switch (account.role) {
		case 'citizen':
			pull.push(userDb(account.user_id));
			break;
		case 'coordinator':
		case 'minister':
			// The national dashboard reads the aggregates (no personal data) offline (issue 5).
			pull.push(userDb(account.user_id), STATS_DB);
			break;
		case 'agent':
		case 'manager':
			if (!account.entity_id) throw new Error(`${account.role} ${account.user_id} has no entity`);
			pull.push(userDb(account.user_id), entityDb(account.entity_id));
			break;
		case 'kiosk':
			// A shared device: nothing personal is ever replicated onto it.
			break;
	}
	return { pull, push: DB.INTAKE };
}

export function toSessionUser(account: AccountDoc): SessionUser {
	const user: SessionUser = {
		user_id: account.user_id,
		role: account.role,
		name: account.name,
		databases: databasesFor(account)
	};
	if (account.phone) user.phone = account.phone;
	if (account.entity_id) user.entity_id = account.entity_id;
	if (account.must_change_password) user.must_change_password = true;
	return user;
}
