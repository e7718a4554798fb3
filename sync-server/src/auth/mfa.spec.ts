import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import { createStaff } from './accounts.js';
import { createMfaService, MFA, pendingTokenFrom, totpDocId, type MfaService, type TotpDoc } from './mfa.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import { base32Decode, hotp, stepAt } from './totp.js';

let store: Store;
let close: () => Promise<void>;
const clock = manualClock();
const KEY = randomBytes(32);
let mfa: MfaService;

beforeAll(async () => {
	({ store, close } = await openTestStore());
	mfa = createMfaService({ store, env: { cookieSecure: true, secretsKey: KEY }, now: clock.now });
});
afterAll(() => close());

const tokenOf = (cookie: string) => pendingTokenFrom(cookie.split(';')[0]);

describe('pending sign-ins', () => {
	it('live five minutes in a Secure, Strict cookie scoped to /api/auth', async () => {
		const account = await createStaff(store, { username: 'coord.a', password: 'x'.repeat(12), role: 'coordinator', name: 'C' });
		expect(await mfa.stageFor(account)).toBe('enrol');
		const { cookie } = await mfa.startPending(account, 'enrol');
		expect(cookie).toMatch(/^tw_mfa=[\w-]{43}; Path=\/api\/auth; HttpOnly; SameSite=Strict; Max-Age=300; Secure$/);
		const token = tokenOf(cookie);
		expect(await mfa.pending(token)).toMatchObject({ user_id: account.user_id, stage: 'enrol' });
		clock.advance(MFA.pendingMs);
		expect(await mfa.pending(token)).toBeNull();
	});

	it('are void after the allowed number of wrong codes', async () => {
		const account = await createStaff(store, { username: 'coord.b', password: 'x'.repeat(12), role: 'coordinator', name: 'C' });
		const token = tokenOf((await mfa.startPending(account, 'verify')).cookie)!;
		for (let i = 0; i < MFA.maxAttempts; i++) expect(await mfa.takeAttempt(token)).toBe('taken');
		expect(await mfa.takeAttempt(token)).toBe('used_up');
		expect(await mfa.pending(token)).toBeNull();
		expect(await mfa.takeAttempt(token)).toBe('gone');
	});

	it('let no more parallel tries through than allowed', async () => {
		const account = await createStaff(store, { username: 'coord.race', password: 'x'.repeat(12), role: 'coordinator', name: 'C' });
		const token = tokenOf((await mfa.startPending(account, 'verify')).cookie)!;
		const outcomes = await Promise.all(Array.from({ length: 30 }, () => mfa.takeAttempt(token)));
		expect(outcomes.filter((o) => o === 'taken')).toHaveLength(MFA.maxAttempts);
		expect(outcomes.filter((o) => o === 'used_up')).toHaveLength(30 - MFA.maxAttempts);
	});

	it('are not needed by staff without TOTP, nor possible for kiosks', async () => {
		const agent = await createStaff(store, { username: 'agent.c', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const kiosk = await createStaff(store, { username: 'kiosk.c', password: 'x'.repeat(12), role: 'kiosk', name: 'K' });
		expect(await mfa.stageFor(agent)).toBeNull();
		expect(await mfa.stageFor(kiosk)).toBeNull();
		await expect(mfa.beginEnrolment(kiosk)).rejects.toMatchObject({ status: 403 });
	});
});

describe('enrolment and codes', () => {
	it('enables TOTP on a matching code, then accepts each step once', async () => {
		const account = await createStaff(store, { username: 'agent.d', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const { secret } = await mfa.beginEnrolment(account);
		const key = base32Decode(secret)!;
		const step = stepAt(clock.now());
		expect(await mfa.verifyCode(account.user_id, hotp(key, step))).toBe('not_enrolled');
		expect(await mfa.confirmEnrolment(account.user_id, hotp(key, step + 5))).toBe('invalid');
		expect(await mfa.confirmEnrolment(account.user_id, hotp(key, step))).toBe('ok');
		expect(await mfa.stageFor(account)).toBe('verify');
		expect(await mfa.verifyCode(account.user_id, hotp(key, step))).toBe('invalid');
		expect(await mfa.verifyCode(account.user_id, hotp(key, step + 1))).toBe('ok');
		await expect(mfa.beginEnrolment(account)).rejects.toMatchObject({ status: 409, code: 'totp_already_enabled' });
		// Of two requests racing with the same fresh code, one wins.
		clock.advance(60_000);
		const code = hotp(key, stepAt(clock.now()));
		const results = await Promise.all([mfa.verifyCode(account.user_id, code), mfa.verifyCode(account.user_id, code)]);
		expect(results.sort()).toEqual(['invalid', 'ok']);
	});

	it('drops an enrolment secret that was not confirmed in time', async () => {
		const account = await createStaff(store, { username: 'agent.e', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const { secret } = await mfa.beginEnrolment(account);
		clock.advance(MFA.enrolMs);
		expect(await mfa.confirmEnrolment(account.user_id, hotp(base32Decode(secret)!, stepAt(clock.now())))).toBe('not_enrolled');
	});

	it('forgets the secret when disabled, and a new enrolment starts from scratch', async () => {
		const account = await createStaff(store, { username: 'agent.f', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const first = await mfa.beginEnrolment(account);
		await mfa.confirmEnrolment(account.user_id, hotp(base32Decode(first.secret)!, stepAt(clock.now())));
		await mfa.disable(account.user_id);
		expect(await mfa.status(account.user_id)).toEqual({ enabled: false });
		const second = await mfa.beginEnrolment(account);
		expect(second.secret).not.toBe(first.secret);
	});
});

describe('secrets at rest', () => {
	const stored = (userId: string) => store.use<TotpDoc>(DB.AUTH).get(totpDocId(userId));

	it('keeps the secret sealed in the database, readable only with the key', async () => {
		const account = await createStaff(store, { username: 'agent.sealed', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const { secret } = await mfa.beginEnrolment(account);
		expect(JSON.stringify(await stored(account.user_id))).not.toContain(secret);
		const key = base32Decode(secret)!;
		expect(await mfa.confirmEnrolment(account.user_id, hotp(key, stepAt(clock.now())))).toBe('ok');
		const doc = await stored(account.user_id);
		expect(doc.secret).toMatch(/^v1\./);
		expect(JSON.stringify(doc)).not.toContain(secret);
		// Another server with another key cannot check codes (and does not offer a new enrolment).
		const other = createMfaService({ store, env: { cookieSecure: true, secretsKey: randomBytes(32) }, now: clock.now });
		clock.advance(30_000);
		await expect(other.verifyCode(account.user_id, hotp(key, stepAt(clock.now())))).rejects.toThrow(/SECRETS_KEY/);
		expect(await mfa.verifyCode(account.user_id, hotp(key, stepAt(clock.now())))).toBe('ok');
	});

	it('reads a secret stored before sealing, and seals it at the next good code', async () => {
		const account = await createStaff(store, { username: 'agent.legacy', password: 'x'.repeat(12), role: 'agent', name: 'A', entity_id: 'works' });
		const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
		await store.use<TotpDoc>(DB.AUTH).insert({
			_id: totpDocId(account.user_id),
			type: 'totp',
			user_id: account.user_id,
			enabled: true,
			secret,
			last_step: 0,
			pending_secret: null,
			pending_expires_at: null,
			enabled_at: new Date(clock.now()).toISOString()
		});
		clock.advance(30_000);
		expect(await mfa.verifyCode(account.user_id, hotp(base32Decode(secret)!, stepAt(clock.now())))).toBe('ok');
		expect((await stored(account.user_id)).secret).toMatch(/^v1\./);
	});

	it('refuses to start without a key', () => {
		expect(() => createMfaService({ store, env: { cookieSecure: true, secretsKey: null } })).toThrow(/key/);
	});
});
