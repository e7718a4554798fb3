/**
 * Sign-in, session and sign-out endpoints, and the middleware that tells the gate who is asking.
 * Routes carry their full /api paths, so the app mounts the router at the root.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { findOrCreateCitizen } from '../auth/accounts.js';
import { clearedSessionCookie, sessionTokenFrom } from '../auth/cookies.js';
import { staffLogin } from '../auth/login.js';
import { createOtpService, type Locale, type OtpService } from '../auth/otp.js';
import { sessionServiceFor, type SessionService } from '../auth/sessions.js';
import type { AccountDoc, SessionUser } from '../auth/types.js';
import type { Env } from '../env.js';
import type { SmsGateway } from '../sms/gateway.js';
import { listOutbox } from '../sms/outbox.js';
import type { Store } from '../store.js';
import { asyncHandler, errorHandler, sendError } from './errors.js';

export interface AuthDeps {
	store: Store;
	env: Pick<Env, 'cookieSecure' | 'smsGateway' | 'production'>;
	gateway: SmsGateway;
	/** Tests inject these; by default one per store, shared with sessionMiddleware. */
	otp?: OtpService;
	sessions?: SessionService;
}

const otpServices = new WeakMap<Store, OtpService>();

function servicesOf(deps: AuthDeps) {
	const sessions = deps.sessions ?? sessionServiceFor(deps.store, deps.env);
	let otp = deps.otp ?? otpServices.get(deps.store);
	if (!otp) {
		otp = createOtpService({ store: deps.store, gateway: deps.gateway });
		otpServices.set(deps.store, otp);
	}
	return { sessions, otp };
}

type Body = Record<string, unknown>;

/** Reads string fields with length limits; every problem is reported at once, by field. */
function readStrings<K extends string>(body: unknown, limits: Record<K, { max: number; optional?: boolean }>): Record<K, string | undefined> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TawasulError(400, 'invalid_format');
	const fields: FieldError[] = [];
	const out = {} as Record<K, string | undefined>;
	for (const [name, limit] of Object.entries(limits) as [K, { max: number; optional?: boolean }][]) {
		const value = (body as Body)[name];
		if (value === undefined || value === null || value === '') {
			if (!limit.optional) fields.push({ field: name, code: 'required' });
		} else if (typeof value !== 'string') {
			fields.push({ field: name, code: 'invalid_format' });
		} else if (value.length > limit.max) {
			fields.push({ field: name, code: 'too_long', params: { max: limit.max } });
		} else {
			out[name] = value;
		}
	}
	if (fields.length) throw new TawasulError(400, fields[0].code, fields);
	return out;
}

function readLocale(value: string | undefined): Locale {
	if (value === undefined || value === 'ar' || value === 'en') return value ?? 'ar';
	throw new TawasulError(400, 'invalid_format', [{ field: 'locale', code: 'invalid_format' }]);
}

/** Without a trusted proxy setting on the app, req.ip is the load balancer's address. */
const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const json = express.json({ limit: '16kb', strict: true });

function noStore(res: Response) {
	res.setHeader('Cache-Control', 'no-store');
}

export function authRouter(deps: AuthDeps): express.Router {
	const { sessions, otp } = servicesOf(deps);
	const router = express.Router();

	router.use('/api', (_req, res, next) => {
		noStore(res);
		next();
	});

	/** Replaces any session this browser had (no fixation), and creates the databases it will pull. */
	async function signIn(req: Request, res: Response, account: AccountDoc) {
		const previous = sessionTokenFrom(req.headers.cookie);
		if (previous) await sessions.destroySession(previous);
		const { cookie, user } = await sessions.createSession(account);
		for (const db of user.databases.pull) await deps.store.ensureDb(db);
		res.setHeader('Set-Cookie', cookie);
		res.json({ user });
	}

	// The JSON parser is per route: on a router mounted at the root, router.use(json) would also
	// swallow the request bodies the gate has to stream through.
	router.post(
		'/api/auth/otp/request',
		json,
		asyncHandler(async (req, res) => {
			const { phone, locale } = readStrings(req.body, { phone: { max: 32 }, locale: { max: 5, optional: true } });
			const sent = await otp.request({ phone: phone!, locale: readLocale(locale), ip: clientIp(req) });
			res.json({ sent: true, expires_in: sent.expires_in });
		})
	);

	router.post(
		'/api/auth/otp/verify',
		json,
		asyncHandler(async (req, res) => {
			const { phone, code } = readStrings(req.body, { phone: { max: 32 }, code: { max: 16 } });
			const e164 = await otp.verify({ phone: phone!, code: code! });
			await signIn(req, res, await findOrCreateCitizen(deps.store, e164));
		})
	);

	router.post(
		'/api/auth/login',
		json,
		asyncHandler(async (req, res) => {
			// 1 KB bounds the work argon2 is asked to do on a hostile password.
			const { username, password } = readStrings(req.body, { username: { max: 64 }, password: { max: 1024 } });
			await signIn(req, res, await staffLogin(deps.store, username!, password!));
		})
	);

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
			if (token) await sessions.destroySession(token);
			res.locals.user = null;
			res.setHeader('Set-Cookie', clearedSessionCookie(deps.env.cookieSecure));
			res.json({ ok: true });
		})
	);

	router.get(
		'/api/dev/sms',
		asyncHandler(async (req, res) => {
			// Codes in clear: never in production, and only when nothing is really sent.
			if (deps.env.smsGateway !== 'outbox' || deps.env.production) throw new TawasulError(404, 'not_allowed');
			const raw = typeof req.query.phone === 'string' && req.query.phone ? req.query.phone : undefined;
			const phone = raw === undefined ? undefined : normalizePhone(raw);
			if (phone === null) throw new TawasulError(400, 'invalid_phone', [{ field: 'phone', code: 'invalid_phone' }]);
			const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 100);
			res.json({ messages: await listOutbox(deps.store, { phone, limit }) });
		})
	);

	router.use('/api', errorHandler);
	return router;
}

async function currentUser(req: Request, res: Response, sessions: SessionService): Promise<SessionUser | null> {
	if (res.locals.user !== undefined) return res.locals.user as SessionUser | null;
	const user = await sessions.resolveSession(sessionTokenFrom(req.headers.cookie));
	res.locals.user = user;
	return user;
}

/** Sets res.locals.user (SessionUser | null) from the cookie for everything after it, the gate included. */
export function sessionMiddleware(deps: Pick<AuthDeps, 'store' | 'env'> & Partial<AuthDeps>): RequestHandler {
	const sessions = deps.sessions ?? sessionServiceFor(deps.store, deps.env);
	return (req, res, next) => {
		if (req.path === '/api' || req.path.startsWith('/api/')) noStore(res);
		currentUser(req, res, sessions).then(
			() => next(),
			(error) => sendError(res, error)
		);
	};
}
