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

export function mfaRouter(deps: MfaDeps): express.Router {
	const { store, sessions, mfa } = deps;
	const now = deps.now ?? Date.now;
	const router = express.Router();

	const readCode = (body: unknown) => readStrings(body, { code: { max: 16 } }).code!.replace(/\s/g, '');

	/** The account behind a live pending sign-in of this stage; refuses disabled and locked ones. */
	async function pendingAccount(req: Request, stage: PendingDoc['stage']): Promise<{ token: string; pending: PendingDoc; account: AccountDoc } | null> {
		const token = pendingTokenFrom(req.headers.cookie);
		const pending = await mfa.pending(token);
		if (!token || !pending || pending.stage !== stage) return null;
		const account = await getAccount(store, pending.user_id);
		if (!account || account.disabled) {
			await mfa.dropPending(token);
			throw new TawasulError(401, 'mfa_expired');
		}
		if (isLocked(account, now())) throw new TawasulError(429, 'rate_limited');
		return { token, pending, account };
	}

	/**
	 * Checks a code of a pending sign-in. One of the pending sign-in's tries and one attempt on
	 * the account are taken first, each with its document's revision (issue 10, finding 5): so
	 * parallel codes are refused unchecked once either allowance is used, on every instance, and
	 * a right code can never arrive after the last allowed wrong one. A wrong code stays counted.
	 */
	async function checkPendingCode(req: Request, res: Response, found: { token: string; account: AccountDoc }, check: () => Promise<CodeCheck>) {
		const { token, account } = found;
		const taken = await mfa.takeAttempt(token);
		if (taken === 'gone') throw new TawasulError(401, 'mfa_expired');
		if (taken === 'used_up') {
			await mfa.dropPending(token);
			throw new TawasulError(429, 'rate_limited');
		}
		await reserveAttempt(store, account.user_id, now());
		if ((await check()) === 'ok') return finish(req, res, token, account);
		const error = (await settleFailure(store, account.user_id, now()))
			? new TawasulError(429, 'rate_limited')
			: new TawasulError(400, 'totp_invalid', [{ field: 'code', code: 'totp_invalid' }]);
		if (error.status === 429) await mfa.dropPending(token);
		await auditRefusal(store, now(), { kind: 'auth.sign_in.totp', actor: actorOf(account) }, error);
		throw error;
	}

	/** The pending sign-in is spent: the session replaces it. */
	async function finish(req: Request, res: Response, token: string, account: AccountDoc) {
		await mfa.dropPending(token);
		await recordSignInSuccess(store, account.user_id);
		res.append('Set-Cookie', mfa.clearCookie());
		res.json({ user: await openSession({ store, sessions, now }, req, res, account, { mfa: true, audit: 'auth.sign_in.totp' }) });
	}

	async function enrollee(req: Request, res: Response): Promise<Enrollee> {
		const pending = await pendingAccount(req, 'enrol');
		if (pending) return pending;
		const user = res.locals.user as SessionUser | null;
		if (!user) throw new TawasulError(401, 'mfa_expired');
		const account = await getAccount(store, user.user_id);
		if (!account || !mayUseTotp(account)) throw new TawasulError(403, 'not_allowed');
		return { account, token: null, pending: null };
	}

	router.post(
		'/api/auth/totp',
		json,
		asyncHandler(async (req, res) => {
			const found = await pendingAccount(req, 'verify');
			if (!found) throw new TawasulError(401, 'mfa_expired');
			const code = readCode(req.body);
			await checkPendingCode(req, res, found, () => mfa.verifyCode(found.account.user_id, code));
		})
	);

	router.post(
		'/api/auth/totp/enrol',
		asyncHandler(async (req, res) => {
			const { account } = await enrollee(req, res);
			res.json(await mfa.beginEnrolment(account));
		})
	);

	router.post(
		'/api/auth/totp/confirm',
		json,
		asyncHandler(async (req, res) => {
			const who = await enrollee(req, res);
			const code = readCode(req.body);
			if (who.token) return checkPendingCode(req, res, { token: who.token, account: who.account }, () => mfa.confirmEnrolment(who.account.user_id, code));
			const result = await mfa.confirmEnrolment(who.account.user_id, code);
			if (result !== 'ok') throw new TawasulError(400, 'totp_invalid', [{ field: 'code', code: 'totp_invalid' }]);
			// Sessions opened with the password alone end: only the one proven now goes on.
			await sessions.destroyAllSessionsOf(who.account.user_id);
			res.json({ user: await openSession({ store, sessions, now }, req, res, who.account, { mfa: true, audit: 'auth.sign_in.totp' }) });
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
			if (result !== 'ok') throw new TawasulError(400, 'totp_invalid', [{ field: 'code', code: 'totp_invalid' }]);
			await mfa.disable(user.user_id);
			res.json({ enabled: false });
		})
	);

	return router;
}
