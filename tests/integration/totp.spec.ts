/** The staff second factor end to end on the real server: a coordinator must enrol before any
 * session, codes work once, wrong codes count towards the lock-out, and sign-out everywhere. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT } from '../../sync-server/src/auth/passwords.js';
import { base32Decode, hotp, stepAt } from '../../sync-server/src/auth/totp.js';
import { cookieOf, demoPassword, lastTotpStep, rememberAuthenticator, signInStaff, startInProcess, totpCode } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;

beforeAll(async () => {
	server = await startInProcess();
});
afterAll(async () => {
	await server?.stop();
});

interface Reply {
	status: number;
	body: any;
	response: Response;
}

async function call(method: string, path: string, options: { json?: unknown; cookie?: string } = {}): Promise<Reply> {
	const headers: Record<string, string> = {};
	if (options.json !== undefined) headers['content-type'] = 'application/json';
	if (options.cookie) headers.cookie = options.cookie;
	const response = await fetch(server.base + path, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null, response };
}

const login = (username: string, password = demoPassword(server, username)) => call('POST', '/api/auth/login', { json: { username, password } });

/** A six-digit code that is certainly not the current one (nor its neighbours). */
function wrongCode(secret: string): string {
	const key = base32Decode(secret)!;
	const now = stepAt(Date.now());
	const taken = new Set([-1, 0, 1].map((d) => hotp(key, now + d)));
	for (let n = 0; ; n++) {
		const code = String(n).padStart(6, '0');
		if (!taken.has(code)) return code;
	}
}

describe('coordinator: second factor required', () => {
	let secret = '';
	let session = '';

	it('gets no session from the password alone: the pending cookie opens nothing but enrolment', async () => {
		const first = await login('coordinator');
		expect(first.status).toBe(200);
		expect(first.body).toEqual({ mfa_required: true, enrolment_required: true });
		expect(cookieOf(first.response, 'tw_session')).not.toMatch(/^tw_session=/);
		const pending = cookieOf(first.response, 'tw_mfa');
		expect(first.response.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Strict/);
		for (const [method, path] of [
			['GET', '/api/session'],
			['GET', '/db/intake/'],
			['GET', '/api/admin/settings'],
			['GET', '/api/audit']
		] as const) {
			expect((await call(method, path, { cookie: pending })).status, `${method} ${path}`).toBe(401);
		}
		// A pending enrolment is not a pending code check.
		expect((await call('POST', '/api/auth/totp', { json: { code: '123456' }, cookie: pending })).body.error.code).toBe('mfa_expired');

		const enrol = await call('POST', '/api/auth/totp/enrol', { cookie: pending });
		expect(enrol.status).toBe(200);
		secret = enrol.body.secret;
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(enrol.body.otpauth_uri).toContain(`secret=${secret}`);
		expect(enrol.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Tawasul%3Acoordinator\?/);

		const wrong = await call('POST', '/api/auth/totp/confirm', { json: { code: wrongCode(secret) }, cookie: pending });
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('totp_invalid');

		rememberAuthenticator(server.base, 'coordinator', secret);
		const confirmed = await call('POST', '/api/auth/totp/confirm', { json: { code: await totpCode(server.base, 'coordinator') }, cookie: pending });
		expect(confirmed.status).toBe(200);
		expect(confirmed.body.user).toMatchObject({ role: 'coordinator', mfa: true });
		const session = cookieOf(confirmed.response);
		expect((await call('GET', '/api/session', { cookie: session })).body.user.mfa).toBe(true);
		// Spent: the same pending cookie cannot make a second session.
		expect((await call('POST', '/api/auth/totp/confirm', { json: { code: '000000' }, cookie: pending })).status).toBe(401);
	});

	it('asks for a code from then on; a code works once, the next step works', async () => {
		const first = await login('coordinator');
		expect(first.body).toEqual({ mfa_required: true });
		const pending = cookieOf(first.response, 'tw_mfa');
		const key = base32Decode(secret)!;
		// The step the enrolment used is refused: a watched code can't be replayed. (Not the step of
		// the clock now: thirty seconds may have turned since the enrolment.)
		const used = hotp(key, lastTotpStep(server.base, 'coordinator'));
		const replay = await call('POST', '/api/auth/totp', { json: { code: used }, cookie: pending });
		if (replay.status === 200) throw new Error('the step used for enrolment was accepted again');
		expect(replay.body.error.code).toBe('totp_invalid');
		const ok = await call('POST', '/api/auth/totp', { json: { code: await totpCode(server.base, 'coordinator') }, cookie: pending });
		expect(ok.status).toBe(200);
		expect(ok.body.user.mfa).toBe(true);
		session = cookieOf(ok.response);
		expect(ok.response.headers.getSetCookie().some((c) => /^tw_mfa=;/.test(c))).toBe(true);
	});

	it('cannot turn the second factor off', async () => {
		// Refused before the code is even looked at.
		const off = await call('POST', '/api/auth/totp/disable', { json: { code: '000000' }, cookie: session });
		expect(off.status).toBe(403);
		expect(off.body.error.code).toBe('totp_required');
		expect((await call('GET', '/api/auth/totp', { cookie: session })).body).toEqual({ enabled: true, required: true, available: true });
	});
});

