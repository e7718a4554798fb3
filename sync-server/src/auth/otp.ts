/**
 * One-time SMS codes. A code is stored only as HMAC-SHA256(pepper, phone + code), so a copy of the
 * `auth` database doesn't reveal live codes; the pepper lives in the same database so restarts
 * (and other instances) keep verifying codes already sent. Neither the code nor the phone number
 * is ever logged.
 */
import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { log } from '../log.js';
import type { SmsGateway } from '../sms/gateway.js';
import type { Store } from '../store.js';
import { getOrNull, insertOnce, updateContended } from '../store-docs.js';
import { SlidingWindow } from './rate-limit.js';
import { smsTextFor } from '../sms/texts.js';

export const OTP = {
	digits: 6,
	ttlMs: 5 * 60_000,
	maxAttempts: 5,
	perPhone: { max: 3, windowMs: 15 * 60_000 },
	perIp: { max: 20, windowMs: 60 * 60_000 },
	global: { max: 20_000, windowMs: 60 * 60_000 }
} as const;

/** How many codes may be sent, per number, per client address and in all (SIGN_IN_CODES_* in
 * env.ts); each a count within a window. */
export interface OtpLimits {
	perPhone: { max: number; windowMs: number };
	perIp: { max: number; windowMs: number };
	global: { max: number; windowMs: number };
}

export type Locale = 'ar' | 'en';

interface OtpDoc {
	_id: string;
	type: 'otp';
	/** null once used or voided. */
	code_hmac: string | null;
	expires_at: string;
	attempts: number;
	/** Times of recent requests: the per-phone limit, kept here so it holds across instances. */
	requested_at: string[];
}

interface SecretDoc {
	_id: string;
	type: 'secret';
	value: string;
}

/** The count of codes sent by every instance in the current window of the global cap: a fixed
 * window, so one small document, saved with its revision like every other counter here. */
interface CapDoc {
	_id: string;
	type: 'otp_cap';
	window_start: string;
	count: number;
}

const PEPPER_DOC_ID = 'secret:pepper';
const GLOBAL_CAP_DOC_ID = 'otp_cap:global';

export function otpDocId(e164: string): string {
	return 'otp:' + createHash('sha256').update(e164).digest('hex');
}

/** The server's pepper, made on first start; a racing second instance adopts the first's. */
async function loadPepper(store: Store): Promise<Buffer> {
	await store.ensureDb(DB.AUTH);
	const db = store.use<SecretDoc>(DB.AUTH);
	await insertOnce(db, { _id: PEPPER_DOC_ID, type: 'secret', value: randomBytes(32).toString('base64') });
	const doc = await getOrNull(db, PEPPER_DOC_ID);
	if (!doc?.value) throw new Error('pepper missing from the auth database');
	return Buffer.from(doc.value, 'base64');
}

export interface OtpDeps {
	store: Store;
	gateway: SmsGateway;
	now?: () => number;
	/** Defaults: OTP. */
	limits?: OtpLimits;
}

export interface OtpService {
	/** Sends a fresh code; returns the normalised phone number. */
	request(input: { phone: string; locale?: Locale; ip: string }): Promise<{ phone: string; expires_in: number }>;
	/** Consumes a correct code; returns the normalised phone number it proves. */
	verify(input: { phone: string; code: string }): Promise<string>;
}

const minutes = (ms: number) => Math.ceil(ms / 60_000);

/** A 429 that names which cap was hit and how long to wait, for the citizen's message. */
function capReached(code: 'sign_in_code_limit_number' | 'sign_in_code_limit_address' | 'sign_in_code_limit_global', waitMs: number): TawasulError {
	return new TawasulError(429, code, [{ field: 'phone', code, params: { minutes: Math.max(1, minutes(waitMs)) } }]);
}

function toE164(phone: string): string {
	const e164 = normalizePhone(phone);
	if (!e164) throw new TawasulError(400, 'invalid_phone', [{ field: 'phone', code: 'invalid_phone' }]);
	return e164;
}

