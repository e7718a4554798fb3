/**
 * The TOTP second factor over HTTP (design: docs/design.md, "Staff second factor").
 *
 *   POST /api/auth/totp           {code}  pending 'verify' sign-in → full session
 *   POST /api/auth/totp/enrol             pending 'enrol' sign-in, or a signed-in staff member → secret + otpauth URI
 *   POST /api/auth/totp/confirm   {code}  turns TOTP on; a pending enrolment becomes a full session
 *   GET  /api/auth/totp                   { enabled, required, available } for the signed-in person
 *   POST /api/auth/totp/disable   {code}  staff who may go without it turn it off
 */
import express, { type Request, type Response } from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { getAccount } from '../auth/accounts.js';
import { recordSignInSuccess, reserveAttempt, settleFailure } from '../auth/login.js';
import { mayUseTotp, pendingTokenFrom, totpRequired, type CodeCheck, type MfaService, type PendingDoc } from '../auth/mfa.js';
import { isLocked } from '../auth/passwords.js';
import type { SessionService } from '../auth/sessions.js';
import type { AccountDoc, SessionUser } from '../auth/types.js';
import type { Store } from '../store.js';
import { json, readStrings } from './body.js';
import { asyncHandler } from './errors.js';
import { openSession } from './sign-in.js';
import { actorOf, auditRefusal } from '../audit/auth-events.js';

export interface MfaDeps {
	store: Store;
	sessions: SessionService;
	mfa: MfaService;
	now?: () => number;
}

type Enrollee = { account: AccountDoc; token: string; pending: PendingDoc } | { account: AccountDoc; token: null; pending: null };

const readCode = (body: unknown) => readStrings(body, { code: { max: 16 } }).code.replace(/\s/g, '');
const wrongCode = () => new TawasulError(400, 'totp_invalid', [{ field: 'code', code: 'totp_invalid' }]);

/** The steps the routes share: finding the pending sign-in, checking its code, opening the session. */
class SecondFactor {
	private readonly store: Store;
	private readonly sessions: SessionService;
	private readonly mfa: MfaService;
	readonly now: () => number;

	constructor(deps: MfaDeps) {
		this.store = deps.store;
		this.sessions = deps.sessions;
		this.mfa = deps.mfa;
		this.now = deps.now ?? Date.now;
	}

	/** The account behind a live pending sign-in of this stage; refuses disabled and locked ones. */
	async pendingAccount(req: Request, stage: PendingDoc['stage']): Promise<{ token: string; pending: PendingDoc; account: AccountDoc } | null> {
		const token = pendingTokenFrom(req.headers.cookie);
		const pending = await this.mfa.pending(token);
		if (!token || !pending || pending.stage !== stage) return null;
		const account = await getAccount(this.store, pending.user_id);
		if (!account || account.disabled) {
			await this.mfa.dropPending(token);
			throw new TawasulError(401, 'mfa_expired');
		}
		if (isLocked(account, this.now())) throw new TawasulError(429, 'rate_limited');
		return { token, pending, account };
	}

	/**
	 * Checks a code of a pending sign-in. One of the pending sign-in's tries and one attempt on
	 * the account are taken first, each with its document's revision (issue 10, finding 5): so
	 * parallel codes are refused unchecked once either allowance is used, on every instance, and
	 * a right code can never arrive after the last allowed wrong one. A wrong code stays counted.
	 */
	async checkPendingCode(req: Request, res: Response, found: { token: string; account: AccountDoc }, check: () => Promise<CodeCheck>): Promise<void> {
		const { token, account } = found;
		const taken = await this.mfa.takeAttempt(token);
		if (taken === 'gone') throw new TawasulError(401, 'mfa_expired');
		if (taken === 'used_up') {
			await this.mfa.dropPending(token);
			throw new TawasulError(429, 'rate_limited');
		}
		await reserveAttempt(this.store, account.user_id, this.now());
		if ((await check()) === 'ok') return this.finish(req, res, token, account);
		const error = (await settleFailure(this.store, account.user_id, this.now())) ? new TawasulError(429, 'rate_limited') : wrongCode();
		if (error.status === 429) await this.mfa.dropPending(token);
		await auditRefusal(this.store, this.now(), { kind: 'auth.sign_in.totp', actor: actorOf(account) }, error);
		throw error;
	}

