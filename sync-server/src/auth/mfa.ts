/**
 * The staff second factor. After the right password, a person who uses TOTP (optional for staff,
 * required for coordinators) holds only a *pending* sign-in: a random token in an HttpOnly cookie
 * scoped to /api/auth, stored hashed as `mfa:<sha256>` with its stage and a 5-minute life. It can
 * do one thing — prove the code (stage 'verify') or, for a coordinator who has not enrolled yet,
 * enrol and confirm an authenticator (stage 'enrol') — and it is spent when the session is made.
 *
 * TOTP state lives in `totp:<user_id>`, apart from the account document that every session
 * lookup reads, so the secret is only read when a code is checked. The last accepted time step is
 * stored with the secret and advanced with the read revision: a code works once, on one instance.
 * Secrets are stored sealed (sealing.ts) under a key that is not in the database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Store } from '../store.js';
import { parseCookies } from './cookies.js';
import { getOrNull, statusOf, storedAs, updateContended, updateDoc } from '../store-docs.js';
import { base32Decode, matchStep, newSecret, otpauthUri } from './totp.js';
import { isSealed, seal, unseal } from './sealing.js';
import type { AccountDoc } from './types.js';

export const MFA = {
	pendingMs: 5 * 60_000,
	/** An enrolment secret not confirmed within this time is dropped. */
	enrolMs: 10 * 60_000,
	/** Codes one pending sign-in may try; the account's lock-out counts the wrong ones as well. */
	maxAttempts: 5
} as const;

const MFA_COOKIE = 'tw_mfa';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

type MfaStage = 'verify' | 'enrol';

export interface TotpDoc {
	_id: string;
	type: 'totp';
	user_id: string;
	enabled: boolean;
	secret: string | null;
	last_step: number;
	pending_secret: string | null;
	pending_expires_at: string | null;
	enabled_at: string | null;
}

export interface PendingDoc {
	_id: string;
	_rev?: string;
	type: 'mfa_pending';
	user_id: string;
	stage: MfaStage;
	expires_at: string;
	attempts: number;
}

export const totpDocId = (userId: string) => `totp:${userId}`;
const pendingDocId = (token: string) => 'mfa:' + createHash('sha256').update(token).digest('hex');

