/**
 * Sign-in, session and sign-out endpoints, and the middleware that tells the gate who is asking.
 * Routes carry their full /api paths, so the app mounts the router at the root.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { findOrCreateCitizen, findStaff, getAccount, setPassword } from '../auth/accounts.js';
import { clearedSessionCookie, sessionTokenFrom } from '../auth/cookies.js';
import { checkStaffPassword } from '../auth/login.js';
import { mfaServiceFor, type MfaService } from '../auth/mfa.js';
import { createOtpService, type Locale, type OtpService } from '../auth/otp.js';
import { sessionServiceFor, type SessionService } from '../auth/sessions.js';
import type { AccountDoc, SessionUser } from '../auth/types.js';
import type { Env } from '../env.js';
import type { SmsGateway } from '../sms/gateway.js';
import { listOutbox } from '../sms/outbox.js';
import type { Store } from '../store.js';
import { json, readStrings } from './body.js';
import { asyncHandler, errorHandler, sendError } from './errors.js';
import { mfaRouter } from './mfa-routes.js';
import { oidcRouter } from './oidc-routes.js';
import { openSession } from './sign-in.js';
import { actorOf, auditAuth, auditRefusal } from '../audit/auth-events.js';
import { maskPhone } from '../audit/entries.js';

export interface AuthDeps {
	store: Store;
	/** `oidc` unset or null: no eKey sign-in. */
	env: Pick<Env, 'cookieSecure' | 'smsGateway' | 'production' | 'secretsKey'> & Partial<Pick<Env, 'oidc' | 'signInCodes'>>;
	gateway: SmsGateway;
	/** Tests inject these; by default one per store, shared with sessionMiddleware. */
	otp?: OtpService;
	sessions?: SessionService;
	mfa?: MfaService;
	now?: () => number;
}

const otpServices = new WeakMap<Store, OtpService>();

function servicesOf(deps: AuthDeps) {
	const sessions = deps.sessions ?? sessionServiceFor(deps.store, deps.env);
	const mfa = deps.mfa ?? mfaServiceFor(deps.store, deps.env);
	let otp = deps.otp ?? otpServices.get(deps.store);
	if (!otp) {
		otp = createOtpService({ store: deps.store, gateway: deps.gateway, limits: deps.env.signInCodes });
		otpServices.set(deps.store, otp);
	}
	return { sessions, otp, mfa };
}

function readLocale(value: string | undefined): Locale {
	if (value === undefined || value === 'ar' || value === 'en') return value ?? 'ar';
	throw new TawasulError(400, 'invalid_format', [{ field: 'locale', code: 'invalid_format' }]);
}

/** Without a trusted proxy setting on the app, req.ip is the load balancer's address. */
const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The client is this machine. req.ip, not the socket: the app trusts X-Forwarded-For from a
 * loopback proxy only (app.ts), so a reverse proxy on this machine forwarding someone from
 * outside is seen as that someone, and a header sent from outside is not believed. */
function fromLoopback(req: Request): boolean {
	const ip = clientIp(req);
	return ip === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(ip);
}

function noStore(res: Response) {
	res.setHeader('Cache-Control', 'no-store');
}

export function authRouter(deps: AuthDeps): express.Router {
	const { sessions, otp, mfa } = servicesOf(deps);
	const now = deps.now ?? Date.now;
	const router = express.Router();

	router.use('/api', (_req, res, next) => {
		noStore(res);
		next();
	});

	const ctx: AuthContext = {
		deps,
		sessions,
		otp,
		mfa,
		now,
		signIn: async (req, res, account, options) => {
			res.json({ user: await openSession({ store: deps.store, sessions, now }, req, res, account, options) });
		}
	};
	signInRoutes(router, ctx);
	router.use(mfaRouter({ store: deps.store, sessions, mfa, now }));
	router.use(oidcRouter({ store: deps.store, sessions, oidc: deps.env.oidc ?? null, cookieSecure: deps.env.cookieSecure, now }));
	sessionRoutes(router, ctx);
	devRoutes(router, ctx);

	router.use('/api', errorHandler);
	return router;
}

