import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { createStaff, findOrCreateCitizen, findStaff, getAccount, phoneDocId } from './accounts.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import { databasesFor, newUserId, toSessionUser, type AccountDoc } from './types.js';

let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
	({ store, close } = await openTestStore());
});
afterAll(() => close());

describe('citizen accounts', () => {
	it('makes one account when several sign-ups for one phone race', async () => {
		const accounts = await Promise.all(Array.from({ length: 6 }, () => findOrCreateCitizen(store, '+97336111111')));
		expect(new Set(accounts.map((a) => a.user_id)).size).toBe(1);
		const rows = await store.use('auth').list({ startkey: 'account:', endkey: 'account:\uffff', include_docs: true });
		const forPhone = rows.rows.filter((r) => (r.doc as unknown as AccountDoc).phone === '+97336111111');
		expect(forPhone).toHaveLength(1);
	});

	it('returns the same account on later sign-ins', async () => {
		const first = await findOrCreateCitizen(store, '+97336111112', { name: 'سارة' });
		const again = await findOrCreateCitizen(store, '+97336111112');
		expect(again.user_id).toBe(first.user_id);
		expect(again.name).toBe('سارة');
		expect(first).toMatchObject({ role: 'citizen', phone: '+97336111112', failed_logins: 0, locked_until: null });
		expect(first.user_id).toMatch(/^c[0-9a-f]{16}$/);
	});

	it('completes an account whose phone claim was written before a crash', async () => {
		const orphan = newUserId('citizen');
		await store.use('auth').insert({ _id: phoneDocId('+97336111113'), user_id: orphan } as never);
		const account = await findOrCreateCitizen(store, '+97336111113');
		expect(account.user_id).toBe(orphan);
		expect(await getAccount(store, orphan)).toMatchObject({ role: 'citizen' });
	});
});

describe('staff accounts', () => {
	it('creates a staff account with a hashed password, found by username in any case', async () => {
		const created = await createStaff(store, { username: 'Agent.EWA', password: 'long enough secret', role: 'agent', name: 'Ali', entity_id: 'ewa' });
		expect(created.user_id).toMatch(/^s[0-9a-f]{16}$/);
		expect(created.username).toBe('agent.ewa');
		expect(created.password_hash).toMatch(/^\$argon2id\$/);
		expect((await findStaff(store, 'AGENT.ewa'))?.user_id).toBe(created.user_id);
		expect(await findStaff(store, 'agent.nobody')).toBeNull();
	});

	it('refuses a username that is taken, whatever its case', async () => {
		await createStaff(store, { username: 'coord.a', password: 'x', role: 'coordinator', name: 'A' });
		const error = await createStaff(store, { username: 'COORD.A', password: 'y', role: 'coordinator', name: 'B' }).catch((e) => e);
		expect(error).toBeInstanceOf(TawasulError);
		expect(error).toMatchObject({ status: 409 });
	});

	it('requires an entity for agents and managers', async () => {
		const error = await createStaff(store, { username: 'manager.none', password: 'x', role: 'manager', name: 'M' }).catch((e) => e);
		expect(error).toMatchObject({ status: 400, code: 'required' });
	});

	it("never lets a staff member's phone open a citizen sign-in to the staff account", async () => {
		const staff = await createStaff(store, { username: 'agent.phone', password: 'x', role: 'agent', name: 'P', entity_id: 'works', phone: '+97336111114' });
		const citizen = await findOrCreateCitizen(store, '+97336111114');
		expect(citizen.user_id).not.toBe(staff.user_id);
		expect(citizen.role).toBe('citizen');
	});
});

describe('databasesFor', () => {
	it.each([
		['citizen', undefined, ['config', 'u_x1']],
		['agent', 'works', ['config', 'u_x1', 'e_works']],
		['manager', 'health', ['config', 'u_x1', 'e_health']],
		['coordinator', undefined, ['config', 'u_x1', 'stats']],
		['minister', undefined, ['config', 'u_x1', 'stats']],
		['kiosk', undefined, ['config']]
	] as const)('%s (entity %s) pulls %j and pushes only intake', (role, entity_id, pull) => {
		expect(databasesFor({ user_id: 'x1', role, entity_id })).toEqual({ pull, push: 'intake' });
	});

	it('refuses an agent without an entity rather than granting nothing silently', () => {
		expect(() => databasesFor({ user_id: 'x1', role: 'agent' })).toThrow();
	});

	it('session users carry no password hash or lock-out state', () => {
		const user = toSessionUser({
			_id: 'account:s1',
			type: 'account',
			user_id: 's1',
			role: 'agent',
			name: 'N',
			entity_id: 'works',
			username: 'n',
			password_hash: '$argon2id$…',
			failed_logins: 2,
			locked_until: null,
			created_at: ''
		});
		expect(Object.keys(user).sort()).toEqual(['databases', 'entity_id', 'name', 'role', 'user_id']);
	});
});