describe('staff: optional second factor', () => {
	it('signs in with the password alone until enrolled; enrolling ends the password-only sessions', async () => {
		const before = await signInStaff(server.base, 'agent.health');
		expect(before.user.role).toBe('agent');
		const other = await signInStaff(server.base, 'agent.health');
		const enrol = await call('POST', '/api/auth/totp/enrol', { cookie: before.cookie });
		expect(enrol.status).toBe(200);
		rememberAuthenticator(server.base, 'agent.health', enrol.body.secret);
		const confirmed = await call('POST', '/api/auth/totp/confirm', { json: { code: await totpCode(server.base, 'agent.health') }, cookie: before.cookie });
		expect(confirmed.status).toBe(200);
		expect(confirmed.body.user.mfa).toBe(true);
		expect((await call('GET', '/api/session', { cookie: other.cookie })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie: cookieOf(confirmed.response) })).status).toBe(200);
		// Enrolled: the password alone no longer signs in.
		expect((await login('agent.health')).body).toEqual({ mfa_required: true });
		const again = await call('POST', '/api/auth/totp/enrol', { cookie: cookieOf(confirmed.response) });
		expect(again.body.error.code).toBe('totp_already_enabled');

		const session = await signInStaff(server.base, 'agent.health');
		const off = await call('POST', '/api/auth/totp/disable', { json: { code: await totpCode(server.base, 'agent.health') }, cookie: session.cookie });
		expect(off.body).toEqual({ enabled: false });
		expect((await login('agent.health')).body.user.role).toBe('agent');
	}, 90_000);

	it('counts wrong codes towards the lock-out, and the right password does not wipe them', async () => {
		const agent = await signInStaff(server.base, 'agent.works');
		const enrol = await call('POST', '/api/auth/totp/enrol', { cookie: agent.cookie });
		rememberAuthenticator(server.base, 'agent.works', enrol.body.secret);
		await call('POST', '/api/auth/totp/confirm', { json: { code: await totpCode(server.base, 'agent.works') }, cookie: agent.cookie });
		const wrong = wrongCode(enrol.body.secret);

		const first = cookieOf((await login('agent.works')).response, 'tw_mfa');
		for (let i = 0; i < 2; i++) expect((await call('POST', '/api/auth/totp', { json: { code: wrong }, cookie: first })).status).toBe(400);
		const second = cookieOf((await login('agent.works')).response, 'tw_mfa');
		const outcomes: number[] = [];
		for (let i = 2; i < LOCKOUT.maxFailures; i++) outcomes.push((await call('POST', '/api/auth/totp', { json: { code: wrong }, cookie: second })).status);
		expect(outcomes).toEqual([400, 400, 429]);
		// Locked: the right password and the right code both get 429 now.
		expect((await login('agent.works')).status).toBe(429);
		const code = await totpCode(server.base, 'agent.works');
		expect((await call('POST', '/api/auth/totp', { json: { code }, cookie: second })).status).toBe(401);
	}, 90_000);
});

describe('sign out everywhere', () => {
	it('ends every session of the person and only theirs', async () => {
		const phone = await signInStaff(server.base, 'manager.works');
		const laptop = await signInStaff(server.base, 'manager.works');
		const someoneElse = await signInStaff(server.base, 'minister');
		const out = await call('POST', '/api/auth/logout-all', { cookie: phone.cookie });
		expect(out.status).toBe(200);
		expect(out.response.headers.getSetCookie()[0]).toMatch(/^tw_session=;.*Max-Age=0/);
		expect((await call('GET', '/api/session', { cookie: phone.cookie })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie: laptop.cookie })).status).toBe(401);
		const ownDb = laptop.user.databases.pull.find((db) => db.startsWith('u_'))!;
		expect((await call('GET', `/db/${ownDb}/`, { cookie: laptop.cookie })).status).toBe(401);
		expect((await call('GET', '/api/session', { cookie: someoneElse.cookie })).status).toBe(200);
		expect((await call('POST', '/api/auth/logout-all')).status).toBe(401);
	});
});
