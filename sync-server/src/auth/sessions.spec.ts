import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { createStaff, findOrCreateCitizen } from './accounts.js';
import { clearedSessionCookie, parseCookies, sessionTokenFrom } from './cookies.js';
import { createSessionService, SESSION_POLICY, sessionDocId } from './sessions.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import type { AccountDoc } from './types.js';

let store: Store;
let close: () => Promise<void>;
let citizen: AccountDoc;
let agent: AccountDoc;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
	({ store, close } = await openTestStore());
	citizen = await findOrCreateCitizen(store, '+97336222221', { name: 'Citizen' });
	agent = await createStaff(store, { username: 'agent.sessions', password: 'pw', role: 'agent', name: 'Agent', entity_id: 'works' });
});
afterAll(() => close());

function setup(cookieSecure = false) {
	const clock = manualClock();
	return { clock, sessions: createSessionService({ store, env: { cookieSecure }, now: clock.now }) };
}

function tokenOf(cookie: string): string {
	return sessionTokenFrom(cookie.split(';')[0])!;
}

describe('session cookie', () => {
	it('is HttpOnly, SameSite=Lax, Path=/, lasts the absolute lifetime, Secure only when configured', async () => {
		const plain = (await setup(false).sessions.createSession(citizen)).cookie;
		expect(plain).toMatch(/^tw_session=[A-Za-z0-9_-]{43};/);
		for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${30 * 24 * 3600}`]) {
			expect(plain.split('; ')).toContain(attribute);
		}
		expect(plain).not.toContain('Secure');
		const secure = (await setup(true).sessions.createSession(agent)).cookie;
		expect(secure.split('; ')).toEqual(expect.arrayContaining(['Secure', `Max-Age=${7 * 24 * 3600}`]));
		expect(clearedSessionCookie(true).split('; ')).toEqual(expect.arrayContaining(['tw_session=', 'Max-Age=0', 'HttpOnly', 'Secure']));
	});

	it.each([
		['', null],
		['tw_session=short', null],
		['tw_session="' + 'a'.repeat(43) + '"', null],
		['tw_session=' + 'a'.repeat(42) + '!', null],
		['tw_session=' + 'a'.repeat(44), null],
		['other=1; tw_session=' + 'a'.repeat(43), 'a'.repeat(43)],
		['tw_session=' + 'b'.repeat(43) + '; tw_session=' + 'c'.repeat(43), 'b'.repeat(43)],
		['tw_sessionx=' + 'a'.repeat(43), null]
	])('reads %j as token %j', (header, expected) => {
		expect(sessionTokenFrom(header)).toBe(expected);
	});

	it('parses cookie headers with spacing and values containing =', () => {
		expect([...parseCookies(' a=1 ;b = x=y;; c')]).toEqual([
			['a', '1'],
			['b', 'x=y']
		]);
	});
});

describe('sessions', () => {
	it('resolves a new session to its user, and stores only the token hash', async () => {
		const { sessions } = setup();
		const { cookie, user } = await sessions.createSession(agent);
		const token = tokenOf(cookie);
		expect(user).toMatchObject({ user_id: agent.user_id, role: 'agent', entity_id: 'works' });
		expect(await sessions.resolveSession(token)).toEqual(user);
		const doc = await store.use('auth').get(sessionDocId(token));
		expect(JSON.stringify(doc)).not.toContain(token);
		expect(doc).toMatchObject({ type: 'session', user_id: agent.user_id, role: 'agent', idle_ms: 12 * HOUR });
		// Another instance (no shared cache) resolves it from the store.
		expect(await setup().sessions.resolveSession(token)).toEqual(user);
	});

	it('treats a tampered or unknown token as no session', async () => {
		const { sessions } = setup();
		const token = tokenOf((await sessions.createSession(citizen)).cookie);
		const tampered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
		expect(await sessions.resolveSession(tampered)).toBeNull();
		expect(await sessions.resolveSession(null)).toBeNull();
	});

	it('ends a staff session after 12 idle hours but keeps a citizen one', async () => {
		const { sessions, clock } = setup();
		const staffToken = tokenOf((await sessions.createSession(agent)).cookie);
		const citizenToken = tokenOf((await sessions.createSession(citizen)).cookie);
		// Each use restarts the idle clock…
		clock.advance(12 * HOUR - 1000);
		expect(await sessions.resolveSession(staffToken)).not.toBeNull();
		clock.advance(12 * HOUR - 1000);
		expect(await sessions.resolveSession(staffToken)).not.toBeNull();
		// …and 12 hours without one ends it.
		clock.advance(12 * HOUR);
		expect(await sessions.resolveSession(staffToken)).toBeNull();
		expect(await sessions.resolveSession(citizenToken)).not.toBeNull();
		// The expired session is gone from the store, not just refused.
		await expect(store.use('auth').get(sessionDocId(staffToken))).rejects.toMatchObject({ statusCode: 404 });
	});

	it.each([
		['staff', () => agent, 7 * DAY],
		['citizen', () => citizen, 30 * DAY]
	])('ends a %s session at its absolute limit however active', async (_kind, account, limit) => {
		const { sessions, clock } = setup();
		const token = tokenOf((await sessions.createSession(account())).cookie);
		const start = clock.now();
		while (clock.now() + 6 * HOUR < start + limit) {
			clock.advance(6 * HOUR);
			expect(await sessions.resolveSession(token)).not.toBeNull();
		}
		clock.advance(start + limit - clock.now() - 1000);
		expect(await sessions.resolveSession(token)).not.toBeNull();
		clock.advance(1000);
		expect(await sessions.resolveSession(token)).toBeNull();
	});

	it('writes last_seen_at at most once a minute', async () => {
		const { sessions, clock } = setup();
		const token = tokenOf((await sessions.createSession(citizen)).cookie);
		const revOf = async () => (await store.use('auth').get(sessionDocId(token)))._rev;
		const created = await revOf();
		for (let i = 0; i < 5; i++) {
			clock.advance(10_000);
			await sessions.resolveSession(token);
		}
		expect(await revOf()).toBe(created);
		clock.advance(SESSION_POLICY.touchEveryMs);
		await sessions.resolveSession(token);
		const doc = await store.use('auth').get(sessionDocId(token));
		expect(doc._rev).not.toBe(created);
		expect(doc.last_seen_at).toBe(new Date(clock.now()).toISOString());
	});

	it('destroySession ends it at once, cache or not', async () => {
		const { sessions } = setup();
		const token = tokenOf((await sessions.createSession(citizen)).cookie);
		expect(await sessions.resolveSession(token)).not.toBeNull();
		await sessions.destroySession(token);
		expect(await sessions.resolveSession(token)).toBeNull();
		expect(await setup().sessions.resolveSession(token)).toBeNull();
	});

	it("destroyAllSessionsOf ends every one of that person's sessions and no one else's", async () => {
		const { sessions } = setup();
		const mine = await Promise.all([1, 2, 3].map(async () => tokenOf((await sessions.createSession(agent)).cookie)));
		const theirs = tokenOf((await sessions.createSession(citizen)).cookie);
		await sessions.destroyAllSessionsOf(agent.user_id);
		for (const token of mine) expect(await sessions.resolveSession(token)).toBeNull();
		for (const token of mine) expect(await setup().sessions.resolveSession(token)).toBeNull();
		expect(await sessions.resolveSession(theirs)).not.toBeNull();
	});

	it('a cached session still lapses on time (the cache never extends a session)', async () => {
		const { sessions, clock } = setup();
		const token = tokenOf((await sessions.createSession(agent)).cookie);
		clock.advance(12 * HOUR);
		expect(await sessions.resolveSession(token)).toBeNull();
	});
});