export function createOtpService(deps: OtpDeps): OtpService {
	const now = deps.now ?? Date.now;
	const limits = deps.limits ?? OTP;
	// In memory: a brake on one noisy client per instance (rate-limit.ts says why that is enough).
	const perIp = new SlidingWindow(limits.perIp.max, limits.perIp.windowMs);
	let pepper: Promise<Buffer> | null = null;
	const db = () => deps.store.use<OtpDoc>(DB.AUTH);

	async function hmac(e164: string, code: string): Promise<Buffer> {
		pepper ??= loadPepper(deps.store).catch((error: unknown) => {
			pepper = null;
			throw error;
		});
		return createHmac('sha256', await pepper)
			.update(e164 + code)
			.digest();
	}

	/** Takes one code from the global cap, held in the store so it bounds every instance together. */
	async function takeGlobal(at: number): Promise<void> {
		const { max, windowMs } = limits.global;
		const waitMs = await updateContended(deps.store.use<CapDoc>(DB.AUTH), GLOBAL_CAP_DOC_ID, (current) => {
			const start = current ? Date.parse(current.window_start) : NaN;
			const fresh = !current || !(at < start + windowMs) || at < start;
			if (!fresh && current.count >= max) return { next: null, result: start + windowMs - at };
			const next: CapDoc = fresh ? { _id: GLOBAL_CAP_DOC_ID, type: DOC_TYPES.OTP_CAP, window_start: new Date(at).toISOString(), count: 1 } : { ...current, count: current.count + 1 };
			return { next, result: 0 };
		});
		if (waitMs > 0) throw capReached('sign_in_code_limit_global', waitMs);
	}

	return {
		async request({ phone, locale = 'ar', ip }) {
			const e164 = toE164(phone);
			const at = now();
			if (!perIp.hit(ip, at)) throw capReached('sign_in_code_limit_address', limits.perIp.windowMs);
			const code = String(randomInt(0, 10 ** OTP.digits)).padStart(OTP.digits, '0');
			// First: loading the pepper also makes sure the auth database is there.
			const codeHmac = (await hmac(e164, code)).toString('hex');
			await takeGlobal(at);
			const waitMs = await updateContended(db(), otpDocId(e164), (current) => issued(current, e164, codeHmac, at, limits.perPhone));
			if (waitMs > 0) throw capReached('sign_in_code_limit_number', waitMs);
			await deps.gateway.send({ id: `otp-${randomUUID()}`, to: e164, text: await smsTextFor(deps.store, 'sign_in_code', locale, { code, minutes: String(OTP.ttlMs / 60_000) }) });
			log.info('sign-in code sent', { gateway: deps.gateway.name });
			return { phone: e164, expires_in: OTP.ttlMs / 1000 };
		},

		async verify({ phone, code }) {
			const e164 = toE164(phone);
			// A code of the wrong shape can never match: refuse it without spending an attempt.
			if (!/^\d{6}$/.test(code)) throw new TawasulError(400, 'otp_invalid', [{ field: 'code', code: 'otp_invalid' }]);
			const given = await hmac(e164, code);
			const at = now();
			// Each wrong code is counted with the document's revision before it is answered, so of
			// any number of parallel tries at most OTP.maxAttempts are ever compared.
			const outcome = await updateContended(db(), otpDocId(e164), (current) => judged(current, given, at));
			if (outcome !== 'ok') throw new TawasulError(400, outcome, [{ field: 'code', code: outcome }]);
			return e164;
		}
	};
}

/** A new code for the number, unless it had its share in the window: then how long to wait. */
function issued(current: OtpDoc | null, e164: string, codeHmac: string, at: number, perPhone: { max: number; windowMs: number }): { next: OtpDoc | null; result: number } {
	const windowStart = at - perPhone.windowMs;
	const recent = (current?.requested_at ?? []).filter((t) => Date.parse(t) > windowStart);
	if (recent.length >= perPhone.max) return { next: null, result: Date.parse(recent[0]) + perPhone.windowMs - at };
	const next: OtpDoc = {
		_id: otpDocId(e164),
		type: DOC_TYPES.OTP,
		code_hmac: codeHmac,
		expires_at: new Date(at + OTP.ttlMs).toISOString(),
		attempts: 0,
		requested_at: [...recent, new Date(at).toISOString()]
	};
	return { next, result: 0 };
}

type Outcome = 'ok' | 'otp_used_up' | 'otp_invalid' | 'otp_expired';

/** The code given against the one stored: consumed when right, one attempt spent when wrong. */
function judged(current: OtpDoc | null, given: Buffer, at: number): { next: OtpDoc | null; result: Outcome } {
	if (current && current.attempts >= OTP.maxAttempts) return { next: null, result: 'otp_used_up' };
	if (!current || !current.code_hmac) return { next: null, result: 'otp_invalid' };
	if (at >= Date.parse(current.expires_at)) return { next: null, result: 'otp_expired' };
	const stored = Buffer.from(current.code_hmac, 'hex');
	if (stored.length === given.length && timingSafeEqual(stored, given)) {
		// Saved with the read revision: of two racing verifications only one can consume it.
		return { next: { ...current, code_hmac: null }, result: 'ok' };
	}
	const attempts = current.attempts + 1;
	const next = { ...current, attempts, code_hmac: attempts >= OTP.maxAttempts ? null : current.code_hmac };
	// The last allowed wrong try already says the code is used up: the citizen asks for a new one.
	return { next, result: attempts >= OTP.maxAttempts ? 'otp_used_up' : 'otp_invalid' };
}
