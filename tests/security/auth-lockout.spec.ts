/** Issue 10, finding 5: lock-outs must hold under parallel requests. Fifty wrong passwords,
 * authenticator codes or SMS codes sent at once are checked no more often than the limit says,
 * none of them gets a 5xx, and the right factor sent after them is refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MFA } from '../../sync-server/src/auth/mfa.js';
import { OTP } from '../../sync-server/src/auth/otp.js';
import { LOCKOUT } from '../../sync-server/src/auth/passwords.js';
import { cookieOf, demoPassword, signInStaff, startInProcess, totpCode } from '../integration/harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
const PARALLEL = 50;

beforeAll(async () => {
	server = await startInProcess();
});
afterAll(async () => {
	await server?.stop();
});

interface Reply {
	status: number;
	code: string | null;
	messageKey: string | null;
}

async function post(path: string, json: unknown, cookie = ''): Promise<Reply & { response: Response }> {
	const response = await fetch(server.base + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(json) });
	const body = (await response.json().catch(() => null)) as { error?: { code: string; message_key: string } } | null;
	return { status: response.status, code: body?.error?.code ?? null, messageKey: body?.error?.message_key ?? null, response };
}

/** How many replies had each `status code`, e.g. { '401 bad_credentials': 5, '429 rate_limited': 45 }. */
function tally(replies: Reply[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of replies) counts[`${r.status} ${r.code ?? 'ok'}`] = (counts[`${r.status} ${r.code ?? 'ok'}`] ?? 0) + 1;
	return counts;
}

const count = (replies: Reply[], status: number, code: string | null) => replies.filter((r) => r.status === status && r.code === code).length;

describe('password lock-out under 50 parallel wrong passwords', () => {
	it('checks at most the allowed number, refuses the rest with 429, never a 5xx, and then refuses the right password', async () => {
		const replies = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => post('/api/auth/login', { username: 'agent.health', password: `wrong-guess-${i}` })));
		const counts = tally(replies);
		expect(
			replies.filter((r) => r.status >= 500),
			JSON.stringify(counts)
		).toEqual([]);
		// Every reply is a checked wrong password or an unchecked refusal; no more checked than allowed.
		expect(count(replies, 401, 'bad_credentials') + count(replies, 429, 'rate_limited'), JSON.stringify(counts)).toBe(PARALLEL);
		expect(count(replies, 401, 'bad_credentials'), JSON.stringify(counts)).toBeLessThanOrEqual(LOCKOUT.maxFailures);
		expect(count(replies, 429, 'rate_limited')).toBeGreaterThanOrEqual(PARALLEL - LOCKOUT.maxFailures);
		const right = await post('/api/auth/login', { username: 'agent.health', password: demoPassword(server, 'agent.health') });
		expect(right).toMatchObject({ status: 429, code: 'rate_limited', messageKey: 'errors.rate_limited' });
	});

	it('keeps to "5 wrong in a row" when the right password is among the guesses', async () => {
		const password = demoPassword(server, 'manager.works');
		const replies = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => post('/api/auth/login', { username: 'manager.works', password: i === 30 ? password : `wrong-${i}` })));
		const counts = JSON.stringify(tally(replies));
		expect(
			replies.filter((r) => r.status >= 500),
			counts
		).toEqual([]);
		expect(count(replies, 200, null) + count(replies, 401, 'bad_credentials') + count(replies, 429, 'rate_limited'), counts).toBe(PARALLEL);
		// The right password is checked only while fewer than 5 failures are counted, and its
		// success starts the count again (as one after another): at most 4 wrong ones before it and
		// 5 after it are checked. Refused, it leaves at most 5 checked.
		const signedIn = count(replies, 200, null) === 1;
		expect(count(replies, 401, 'bad_credentials'), counts).toBeLessThanOrEqual(signedIn ? 2 * LOCKOUT.maxFailures - 1 : LOCKOUT.maxFailures);
		expect(count(replies, 429, 'rate_limited'), counts).toBeGreaterThanOrEqual(PARALLEL - 2 * LOCKOUT.maxFailures);
	});
});

