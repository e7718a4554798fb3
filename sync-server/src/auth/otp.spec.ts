import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { setLogLevel } from '../log.js';
import type { SmsGateway, SmsMessage } from '../sms/gateway.js';
import type { Store } from '../store.js';
import { createOtpService, OTP, otpDocId } from './otp.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';

let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
	({ store, close } = await openTestStore());
});
afterAll(() => close());

/** A gateway that keeps what it was asked to send, so the test can read the code. */
function recordingGateway() {
	const sent: SmsMessage[] = [];
	const gateway: SmsGateway = { name: 'recording', send: async (m) => void sent.push(m) };
	const lastCode = () => /\d{6}/.exec(sent.at(-1)?.text ?? '')?.[0] ?? '';
	return { gateway, sent, lastCode };
}

let phoneSeq = 100;
/** A fresh Bahraini mobile number per test, so per-phone limits don't leak between tests. */
const freshPhone = () => `3700${String(phoneSeq++).padStart(4, '0')}`;

function setup() {
	const clock = manualClock();
	const sms = recordingGateway();
	const otp = createOtpService({ store, gateway: sms.gateway, now: clock.now });
	return { clock, otp, ...sms };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(TawasulError);
		return `${(error as TawasulError).status} ${(error as TawasulError).code}`;
	}
	return 'ok';
}

