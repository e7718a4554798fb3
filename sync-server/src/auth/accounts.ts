/**
 * Accounts in the `auth` database. Uniqueness of a phone number or a username is a document
 * with that fixed _id (`phone:<e164>`, `username:<lowercased>`) naming the account: CouchDB lets
 * only one writer create an _id, so two concurrent sign-ups for one phone make one account.
 * The claim is written before the account, so a crash in between leaves a claim that the next
 * attempt completes rather than an account nobody can reach.
 */
import { createHash } from 'node:crypto';
import { DB, type Role } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { getOrNull, insertOnce, storedAs, updateDoc } from '../store-docs.js';
import { hashPassword } from './passwords.js';
import { accountDocId, newUserId, type AccountDoc } from './types.js';

interface ClaimDoc {
	_id: string;
	user_id: string;
}

export const phoneDocId = (e164: string) => `phone:${e164}`;
/** An eKey identity (issuer + subject), hashed: the subject is a national identifier at some providers. */
const ekeyDocId = (issuer: string, subject: string) => 'ekey:' + createHash('sha256').update(`${issuer}\u0000${subject}`).digest('hex');
const usernameDocId = (username: string) => `username:${username.toLowerCase()}`;

export type StaffRole = Exclude<Role, 'citizen'>;

export interface NewStaff {
	username: string;
	password: string;
	role: StaffRole;
	name: string;
	entity_id?: string;
	phone?: string;
	/** Kiosk devices: where it stands. */
	location?: string;
	/** A one-time password someone else will hand over: replaced at first sign-in. */
	mustChangePassword?: boolean;
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** Typed views of the one `auth` database: accounts and the claim documents that point at them. */
async function accountsDb(store: Store) {
	await store.ensureDb(DB.AUTH);
	return store.use<AccountDoc>(DB.AUTH);
}

async function claimsDb(store: Store) {
	await store.ensureDb(DB.AUTH);
	return store.use<ClaimDoc>(DB.AUTH);
}

export async function getAccount(store: Store, userId: string): Promise<AccountDoc | null> {
	const doc = await getOrNull(await accountsDb(store), accountDocId(userId));
	return doc?.type === 'account' ? doc : null;
}

/** Writes the account unless it is already there; either way returns the stored one. */
async function ensureAccount(store: Store, account: AccountDoc): Promise<AccountDoc> {
	if (await insertOnce(await accountsDb(store), account)) return (await getAccount(store, account.user_id)) ?? account;
	const existing = await getAccount(store, account.user_id);
	if (!existing) throw new Error(`account ${account.user_id} vanished while being created`);
	return existing;
}

/** Follows a claim to its user_id, claiming it for `candidate` when nobody has. */
async function claim(store: Store, id: string, candidate: string): Promise<{ user_id: string; won: boolean }> {
	const db = await claimsDb(store);
	if (await insertOnce(db, { _id: id, user_id: candidate })) return { user_id: candidate, won: true };
	const existing = await getOrNull(db, id);
	if (!existing) throw new Error(`claim ${id} vanished after a conflict`);
	return { user_id: existing.user_id, won: false };
}

/**
 * The citizen account for a normalised phone number, created on first sign-in. Only citizens are
 * indexed by phone: a staff member's phone must never open a staff session by SMS code alone.
 */
export async function findOrCreateCitizen(store: Store, e164: string, options: { name?: string; now?: number } = {}): Promise<AccountDoc> {
	const { user_id } = await claim(store, phoneDocId(e164), newUserId('citizen'));
	return ensureCitizen(store, user_id, { name: options.name ?? '', phone: e164 }, options.now ?? Date.now(), 'phone');
}

/** The citizen account a claim points at, created when missing; a claim pointing at staff is a fault. */
async function ensureCitizen(store: Store, user_id: string, fields: { name: string; phone?: string }, now: number, claimKind: string): Promise<AccountDoc> {
	const account = await ensureAccount(store, {
		_id: accountDocId(user_id),
		type: 'account',
		user_id,
		role: 'citizen',
		...fields,
		failed_logins: 0,
		locked_until: null,
		created_at: new Date(now).toISOString()
	});
	if (account.role !== 'citizen') throw new Error(`${claimKind} claim ${user_id} points at a ${account.role}`);
	return account;
}

/**
 * The citizen an eKey sign-in names. A verified phone number decides, so the same person signing
 * in by SMS code and by eKey is one account; the eKey subject is linked to that account for the
 * times the provider sends no verified phone. Without either link, a new citizen without a phone.
 */
export async function findOrCreateEkeyCitizen(store: Store, identity: { issuer: string; subject: string; phone: string | null; name?: string }, now = Date.now()): Promise<AccountDoc> {
	const subjectId = ekeyDocId(identity.issuer, identity.subject);
	if (identity.phone) {
		const account = await findOrCreateCitizen(store, identity.phone, { name: identity.name, now });
		// First link wins: a provider re-assigning a subject must not move an existing link.
		await claim(store, subjectId, account.user_id);
		return account;
	}
	const { user_id } = await claim(store, subjectId, newUserId('citizen'));
	return ensureCitizen(store, user_id, { name: identity.name ?? '' }, now, 'eKey');
}

export async function findStaff(store: Store, username: string): Promise<AccountDoc | null> {
	const claimed = await getOrNull(await claimsDb(store), usernameDocId(username));
	if (!claimed) return null;
	const account = await getAccount(store, claimed.user_id);
	return account && account.role !== 'citizen' ? account : null;
}

/** Creates a staff account; 409 when the username belongs to someone already. */
export async function createStaff(store: Store, input: NewStaff, now = Date.now()): Promise<AccountDoc> {
	const username = input.username.toLowerCase();
	if (!USERNAME_PATTERN.test(username)) throw new TawasulError(400, 'invalid_format', [{ field: 'username', code: 'invalid_format' }]);
	if ((input.role === 'agent' || input.role === 'manager') && !input.entity_id) {
		throw new TawasulError(400, 'required', [{ field: 'entity_id', code: 'required' }]);
	}
	const candidate = newUserId('staff');
	const { user_id, won } = await claim(store, usernameDocId(username), candidate);
	// Lost the claim: taken, unless an earlier attempt crashed before writing the account.
	if (!won && (await getAccount(store, user_id))) {
		throw new TawasulError(409, 'not_allowed', [{ field: 'username', code: 'not_allowed' }]);
	}
	const account: AccountDoc = {
		_id: accountDocId(user_id),
		type: 'account',
		user_id,
		role: input.role,
		name: input.name,
		username,
		password_hash: await hashPassword(input.password),
		failed_logins: 0,
		locked_until: null,
		created_at: new Date(now).toISOString()
	};
	if (input.entity_id) account.entity_id = input.entity_id;
	if (input.phone) account.phone = input.phone;
	if (input.location) account.location = input.location;
	if (input.mustChangePassword) account.must_change_password = true;
	return ensureAccount(store, account);
}

/** Every staff account (kiosks included), in id order. Staff user ids start with 's' (newUserId),
 * so one `_all_docs` range lists them without a view, on CouchDB and the embedded store alike. */
export async function listStaff(store: Store): Promise<AccountDoc[]> {
	const result = await (await accountsDb(store)).list({ startkey: accountDocId('s'), endkey: accountDocId('s\ufff0'), include_docs: true });
	return result.rows.flatMap((row) => (storedAs(row.doc, 'account') && row.doc.role !== 'citizen' ? [row.doc] : []));
}

/** Changes an account with the read revision (retrying on a conflict); `change` returns the next
 * version, or null to leave it. Null when there is no such account. */
export async function updateAccount(store: Store, userId: string, change: (current: AccountDoc) => AccountDoc | null): Promise<AccountDoc | null> {
	return updateDoc(await accountsDb(store), accountDocId(userId), (current) => {
		if (!storedAs(current, 'account')) return { next: null, result: null };
		const next = change(current);
		return { next, result: next ?? current };
	});
}

const PASSWORD_MIN_LENGTH = 12;

/** A new password (and the lock lifted): a reset by a coordinator or a change by the person.
 * A password the person chose ends any demand to change it. */
export async function setPassword(store: Store, userId: string, password: string): Promise<AccountDoc | null> {
	if (password.length < PASSWORD_MIN_LENGTH) {
		throw new TawasulError(400, 'weak_password', [{ field: 'password', code: 'weak_password', params: { min: PASSWORD_MIN_LENGTH } }]);
	}
	const hash = await hashPassword(password);
	return updateAccount(store, userId, (current) => {
		const { must_change_password: _done, ...rest } = current;
		return { ...rest, password_hash: hash, failed_logins: 0, locked_until: null };
	});
}