interface AuthContext {
	deps: AuthDeps;
	sessions: SessionService;
	otp: OtpService;
	mfa: MfaService;
	now: () => number;
	/** Opens the session and answers with who is now signed in. */
	signIn: (req: Request, res: Response, account: AccountDoc, options: { mfa?: boolean; audit: string }) => Promise<void>;
}

/** Citizens by SMS code, staff by password (and the second factor when one is due). */
function signInRoutes(router: express.Router, ctx: AuthContext): void {
	const { deps, otp, mfa, now, signIn } = ctx;
	// The JSON parser is per route (body.ts says why).
	router.post(
		'/api/auth/otp/request',
		json,
		asyncHandler(async (req, res) => {
			const { phone, locale } = readStrings(req.body, { phone: { max: 32 }, locale: { max: 5, optional: true } });
			const sent = await otp.request({ phone, locale: readLocale(locale), ip: clientIp(req) });
			res.json({ sent: true, expires_in: sent.expires_in });
		})
	);

	router.post(
		'/api/auth/otp/verify',
		json,
		asyncHandler(async (req, res) => {
			const { phone, code } = readStrings(req.body, { phone: { max: 32 }, code: { max: 16 } });
			let e164: string;
			try {
				e164 = await otp.verify({ phone, code });
			} catch (error) {
				await auditRefusal(deps.store, now(), { kind: 'auth.sign_in.sms', actor: null, target: { type: 'phone', id: maskPhone(phone) } }, error);
				throw error;
			}
			await signIn(req, res, await findOrCreateCitizen(deps.store, e164), { audit: 'auth.sign_in.sms' });
		})
	);

	router.post(
		'/api/auth/login',
		json,
		asyncHandler(async (req, res) => {
			// 1 KB bounds the work argon2 is asked to do on a hostile password.
			const { username, password } = readStrings(req.body, { username: { max: 64 }, password: { max: 1024 } });
			let account: AccountDoc;
			// The second factor due, decided once the password is right: without one, the failure
			// count starts again in the same write that takes this attempt's count back.
			const due: { stage: Awaited<ReturnType<typeof mfa.stageFor>> } = { stage: null };
			const noSecondFactor = async (found: AccountDoc) => {
				due.stage = await mfa.stageFor(found);
				return due.stage === null;
			};
			try {
				account = await checkStaffPassword(deps.store, username, password, now(), { resetFailures: noSecondFactor });
			} catch (error) {
				const known = actorOf(await findStaff(deps.store, username).catch(() => null));
				await auditRefusal(deps.store, now(), { kind: 'auth.sign_in.password', actor: known, ...(known ? {} : { target: { type: 'username', id: username } }) }, error);
				throw error;
			}
			const stage = due.stage;
			if (stage) {
				// Half signed in: the pending cookie can only finish this sign-in (mfa-routes.ts).
				const { cookie } = await mfa.startPending(account, stage);
				res.append('Set-Cookie', cookie);
				res.json({ mfa_required: true, ...(stage === 'enrol' ? { enrolment_required: true } : {}) });
				return;
			}
			await signIn(req, res, account, { audit: 'auth.sign_in.password' });
		})
	);
}