describe('one-time codes', () => {
	it('sends a 6-digit code in Arabic by default and verifies it to the E.164 number', async () => {
		const { otp, sent, lastCode } = setup();
		const phone = freshPhone();
		const result = await otp.request({ phone, ip: '10.0.0.1' });
		expect(result).toEqual({ phone: `+973${phone}`, expires_in: 300 });
		expect(sent).toHaveLength(1);
		expect(sent[0].to).toBe(`+973${phone}`);
		expect(sent[0].text).toBe(`رمز الدخول إلى تواصل: ${lastCode()}. صالح لمدة 5 دقائق.`);
		expect(await otp.verify({ phone, code: lastCode() })).toBe(`+973${phone}`);
	});

	it('writes the English text when asked', async () => {
		const { otp, sent, lastCode } = setup();
		await otp.request({ phone: freshPhone(), locale: 'en', ip: '10.0.0.2' });
		expect(sent[0].text).toBe(`Your Tawasul sign-in code: ${lastCode()}. Valid for 5 minutes.`);
	});

	it('stores only a keyed hash of the code, never the code or the number', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.3' });
		const doc = await store.use('auth').get(otpDocId(`+973${phone}`));
		const stored = JSON.stringify(doc);
		expect(stored).not.toContain(lastCode());
		expect(stored).not.toContain(phone);
		expect(doc).toMatchObject({ type: 'otp', attempts: 0, code_hmac: expect.stringMatching(/^[0-9a-f]{64}$/) });
	});

	it('refuses a wrong code and still accepts the right one afterwards', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.4' });
		const wrong = lastCode() === '000000' ? '000001' : '000000';
		expect(await codeOf(otp.verify({ phone, code: wrong }))).toBe('400 otp_invalid');
		expect(await codeOf(otp.verify({ phone, code: lastCode() }))).toBe('ok');
	});

	it('accepts a code until 5 minutes have passed, then answers otp_expired', async () => {
		const { otp, clock, sent } = setup();
		const [early, late] = [freshPhone(), freshPhone()];
		await otp.request({ phone: early, ip: '10.0.0.5' });
		await otp.request({ phone: late, ip: '10.0.0.5' });
		const [earlyCode, lateCode] = sent.map((m) => /\d{6}/.exec(m.text)![0]);
		clock.advance(OTP.ttlMs - 1);
		expect(await codeOf(otp.verify({ phone: early, code: earlyCode }))).toBe('ok');
		clock.advance(1);
		expect(await codeOf(otp.verify({ phone: late, code: lateCode }))).toBe('400 otp_expired');
	});

	it('is single use', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.6' });
		expect(await codeOf(otp.verify({ phone, code: lastCode() }))).toBe('ok');
		expect(await codeOf(otp.verify({ phone, code: lastCode() }))).toBe('400 otp_invalid');
	});

	it('lets only one of two simultaneous verifications of the same code through', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.7' });
		const outcomes = await Promise.all([1, 2, 3].map(() => codeOf(otp.verify({ phone, code: lastCode() }))));
		expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
	});

	it('voids the code after 5 wrong attempts, even for the right code', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.8' });
		const right = lastCode();
		const wrong = right === '111111' ? '222222' : '111111';
		for (let i = 0; i < OTP.maxAttempts - 1; i++) {
			expect(await codeOf(otp.verify({ phone, code: wrong }))).toBe('400 otp_invalid');
		}
		// The last allowed wrong try, and everything after it, says the code is used up.
		expect(await codeOf(otp.verify({ phone, code: wrong }))).toBe('400 otp_used_up');
		expect(await codeOf(otp.verify({ phone, code: right }))).toBe('400 otp_used_up');
		// A new code starts the count again.
		await otp.request({ phone, ip: '10.0.0.8' });
		expect(await codeOf(otp.verify({ phone, code: lastCode() }))).toBe('ok');
	});

	it('compares no more than 5 of 40 parallel wrong codes, and the right one after them is used up', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.18' });
		const right = lastCode();
		const wrong = right === '111111' ? '222222' : '111111';
		const outcomes = await Promise.all(Array.from({ length: 40 }, () => codeOf(otp.verify({ phone, code: wrong }))));
		expect(outcomes.filter((o) => o === '400 otp_invalid')).toHaveLength(OTP.maxAttempts - 1);
		expect(outcomes.filter((o) => o !== '400 otp_invalid' && o !== '400 otp_used_up' && o !== '429 rate_limited')).toEqual([]);
		expect(await codeOf(otp.verify({ phone, code: right }))).toBe('400 otp_used_up');
	});

	it('allows 3 codes per phone per 15 minutes, counted in the store (survives a restart)', async () => {
		const { otp, clock } = setup();
		const phone = freshPhone();
		for (let i = 0; i < 3; i++) await otp.request({ phone, ip: `10.1.0.${i}` });
		expect(await codeOf(otp.request({ phone, ip: '10.1.0.9' }))).toBe('429 sign_in_code_limit_number');
		// A new service (a restart, or another instance) sees the same count.
		const other = createOtpService({ store, gateway: recordingGateway().gateway, now: clock.now });
		expect(await codeOf(other.request({ phone, ip: '10.1.0.10' }))).toBe('429 sign_in_code_limit_number');
		// The window slides: 15 minutes after the first request there is room again.
		clock.advance(OTP.perPhone.windowMs + 1);
		expect(await codeOf(otp.request({ phone, ip: '10.1.0.11' }))).toBe('ok');
	});

	it('a new code replaces the previous one', async () => {
		const { otp, sent } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.12' });
		await otp.request({ phone, ip: '10.0.0.12' });
		const [first, second] = sent.map((m) => /\d{6}/.exec(m.text)![0]);
		if (first !== second) expect(await codeOf(otp.verify({ phone, code: first }))).toBe('400 otp_invalid');
		expect(await codeOf(otp.verify({ phone, code: second }))).toBe('ok');
	});

	it('allows 20 code requests per client IP per hour', async () => {
		const { otp, clock } = setup();
		for (let i = 0; i < OTP.perIp.max; i++) await otp.request({ phone: freshPhone(), ip: '192.0.2.1' });
		expect(await codeOf(otp.request({ phone: freshPhone(), ip: '192.0.2.1' }))).toBe('429 sign_in_code_limit_address');
		expect(await codeOf(otp.request({ phone: freshPhone(), ip: '192.0.2.2' }))).toBe('ok');
		clock.advance(OTP.perIp.windowMs);
		expect(await codeOf(otp.request({ phone: freshPhone(), ip: '192.0.2.1' }))).toBe('ok');
	});

	it('caps the codes sent in all, across instances sharing the store, with the wait in the answer', async () => {
		const clock = manualClock();
		const limits = { ...OTP, global: { max: 3, windowMs: 10 * 60_000 } };
		const sms = recordingGateway();
		const one = createOtpService({ store, gateway: sms.gateway, now: clock.now, limits });
		const two = createOtpService({ store, gateway: sms.gateway, now: clock.now, limits });
		clock.advance(24 * 3600_000); // a window of its own, apart from the other tests' codes
		const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => codeOf((i % 2 ? one : two).request({ phone: freshPhone(), ip: `198.51.100.${i}` }))));
		expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
		expect(outcomes.filter((o) => o !== 'ok').every((o) => o === '429 sign_in_code_limit_global' || o === '429 rate_limited')).toBe(true);
		expect(sms.sent).toHaveLength(3);
		const refused = await one.request({ phone: freshPhone(), ip: '198.51.100.99' }).catch((error: TawasulError) => error);
		expect((refused as TawasulError).fields[0]).toMatchObject({ code: 'sign_in_code_limit_global', params: { minutes: 10 } });
		clock.advance(10 * 60_000);
		expect(await codeOf(two.request({ phone: freshPhone(), ip: '198.51.100.100' }))).toBe('ok');
	});

	it.each(['', '12', '17000000', 'phone', '+1'])('refuses the number %j with invalid_phone', async (phone) => {
		const { otp, sent } = setup();
		expect(await codeOf(otp.request({ phone, ip: '10.0.0.13' }))).toBe('400 invalid_phone');
		expect(await codeOf(otp.verify({ phone, code: '123456' }))).toBe('400 invalid_phone');
		expect(sent).toHaveLength(0);
	});

	it('a restarted server (new service, same store) verifies a code sent before the restart', async () => {
		const { otp, lastCode, clock } = setup();
		const phone = freshPhone();
		await otp.request({ phone, ip: '10.0.0.14' });
		const restarted = createOtpService({ store, gateway: recordingGateway().gateway, now: clock.now });
		expect(await codeOf(restarted.verify({ phone, code: lastCode() }))).toBe('ok');
	});

	it('never writes the code or the phone number to the log', async () => {
		const { otp, lastCode } = setup();
		const phone = freshPhone();
		const lines: string[] = [];
		const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
		const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
		const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
		setLogLevel('debug');
		try {
			await otp.request({ phone, ip: '10.0.0.15' });
			await codeOf(otp.verify({ phone, code: '999999' }));
			await otp.verify({ phone, code: lastCode() }).catch(() => {});
		} finally {
			setLogLevel('silent');
			out.mockRestore();
			err.mockRestore();
		}
		expect(lines.length).toBeGreaterThan(0);
		const logged = lines.join('');
		expect(logged).not.toContain(lastCode());
		expect(logged).not.toContain(phone);
	});
});
