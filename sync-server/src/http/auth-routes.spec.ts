import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../auth/accounts.js';
import { createOtpService, OTP } from '../auth/otp.js';
import { LOCKOUT } from '../auth/passwords.js';
import { createSessionService } from '../auth/sessions.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import { createOutboxGateway, listOutbox } from '../sms/outbox.js';
import type { Store } from '../store.js';
import { authRouter, sessionMiddleware, type AuthDeps } from './auth-routes.js';

let store: Store;
let closeStore: () => Promise<void>;
const servers: Server[] = [];
const clock = manualClock(Date.now());
let base: string;

async function listen(app: express.Express): Promise<string> {
	const server = app.listen(0, '127.0.0.1');
	servers.push(server);
	await new Promise((resolve) => server.once('listening', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The app as main.ts will assemble it: session middleware first, then the auth routes, then a
 * stand-in for the gate that shows what it would see. */
function app(env: Partial<AuthDeps['env']> = {}) {
	const gateway = createOutboxGateway(store);
	const sessions = createSessionService({ store, env: { cookieSecure: false }, now: clock.now });
	const deps: AuthDeps = {
		store,
		gateway,
		env: { cookieSecure: false, smsGateway: 'outbox', production: false, secretsKey: randomBytes(32), ...env },
		otp: createOtpService({ store, gateway, now: clock.now }),
		sessions
	};
	const a = express();
	a.use(sessionMiddleware(deps));
	a.use(authRouter(deps));
	a.get('/db/whoami', (_req, res) => void res.json({ user: res.locals.user }));
	return a;
}

beforeAll(async () => {
	({ store, close: closeStore } = await openTestStore());
	base = await listen(app());
	await createStaff(store, { username: 'agent.http', password: 'correct horse', role: 'agent', name: 'وكيل', entity_id: 'works' });
	await createStaff(store, { username: 'agent.locked', password: 'correct horse', role: 'agent', name: 'L', entity_id: 'works' });
});
afterAll(async () => {
	await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
	await closeStore();
});

interface Reply {
	status: number;
	body: any;
	cookie: string | null;
	headers: Headers;
}

async function call(method: string, path: string, options: { json?: unknown; raw?: string; cookie?: string; at?: string } = {}): Promise<Reply> {
	const headers: Record<string, string> = {};
	if (options.json !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
	if (options.cookie) headers.cookie = options.cookie;
	const res = await fetch((options.at ?? base) + path, {
		method,
		headers,
		body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json))
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null, cookie: res.headers.get('set-cookie'), headers: res.headers };
}

/** The cookie pair a browser would send back. */
const pair = (setCookie: string | null) => setCookie!.split(';')[0];

async function latestCode(e164: string): Promise<string> {
	const [message] = await listOutbox(store, { phone: e164, limit: 1 });
	return /\d{6}/.exec(message.text)![0];
}

async function signInByPhone(phone: string, e164: string): Promise<Reply> {
	const requested = await call('POST', '/api/auth/otp/request', { json: { phone, locale: 'ar' } });
	expect(requested.status).toBe(200);
	return call('POST', '/api/auth/otp/verify', { json: { phone, code: await latestCode(e164) } });
}

describe('sign-in by SMS code', () => {
	it('sends a code, and the code signs the citizen in with a session cookie', async () => {
		const requested = await call('POST', '/api/auth/otp/request', { json: { phone: '36000101', locale: 'en' } });
		expect(requested).toMatchObject({ status: 200, body: { sent: true, expires_in: 300 } });
		const dev = await call('GET', '/api/dev/sms?phone=%2B97336000101');
		expect(dev.body.messages[0].text).toMatch(/^Your Tawasul sign-in code: \d{6}\. Valid for 5 minutes\.$/);

		const verified = await call('POST', '/api/auth/otp/verify', { json: { phone: '36000101', code: await latestCode('+97336000101') } });
		expect(verified.status).toBe(200);
		const user = verified.body.user;
		expect(user).toMatchObject({ role: 'citizen', phone: '+97336000101', databases: { pull: ['config', `u_${user.user_id}`], push: 'intake' } });
		expect(verified.cookie!.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));

		// The person's database exists at once, so PouchDB can start pulling.
		expect(await store.dbInfo(`u_${user.user_id}`)).not.toBeNull();
		const session = await call('GET', '/api/session', { cookie: pair(verified.cookie) });
		expect(session).toMatchObject({ status: 200, body: { user } });
	});

	it('maps every way of typing one number to one account', async () => {
		const forms = ['36000102', '+973 3600 0102', '00973-3600-0102', '٣٦٠٠٠١٠٢'];
		const ids: string[] = [];
		for (const [i, phone] of forms.entries()) {
			// Three codes per 15 minutes: step past the window for the fourth form.
			if (i === 3) clock.advance(OTP.perPhone.windowMs + 1);
			const reply = await signInByPhone(phone, '+97336000102');
			expect(reply.status, phone).toBe(200);
			ids.push(reply.body.user.user_id);
		}
		expect(new Set(ids).size).toBe(1);
	});

	it('refuses a wrong code with otp_invalid and sets no cookie', async () => {
		await call('POST', '/api/auth/otp/request', { json: { phone: '36000103' } });
		const right = await latestCode('+97336000103');
		const reply = await call('POST', '/api/auth/otp/verify', { json: { phone: '36000103', code: right === '123456' ? '654321' : '123456' } });
		expect(reply).toMatchObject({ status: 400, body: { error: { code: 'otp_invalid', message_key: 'errors.otp_invalid' } } });
		expect(reply.cookie).toBeNull();
	});

	it('refuses an expired code with otp_expired', async () => {
		await call('POST', '/api/auth/otp/request', { json: { phone: '36000104' } });
		clock.advance(OTP.ttlMs);
		const reply = await call('POST', '/api/auth/otp/verify', { json: { phone: '36000104', code: await latestCode('+97336000104') } });
		expect(reply.body.error.code).toBe('otp_expired');
	});

	it('answers 429 sign_in_code_limit_number, with the wait, on the fourth code for one phone in 15 minutes', async () => {
		for (let i = 0; i < 3; i++) expect((await call('POST', '/api/auth/otp/request', { json: { phone: '36000105' } })).status).toBe(200);
		const reply = await call('POST', '/api/auth/otp/request', { json: { phone: '36000105' } });
		expect(reply).toMatchObject({ status: 429, body: { error: { code: 'sign_in_code_limit_number', message_key: 'errors.sign_in_code_limit_number' } } });
		expect(reply.body.error.fields[0].params.minutes).toBeGreaterThanOrEqual(14);
		expect(await listOutbox(store, { phone: '+97336000105', limit: 10 })).toHaveLength(3);
	});

	it.each([
		[{ phone: '1234' }, 400, 'invalid_phone'],
		[{}, 400, 'required'],
		[{ phone: 36000106 }, 400, 'invalid_format'],
		[{ phone: '36000106', locale: 'fr' }, 400, 'invalid_format'],
		[{ phone: '3'.repeat(40) }, 400, 'too_long'],
		[['36000106'], 400, 'invalid_format']
	])('refuses the request body %j with %i %s', async (json, status, code) => {
		const reply = await call('POST', '/api/auth/otp/request', { json });
		expect(reply.status).toBe(status);
		expect(reply.body.error).toMatchObject({ code, message_key: `errors.${code}` });
	});

	it('names the field at fault', async () => {
		const reply = await call('POST', '/api/auth/otp/verify', { json: { phone: '36000106' } });
		expect(reply.body.error.fields).toEqual([{ field: 'code', code: 'required' }]);
	});

	it('answers malformed JSON with 400 invalid_format and a large body with 413', async () => {
		expect((await call('POST', '/api/auth/otp/request', { raw: '{"phone":' })).body.error.code).toBe('invalid_format');
		const big = await call('POST', '/api/auth/login', { json: { username: 'a', password: 'x'.repeat(20_000) } });
		expect(big).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
	});
});

describe('staff sign-in', () => {
	it('signs an agent in with the entity database to pull', async () => {
		const reply = await call('POST', '/api/auth/login', { json: { username: 'agent.http', password: 'correct horse' } });
		expect(reply.status).toBe(200);
		const { user } = reply.body;
		expect(user).toMatchObject({ role: 'agent', entity_id: 'works', name: 'وكيل' });
		expect(user.databases.pull).toEqual(['config', `u_${user.user_id}`, 'e_works']);
		expect(JSON.stringify(reply.body)).not.toContain('argon2');
		expect(await store.dbInfo('e_works')).not.toBeNull();
		expect(reply.cookie).toContain(`Max-Age=${7 * 24 * 3600}`);
	});

	it('answers a wrong password with 401 bad_credentials', async () => {
		const reply = await call('POST', '/api/auth/login', { json: { username: 'agent.http', password: 'wrong' } });
		expect(reply).toMatchObject({ status: 401, body: { error: { code: 'bad_credentials' } } });
		expect(reply.cookie).toBeNull();
	});

	it('locks the account after 5 failures: 429 even for the right password', async () => {
		for (let i = 0; i < LOCKOUT.maxFailures; i++) {
			expect((await call('POST', '/api/auth/login', { json: { username: 'agent.locked', password: 'nope' } })).status).toBe(401);
		}
		const reply = await call('POST', '/api/auth/login', { json: { username: 'agent.locked', password: 'correct horse' } });
		expect(reply).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
	});
});

describe('sessions over HTTP', () => {
	async function agentCookie(): Promise<string> {
		return pair((await call('POST', '/api/auth/login', { json: { username: 'agent.http', password: 'correct horse' } })).cookie);
	}

	it('answers 401 unauthorized without a cookie, or with a tampered one', async () => {
		expect(await call('GET', '/api/session')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
		const cookie = await agentCookie();
		const token = cookie.slice('tw_session='.length);
		const tampered = `tw_session=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
		expect((await call('GET', '/api/session', { cookie: tampered })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie: `tw_session=${token}.sig` })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie })).status).toBe(200);
	});

	it('logout clears the cookie and ends the session on the server', async () => {
		const cookie = await agentCookie();
		const out = await call('POST', '/api/auth/logout', { cookie });
		expect(out.status).toBe(200);
		expect(out.cookie!.split('; ')).toEqual(expect.arrayContaining(['tw_session=', 'Max-Age=0', 'HttpOnly']));
		// A copy of the old cookie is worthless now.
		expect((await call('GET', '/api/session', { cookie })).status).toBe(401);
		expect((await call('GET', '/db/whoami', { cookie })).body.user).toBeNull();
	});

	it('signing in again replaces the session the browser had', async () => {
		const first = await agentCookie();
		const second = await call('POST', '/api/auth/login', { cookie: first, json: { username: 'agent.http', password: 'correct horse' } });
		expect((await call('GET', '/api/session', { cookie: first })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie: pair(second.cookie) })).status).toBe(200);
	});

	it('tells the gate who is asking through res.locals.user', async () => {
		const cookie = await agentCookie();
		const seen = await call('GET', '/db/whoami', { cookie });
		expect(seen.body.user).toMatchObject({ role: 'agent', entity_id: 'works' });
		expect((await call('GET', '/db/whoami')).body.user).toBeNull();
		// Not an /api path: the gate sets its own caching rules.
		expect(seen.headers.get('cache-control')).toBeNull();
	});

	it('marks every /api answer no-store, errors included', async () => {
		for (const reply of [await call('GET', '/api/session'), await call('POST', '/api/auth/otp/request', { json: {} })]) {
			expect(reply.headers.get('cache-control')).toBe('no-store');
		}
	});
});

describe('development SMS outbox', () => {
	it('is 404 in production', async () => {
		const production = await listen(app({ production: true }));
		const reply = await call('GET', '/api/dev/sms', { at: production });
		expect(reply.status).toBe(404);
		expect(JSON.stringify(reply.body)).not.toMatch(/\d{6}/);
	});

	it('filters by a phone typed any way', async () => {
		await call('POST', '/api/auth/otp/request', { json: { phone: '36000107' } });
		const reply = await call('GET', `/api/dev/sms?phone=${encodeURIComponent('+973 3600 0107')}`);
		expect(reply.body.messages).toHaveLength(1);
		expect(reply.body.messages[0].to).toBe('+97336000107');
	});
});
