import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { createStaff, findStaff } from './accounts.js';
import { checkStaffPassword, staffLogin } from './login.js';
import { hashPassword, LOCKOUT, verifyPassword } from './passwords.js';
import { openTestStore } from '../../../tests/support/test-store.js';

let store: Store;
let close: () => Promise<void>;
const T0 = Date.parse('2026-03-01T08:00:00Z');

beforeAll(async () => {
	({ store, close } = await openTestStore());
});
afterAll(() => close());

async function outcome(promise: Promise<unknown>): Promise<string> {
	return promise.then(
		() => 'ok',
		(e) => `${e.status} ${e.code}`
	);
}

describe('passwords', () => {
	it('hashes with argon2id at the OWASP parameters, salted', async () => {
		const [a, b] = await Promise.all([hashPassword('secret'), hashPassword('secret')]);
		expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
		expect(a).not.toBe(b);
		expect(await verifyPassword(a, 'secret')).toBe(true);
		expect(await verifyPassword(a, 'Secret')).toBe(false);
		expect(await verifyPassword('not a hash', 'secret')).toBe(false);
	});
});

describe('staff sign-in', () => {
	it('accepts the right password, in any username case', async () => {
		await createStaff(store, { username: 'agent.ok', password: 'right-password', role: 'agent', name: 'A', entity_id: 'works' });
		const account = await staffLogin(store, 'Agent.OK', 'right-password', T0);
		expect(account).toMatchObject({ username: 'agent.ok', role: 'agent', entity_id: 'works' });
	});

	it('gives the same 401 for a wrong password and an unknown username', async () => {
		await createStaff(store, { username: 'agent.bad', password: 'right-password', role: 'agent', name: 'B', entity_id: 'works' });
		expect(await outcome(staffLogin(store, 'agent.bad', 'wrong', T0))).toBe('401 bad_credentials');
		expect(await outcome(staffLogin(store, 'agent.nobody', 'wrong', T0))).toBe('401 bad_credentials');
	});

	it('locks the account for 15 minutes after 5 failures, even against the right password', async () => {
		await createStaff(store, { username: 'agent.lock', password: 'right-password', role: 'agent', name: 'C', entity_id: 'works' });
		for (let i = 0; i < LOCKOUT.maxFailures; i++) {
			expect(await outcome(staffLogin(store, 'agent.lock', `wrong-${i}`, T0 + i))).toBe('401 bad_credentials');
		}
		expect(await outcome(staffLogin(store, 'agent.lock', 'right-password', T0 + 10))).toBe('429 rate_limited');
		const stored = await findStaff(store, 'agent.lock');
		expect(Date.parse(stored!.locked_until!)).toBe(T0 + LOCKOUT.maxFailures - 1 + LOCKOUT.lockMs);
		expect(await outcome(staffLogin(store, 'agent.lock', 'right-password', T0 + LOCKOUT.lockMs - 1000))).toBe('429 rate_limited');
		expect(await outcome(staffLogin(store, 'agent.lock', 'right-password', T0 + LOCKOUT.lockMs + 1000))).toBe('ok');
	});

	it('a success resets the failure count', async () => {
		await createStaff(store, { username: 'agent.reset', password: 'right-password', role: 'agent', name: 'D', entity_id: 'works' });
		for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) await outcome(staffLogin(store, 'agent.reset', 'wrong', T0));
		expect(await outcome(staffLogin(store, 'agent.reset', 'right-password', T0))).toBe('ok');
		expect((await findStaff(store, 'agent.reset'))!.failed_logins).toBe(0);
		expect(await outcome(staffLogin(store, 'agent.reset', 'wrong', T0))).toBe('401 bad_credentials');
		expect(await outcome(staffLogin(store, 'agent.reset', 'right-password', T0))).toBe('ok');
	});

	it('counts failures that arrive at the same moment (no lost updates)', async () => {
		await createStaff(store, { username: 'agent.race', password: 'right-password', role: 'agent', name: 'E', entity_id: 'works' });
		await Promise.all(Array.from({ length: LOCKOUT.maxFailures }, () => outcome(staffLogin(store, 'agent.race', 'wrong', T0))));
		expect(await outcome(staffLogin(store, 'agent.race', 'right-password', T0 + 1))).toBe('429 rate_limited');
	});

	it('checks no more than the allowed number of 50 parallel wrong passwords, the rest refused unchecked', async () => {
		await createStaff(store, { username: 'agent.flood', password: 'right-password', role: 'agent', name: 'F', entity_id: 'works' });
		const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(staffLogin(store, 'agent.flood', `wrong-${i}`, T0))));
		expect(outcomes.filter((o) => o === '401 bad_credentials').length).toBeLessThanOrEqual(LOCKOUT.maxFailures);
		expect(outcomes.filter((o) => o !== '401 bad_credentials' && o !== '429 rate_limited')).toEqual([]);
		const stored = await findStaff(store, 'agent.flood');
		expect(Date.parse(stored!.locked_until!)).toBe(T0 + LOCKOUT.lockMs);
		expect(await outcome(staffLogin(store, 'agent.flood', 'right-password', T0 + 1))).toBe('429 rate_limited');
	});

	it('gives the password its count back when a second factor is to come, and keeps the failures before it', async () => {
		await createStaff(store, { username: 'agent.mfa', password: 'right-password', role: 'agent', name: 'G', entity_id: 'works' });
		await outcome(staffLogin(store, 'agent.mfa', 'wrong', T0));
		await checkStaffPassword(store, 'agent.mfa', 'right-password', T0, { resetFailures: false });
		expect((await findStaff(store, 'agent.mfa'))!.failed_logins).toBe(1);
	});

	it('starts the count again in the same write when no second factor follows: guesses around it get 2 × 5 − 1 checks at most', async () => {
		await createStaff(store, { username: 'agent.onewrite', password: 'right-password', role: 'agent', name: 'H', entity_id: 'works' });
		const guess = async () => ((await outcome(staffLogin(store, 'agent.onewrite', 'wrong', T0))) === '401 bad_credentials' ? 1 : 0);
		let checked = 0;
		const account = await checkStaffPassword(store, 'agent.onewrite', 'right-password', T0, {
			resetFailures: async (found) => {
				expect(found.username).toBe('agent.onewrite');
				// Guesses while the right password still holds its count: 4 more fill the allowance.
				for (let i = 0; i < 10; i++) checked += await guess();
				return true;
			}
		});
		expect(account.failed_logins).toBe(0);
		for (let i = 0; i < 10; i++) checked += await guess();
		expect(checked).toBe(2 * LOCKOUT.maxFailures - 1);
	});
});