export function pendingTokenFrom(header: string | undefined): string | null {
	const value = parseCookies(header).get(MFA_COOKIE);
	return value && TOKEN_PATTERN.test(value) ? value : null;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
	// Strict and /api/auth: only the app's own sign-in requests ever carry it.
	return `${MFA_COOKIE}=${value}; Path=/api/auth; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** Kiosks are shared devices and citizens sign in by SMS or eKey: neither has an authenticator. */
export function mayUseTotp(account: Pick<AccountDoc, 'role'>): boolean {
	return account.role !== 'citizen' && account.role !== 'kiosk';
}

export function totpRequired(account: Pick<AccountDoc, 'role'>): boolean {
	return account.role === 'coordinator';
}

export type CodeCheck = 'ok' | 'invalid' | 'not_enrolled';

export interface MfaService {
	/** What must follow the right password: a code, an enrolment, or nothing. */
	stageFor(account: AccountDoc): Promise<MfaStage | null>;
	startPending(account: AccountDoc, stage: MfaStage): Promise<{ cookie: string }>;
	/** The live pending sign-in this cookie names, or null (missing, unknown, expired, used up). */
	pending(token: string | null): Promise<PendingDoc | null>;
	/** Takes one of the pending sign-in's tries before a code is checked, with its revision, so
	 * parallel codes can never check more than MFA.maxAttempts: 'used_up' once they are all
	 * taken, 'gone' when there is no live pending sign-in. */
	takeAttempt(token: string): Promise<'taken' | 'used_up' | 'gone'>;
	dropPending(token: string): Promise<void>;
	clearCookie(): string;
	status(userId: string): Promise<{ enabled: boolean }>;
	/** A fresh secret to show once; refused when TOTP is already on. */
	beginEnrolment(account: AccountDoc): Promise<{ secret: string; otpauth_uri: string }>;
	/** Turns TOTP on when the code matches the secret being enrolled. */
	confirmEnrolment(userId: string, code: string): Promise<CodeCheck>;
	/** Checks a code against the enrolled secret and uses its time step up. */
	verifyCode(userId: string, code: string): Promise<CodeCheck>;
	/** Turns TOTP off (the person, with a code; or a coordinator resetting a lost device). */
	disable(userId: string): Promise<void>;
}

export interface MfaEnv {
	cookieSecure: boolean;
	/** The sealing key; null is refused (startServer resolves it, see sealing.ts). */
	secretsKey: Buffer | null;
}

type MfaDeps = { store: Store; env: MfaEnv; now: () => number };
type PendingSignIns = Pick<MfaService, 'startPending' | 'pending' | 'takeAttempt' | 'dropPending' | 'clearCookie'>;
type Authenticators = Omit<MfaService, keyof PendingSignIns>;

export function createMfaService(deps: { store: Store; env: MfaEnv; now?: () => number }): MfaService {
	const full: MfaDeps = { ...deps, now: deps.now ?? Date.now };
	return { ...pendingSignIns(full), ...authenticators(full) };
}

/** The half-open sign-ins waiting for their second factor: a cookie, an expiry, a few attempts. */
function pendingSignIns(deps: MfaDeps): PendingSignIns {
	const { store, now } = deps;
	const pendingDb = () => store.use<PendingDoc>(DB.AUTH);

	async function dropPending(token: string): Promise<void> {
		const id = pendingDocId(token);
		const doc = await getOrNull(pendingDb(), id);
		if (!doc) return;
		try {
			await pendingDb().destroy(id, doc._rev);
		} catch (error) {
			// Someone else spent it at the same moment: it is gone either way.
			if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
		}
	}

	return {
		async startPending(account, stage) {
			await store.ensureDb(DB.AUTH);
			const token = randomBytes(32).toString('base64url');
			await pendingDb().insert({
				_id: pendingDocId(token),
				type: DOC_TYPES.MFA_PENDING,
				user_id: account.user_id,
				stage,
				expires_at: new Date(now() + MFA.pendingMs).toISOString(),
				attempts: 0
			});
			return { cookie: cookie(token, MFA.pendingMs / 1000, deps.env.cookieSecure) };
		},

		async pending(token) {
			if (!token) return null;
			const doc = await getOrNull(pendingDb(), pendingDocId(token));
			if (!storedAs(doc, DOC_TYPES.MFA_PENDING)) return null;
			if (now() >= Date.parse(doc.expires_at) || doc.attempts >= MFA.maxAttempts) {
				await dropPending(token);
				return null;
			}
			return doc;
		},

		takeAttempt(token) {
			const at = now();
			return updateContended(pendingDb(), pendingDocId(token), (current) => {
				if (!storedAs(current, DOC_TYPES.MFA_PENDING) || at >= Date.parse(current.expires_at)) return { next: null, result: 'gone' as const };
				if (current.attempts >= MFA.maxAttempts) return { next: null, result: 'used_up' as const };
				return { next: { ...current, attempts: current.attempts + 1 }, result: 'taken' as const };
			});
		},

		dropPending,

		clearCookie: () => cookie('', 0, deps.env.cookieSecure)
	};
}

/** Each person's authenticator: enrolment, codes used once, turning it off. */
function authenticators(deps: MfaDeps): Authenticators {
	const { store, now } = deps;
	const key = deps.env.secretsKey;
	if (!key) throw new Error('no key to seal authenticator secrets with (SECRETS_KEY or DATA_DIR/secrets.key)');
	// Bound to the person's document: a sealed secret copied to another account does not open.
	const sealFor = (userId: string, secret: string) => (isSealed(secret) ? secret : seal(key, secret, totpDocId(userId)));
	const openFor = (userId: string, secret: string) => unseal(key, secret, totpDocId(userId));
	const totpDb = () => store.use<TotpDoc>(DB.AUTH);

	async function readTotp(userId: string): Promise<TotpDoc | null> {
		const doc = await getOrNull(totpDb(), totpDocId(userId));
		return doc?.type === DOC_TYPES.TOTP ? doc : null;
	}

	/** Matches `code` against the secret `pick` chooses and records the step; `apply` shapes the saved doc. */
	function checkAgainst(
		userId: string,
		code: string,
		pick: (doc: TotpDoc, at: number) => string | null,
		apply: (doc: TotpDoc, step: number, at: number, secret: string) => TotpDoc
	): Promise<CodeCheck> {
		const at = now();
		return updateDoc(totpDb(), totpDocId(userId), (current) => {
			const secret = current ? pick(current, at) : null;
			const totpKey = secret ? base32Decode(openFor(userId, secret)) : null;
			if (!current || !secret || !totpKey) return { next: null, result: 'not_enrolled' as const };
			const step = matchStep(totpKey, code, at, current.last_step);
			if (step === null) return { next: null, result: 'invalid' as const };
			return { next: apply(current, step, at, secret), result: 'ok' as const };
		});
	}

	return {
		async stageFor(account) {
			if (!mayUseTotp(account)) return null;
			if ((await readTotp(account.user_id))?.enabled) return 'verify';
			return totpRequired(account) ? 'enrol' : null;
		},

		async status(userId) {
			return { enabled: (await readTotp(userId))?.enabled ?? false };
		},

		async beginEnrolment(account) {
			if (!mayUseTotp(account)) throw new TawasulError(403, 'not_allowed');
			const secret = newSecret();
			const at = now();
			await store.ensureDb(DB.AUTH);
			const sealed = sealFor(account.user_id, secret);
			const started = await updateDoc(totpDb(), totpDocId(account.user_id), (current) =>
				current?.enabled ? { next: null, result: false } : { next: pendingEnrolment(current, account.user_id, sealed, at), result: true }
			);
			if (!started) throw new TawasulError(409, 'totp_already_enabled');
			return { secret, otpauth_uri: otpauthUri(secret, account.username ?? account.user_id) };
		},

		confirmEnrolment(userId, code) {
			return checkAgainst(
				userId,
				code,
				(doc, at) => (!doc.enabled && doc.pending_secret && doc.pending_expires_at && at < Date.parse(doc.pending_expires_at) ? doc.pending_secret : null),
				(doc, step, at, pendingSecret) => ({
					...doc,
					enabled: true,
					secret: sealFor(userId, pendingSecret),
					last_step: step,
					pending_secret: null,
					pending_expires_at: null,
					enabled_at: new Date(at).toISOString()
				})
			);
		},

		verifyCode(userId, code) {
			return checkAgainst(
				userId,
				code,
				(doc) => (doc.enabled ? doc.secret : null),
				// A secret stored before sealing existed is sealed now.
				(doc, step) => ({ ...doc, last_step: step, secret: doc.secret ? sealFor(userId, doc.secret) : null })
			);
		},

		async disable(userId) {
			await updateDoc(totpDb(), totpDocId(userId), (current) => {
				if (!current) return { next: null, result: undefined };
				// last_step stays: a code from the old secret's last step can never come back.
				return { next: { ...current, enabled: false, secret: null, pending_secret: null, pending_expires_at: null, enabled_at: null }, result: undefined };
			});
		}
	};
}

/** An enrolment begun: the new secret waits, sealed, until a code from it confirms it. */
function pendingEnrolment(current: TotpDoc | null, userId: string, sealedSecret: string, at: number): TotpDoc {
	return {
		_id: totpDocId(userId),
		type: DOC_TYPES.TOTP,
		user_id: userId,
		enabled: false,
		secret: null,
		last_step: current?.last_step ?? 0,
		pending_secret: sealedSecret,
		pending_expires_at: new Date(at + MFA.enrolMs).toISOString(),
		enabled_at: null
	};
}

const services = new WeakMap<Store, MfaService>();

/** One per store, like the session service, so the admin API and the sign-in routes agree. */
export function mfaServiceFor(store: Store, env: MfaEnv): MfaService {
	let service = services.get(store);
	if (!service) {
		service = createMfaService({ store, env });
		services.set(store, service);
	}
	return service;
}