/** Who is signed in, signing out (here or everywhere), and changing one's password. */
function sessionRoutes(router: express.Router, ctx: AuthContext): void {
	const { deps, sessions, now, signIn } = ctx;
	router.get(
		'/api/session',
		asyncHandler(async (req, res) => {
			const user = await currentUser(req, res, sessions);
			if (!user) throw new TawasulError(401, 'unauthorized');
			res.json({ user });
		})
	);

	router.post(
		'/api/auth/logout',
		asyncHandler(async (req, res) => {
			const token = sessionTokenFrom(req.headers.cookie);
			const user = await currentUser(req, res, sessions);
			if (token) await sessions.destroySession(token);
			if (user) await auditAuth(deps.store, now(), { kind: 'auth.sign_out', actor: actorOf(user) });
			res.locals.user = null;
			res.setHeader('Set-Cookie', clearedSessionCookie(deps.env.cookieSecure));
			res.json({ ok: true });
		})
	);

	/** Every session of the person ends, on every device (a lost phone, a shared computer). */
	router.post(
		'/api/auth/logout-all',
		asyncHandler(async (req, res) => {
			const user = await currentUser(req, res, sessions);
			if (!user) throw new TawasulError(401, 'unauthorized');
			await sessions.destroyAllSessionsOf(user.user_id);
			await auditAuth(deps.store, now(), { kind: 'auth.sign_out_all', actor: actorOf(user) });
			res.locals.user = null;
			res.setHeader('Set-Cookie', clearedSessionCookie(deps.env.cookieSecure));
			res.json({ ok: true });
		})
	);

	/** Staff change their own password (after a coordinator's reset gave them a temporary one).
	 * Every other session ends; this one is renewed with the same strength. */
	router.post(
		'/api/auth/password',
		json,
		asyncHandler(async (req, res) => {
			const user = await currentUser(req, res, sessions);
			if (!user) throw new TawasulError(401, 'unauthorized');
			const { current_password, new_password } = readStrings(req.body, { current_password: { max: 1024 }, new_password: { max: 1024 } });
			const account = await getAccountOrThrow(deps.store, user.user_id);
			if (!account.username) throw new TawasulError(403, 'not_allowed');
			await checkStaffPassword(deps.store, account.username, current_password, now());
			const changed = await setPassword(deps.store, user.user_id, new_password);
			// Read a moment ago: only a deletion in between leaves nothing to sign in with.
			if (!changed) throw new Error('the account whose password was changed is gone');
			await sessions.destroyAllSessionsOf(user.user_id);
			await signIn(req, res, changed, { mfa: user.mfa === true, audit: 'auth.password_change' });
		})
	);
}

/** The SMS outbox in clear, for a developer's own machine only. */
function devRoutes(router: express.Router, ctx: AuthContext): void {
	const { deps } = ctx;
	router.get(
		'/api/dev/sms',
		asyncHandler(async (req, res) => {
			// Codes in clear: never in production, only when nothing is really sent, and only to
			// someone at the server's own keyboard.
			if (deps.env.smsGateway !== 'outbox' || deps.env.production) throw new TawasulError(404, 'not_allowed');
			if (!fromLoopback(req)) throw new TawasulError(403, 'dev_loopback_only');
			const raw = typeof req.query.phone === 'string' && req.query.phone ? req.query.phone : undefined;
			const phone = raw === undefined ? undefined : normalizePhone(raw);
			if (phone === null) throw new TawasulError(400, 'invalid_phone', [{ field: 'phone', code: 'invalid_phone' }]);
			const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 100);
			res.json({ messages: await listOutbox(deps.store, { phone, limit }) });
		})
	);
}

async function getAccountOrThrow(store: Store, userId: string) {
	const account = await getAccount(store, userId);
	if (!account) throw new TawasulError(401, 'unauthorized');
	return account;
}

async function currentUser(req: Request, res: Response, sessions: SessionService): Promise<SessionUser | null> {
	if (res.locals.user !== undefined) return res.locals.user as SessionUser | null;
	const user = await sessions.resolveSession(sessionTokenFrom(req.headers.cookie));
	res.locals.user = user;
	return user;
}

/** What someone signed in with a one-time password may still do: see who they are, choose a new
 * password, enrol an authenticator, sign out. */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/session', '/api/auth/password', '/api/auth/logout', '/api/auth/logout-all', '/api/auth/totp', '/api/auth/totp/enrol', '/api/auth/totp/confirm']);

/** Sets res.locals.user (SessionUser | null) from the cookie for everything after it, the gate
 * included; a person who must still replace a one-time password gets nothing else. */
export function sessionMiddleware(deps: Pick<AuthDeps, 'store' | 'env'> & Partial<AuthDeps>): RequestHandler {
	const sessions = deps.sessions ?? sessionServiceFor(deps.store, deps.env);
	return (req, res, next) => {
		const api = req.path === '/api' || req.path.startsWith('/api/');
		if (api) noStore(res);
		currentUser(req, res, sessions).then(
			(user) => {
				const guarded = api || req.path.startsWith('/db/');
				if (user?.must_change_password && guarded && !BEFORE_PASSWORD_CHANGE.has(req.path)) {
					sendError(res, new TawasulError(403, 'password_change_required'));
					return;
				}
				next();
			},
			(error: unknown) => {
				sendError(res, error);
			}
		);
	};
}