	/** The pending sign-in is spent: the session replaces it. */
	private async finish(req: Request, res: Response, token: string, account: AccountDoc): Promise<void> {
		await this.mfa.dropPending(token);
		await recordSignInSuccess(this.store, account.user_id);
		res.append('Set-Cookie', this.mfa.clearCookie());
		await this.openSession(req, res, account);
	}

	async openSession(req: Request, res: Response, account: AccountDoc): Promise<void> {
		res.json({ user: await openSession({ store: this.store, sessions: this.sessions, now: this.now }, req, res, account, { mfa: true, audit: 'auth.sign_in.totp' }) });
	}

	/** Who is enrolling: a pending sign-in that must enrol, or a signed-in staff member. */
	async enrollee(req: Request, res: Response): Promise<Enrollee> {
		const pending = await this.pendingAccount(req, 'enrol');
		if (pending) return pending;
		const user = res.locals.user as SessionUser | null;
		if (!user) throw new TawasulError(401, 'mfa_expired');
		const account = await getAccount(this.store, user.user_id);
		if (!account || !mayUseTotp(account)) throw new TawasulError(403, 'not_allowed');
		return { account, token: null, pending: null };
	}
}

export function mfaRouter(deps: MfaDeps): express.Router {
	const { sessions, mfa } = deps;
	const steps = new SecondFactor(deps);
	const router = express.Router();

	router.post(
		'/api/auth/totp',
		json,
		asyncHandler(async (req, res) => {
			const found = await steps.pendingAccount(req, 'verify');
			if (!found) throw new TawasulError(401, 'mfa_expired');
			const code = readCode(req.body);
			await steps.checkPendingCode(req, res, found, () => mfa.verifyCode(found.account.user_id, code));
		})
	);

	router.post(
		'/api/auth/totp/enrol',
		asyncHandler(async (req, res) => {
			const { account } = await steps.enrollee(req, res);
			res.json(await mfa.beginEnrolment(account));
		})
	);

	router.post(
		'/api/auth/totp/confirm',
		json,
		asyncHandler(async (req, res) => {
			const who = await steps.enrollee(req, res);
			const code = readCode(req.body);
			if (who.token) return steps.checkPendingCode(req, res, { token: who.token, account: who.account }, () => mfa.confirmEnrolment(who.account.user_id, code));
			const result = await mfa.confirmEnrolment(who.account.user_id, code);
			if (result !== 'ok') throw wrongCode();
			// Sessions opened with the password alone end: only the one proven now goes on.
			await sessions.destroyAllSessionsOf(who.account.user_id);
			await steps.openSession(req, res, who.account);
		})
	);

	router.get(
		'/api/auth/totp',
		asyncHandler(async (_req, res) => {
			const user = res.locals.user as SessionUser | null;
			if (!user) throw new TawasulError(401, 'unauthorized');
			const { enabled } = await mfa.status(user.user_id);
			res.json({ enabled, required: totpRequired(user), available: mayUseTotp(user) });
		})
	);

	router.post(
		'/api/auth/totp/disable',
		json,
		asyncHandler(async (req, res) => {
			const user = res.locals.user as SessionUser | null;
			if (!user) throw new TawasulError(401, 'unauthorized');
			if (totpRequired(user)) throw new TawasulError(403, 'totp_required');
			const result = await mfa.verifyCode(user.user_id, readCode(req.body));
			if (result !== 'ok') throw wrongCode();
			await mfa.disable(user.user_id);
			res.json({ enabled: false });
		})
	);

	return router;
}
