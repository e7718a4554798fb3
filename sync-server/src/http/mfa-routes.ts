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
import { recordFailedFactor, recordSignInSuccess } from '../auth/login.js';
import { mayUseTotp, pendingTokenFrom, totpRequired, type MfaService, type PendingDoc } from '../auth/mfa.js';
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

	/** A wrong code during sign-in: spends one of the pending sign-in's tries and counts towards the lock-out. */
	async function failedCode(token: string, account: AccountDoc): Promise<never> {
		await mfa.spendAttempt(token);
		const error = (await recordFailedFactor(store, account.user_id, now()))
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
			const result = await mfa.verifyCode(found.account.user_id, code);
			if (result !== 'ok') return failedCode(found.token, found.account);
			await finish(req, res, found.token, found.account);
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
			const result = await mfa.confirmEnrolment(who.account.user_id, code);
			if (who.token) {
				if (result !== 'ok') return failedCode(who.token, who.account);
				return finish(req, res, who.token, who.account);
			}
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