describe('authenticator codes under 50 parallel tries of one pending sign-in', () => {
	it('checks at most the allowed tries, never a 5xx, and the right code afterwards opens nothing', async () => {
		// The coordinator enrols an authenticator at first sign-in (the harness plays the app).
		await signInStaff(server.base, 'coordinator');
		const login = await post('/api/auth/login', { username: 'coordinator', password: demoPassword(server, 'coordinator') });
		expect(login.status).toBe(200);
		const pending = cookieOf(login.response, 'tw_mfa');
		const right = await totpCode(server.base, 'coordinator');
		const wrong = (i: number) => String((Number(right) + 1000 + i) % 1_000_000).padStart(6, '0');
		const replies = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => post('/api/auth/totp', { code: wrong(i) }, pending)));
		const counts = tally(replies);
		expect(
			replies.filter((r) => r.status >= 500),
			JSON.stringify(counts)
		).toEqual([]);
		expect(count(replies, 400, 'totp_invalid'), JSON.stringify(counts)).toBeLessThanOrEqual(Math.min(MFA.maxAttempts, LOCKOUT.maxFailures));
		expect(count(replies, 400, 'totp_invalid') + count(replies, 429, 'rate_limited') + count(replies, 401, 'mfa_expired'), JSON.stringify(counts)).toBe(PARALLEL);
		const late = await post('/api/auth/totp', { code: right }, pending);
		expect(late.status, JSON.stringify(late)).not.toBe(200);
		expect([401, 429]).toContain(late.status);
		expect(cookieOf(late.response, 'tw_session')).not.toMatch(/^tw_session=./);
		// The wrong codes counted towards the account's lock-out: the password is refused too.
		const again = await post('/api/auth/login', { username: 'coordinator', password: demoPassword(server, 'coordinator') });
		expect(again).toMatchObject({ status: 429, code: 'rate_limited' });
	});
});

describe('SMS sign-in codes under 50 parallel wrong codes', () => {
	const phone = '+97336000777';

	async function latestCode(): Promise<string> {
		const outbox = (await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { text: string }[] };
		return /(\d{6})/.exec(outbox.messages[0].text)![1];
	}

	it('compares at most the allowed tries, then says the code is used up, also to the right code, and a new code works', async () => {
		expect((await post('/api/auth/otp/request', { phone, locale: 'en' })).status).toBe(200);
		const right = await latestCode();
		const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
		const replies = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => post('/api/auth/otp/verify', { phone, code: wrong(i) })));
		const counts = tally(replies);
		expect(
			replies.filter((r) => r.status >= 500),
			JSON.stringify(counts)
		).toEqual([]);
		expect(count(replies, 400, 'otp_invalid'), JSON.stringify(counts)).toBeLessThanOrEqual(OTP.maxAttempts - 1);
		expect(count(replies, 400, 'otp_invalid') + count(replies, 400, 'otp_used_up') + count(replies, 429, 'rate_limited')).toBe(PARALLEL);
		expect(count(replies, 400, 'otp_used_up')).toBeGreaterThanOrEqual(1);

		const late = await post('/api/auth/otp/verify', { phone, code: right });
		expect(late).toMatchObject({ status: 400, code: 'otp_used_up', messageKey: 'errors.otp_used_up' });
		expect(cookieOf(late.response, 'tw_session')).not.toMatch(/^tw_session=./);

		expect((await post('/api/auth/otp/request', { phone, locale: 'en' })).status).toBe(200);
		const signedIn = await post('/api/auth/otp/verify', { phone, code: await latestCode() });
		expect(signedIn.status).toBe(200);
		expect(cookieOf(signedIn.response, 'tw_session')).toMatch(/^tw_session=./);
	});

	it('caps code requests per client address with a localised 429 naming the wait', async () => {
		const replies = await Promise.all(Array.from({ length: OTP.perIp.max + 5 }, (_, i) => post('/api/auth/otp/request', { phone: `+9733610${String(i).padStart(4, '0')}`, locale: 'ar' })));
		expect(replies.filter((r) => r.status >= 500)).toEqual([]);
		// This file's earlier requests came from the same loopback address.
		expect(count(replies, 200, null)).toBeLessThanOrEqual(OTP.perIp.max);
		const refused = replies.find((r) => r.status === 429)!;
		expect(refused).toMatchObject({ code: 'sign_in_code_limit_address', messageKey: 'errors.sign_in_code_limit_address' });
	});
});
