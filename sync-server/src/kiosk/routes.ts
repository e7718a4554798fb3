/** The kiosk API (issue 12). Coordinators register, re-key and revoke kiosks and see the fleet
 * (`/api/admin/kiosk-devices`); a device enrols with its one-time code and then signs every
 * request (`/api/kiosk/*`, kiosk-signing.ts). At the kiosk a citizen proves their phone with the
 * sign-in code, the kiosk files for that citizen only, reads back the receipt of what it filed in
 * this session and nothing else, and "finish" ends the session on the server.
 *
 * A kiosk never holds a cookie: staff and citizen routes see no session from it, and the gate
 * (/db) gives it nothing. */
import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { KIOSK_ID, readKioskHeaders, readPublicJwk } from '../../../src/lib/domain/kiosk-signing.js';
import { KIOSK_SESSION_MAX_MS, typesWithoutPhone } from '../../../src/lib/domain/kiosk-session.js';
import { findOrCreateCitizen } from '../auth/accounts.js';
import { mfaServiceFor } from '../auth/mfa.js';
import { sessionServiceFor } from '../auth/sessions.js';
import { createOtpService, type OtpService } from '../auth/otp.js';
import { SlidingWindow } from '../auth/rate-limit.js';
import { CatalogueSource } from '../engine/catalogue.js';
import type { Env } from '../env.js';
import { asyncHandler, sendError } from '../http/errors.js';
import { sendReceipt } from '../http/receipt.js';
import { json, readObject, readStrings } from '../http/body.js';
import { requireRole } from '../http/guards.js';
import type { SmsGateway } from '../sms/gateway.js';
import type { Store } from '../store.js';
import { log } from '../log.js';
import { auditChange, type AdminContext } from '../admin/context.js';
import { issueGrant, outboxKeys, type OutboxKeys } from './deferred.js';
import { fileCase, outboxRoute, readFilingId } from './filing.js';
import { citizenLinkRoutes, endLink, kioskLinkRoutes } from './phone-link.js';
import { admitSignedRequest, enrolKiosk, fleetView, listKiosks, recordHeartbeat, registerKiosk, reissueCode, revokeKiosk, updateKiosk, type KioskDoc, type NewKiosk } from './devices.js';

/** A kiosk request's body: a code, a phone, a heartbeat. */
const KIOSK_BODY_MAX = '24kb';
/** A filing's body: the case's text and the photos from the kiosk's camera, re-encoded on the
 * device (≤ 500 KB each, base64 in `_attachments`), at most KIOSK_PHOTOS_MAX of them. */
const KIOSK_CASE_BODY_MAX = '2500kb';
/** Failed enrolments per client address per hour (per instance): with 59 bits a code cannot be
 * guessed anyway; this stops a client from spending the server's time trying. */
const ENROL_FAILURES_PER_ADDRESS = { max: 20, windowMs: 60 * 60_000 };
/** Signed requests one kiosk may make per minute (per instance). */
const REQUESTS_PER_MINUTE = 120;
/** Heartbeats one kiosk may send per minute (per instance): it sends one a minute, and one more
 * after each filing, outbox delivery or error. */
const HEARTBEATS_PER_MINUTE = 10;
/** A heartbeat's body: a version, an outbox length and ten short errors. */
const KIOSK_HEARTBEAT_BODY_MAX = '8kb';
const ID = KIOSK_ID;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KioskDeps {
	store: Store;
	env: Env;
	gateway: SmsGateway;
	/** Sign-in codes: the citizen app's service (its per-number limit is kept in the store, so
	 * both count against one limit). */
	otp?: OtpService;
	now?: () => number;
}

interface Signed {
	kiosk: KioskDoc;
	body: Record<string, unknown>;
}

function noStore(res: Response) {
	res.setHeader('Cache-Control', 'no-store');
}

export function kioskRouter(deps: KioskDeps): express.Router {
	const { store, env } = deps;
	const now = deps.now ?? Date.now;
	const ctx: KioskContext = {
		store,
		env,
		now,
		otp: deps.otp ?? createOtpService({ store, gateway: deps.gateway, limits: env.signInCodes }),
		catalogues: new CatalogueSource(store),
		admin: { store, sessions: sessionServiceFor(store, env), mfa: mfaServiceFor(store, env), now },
		failedEnrolments: new SlidingWindow(ENROL_FAILURES_PER_ADDRESS.max, ENROL_FAILURES_PER_ADDRESS.windowMs),
		perKiosk: new SlidingWindow(REQUESTS_PER_MINUTE, 60_000),
		heartbeats: new SlidingWindow(HEARTBEATS_PER_MINUTE, 60_000),
		keys: env.secretsKey ? outboxKeys(env.secretsKey) : null
	};
	const router = express.Router();
	router.use(['/api/kiosk', FLEET], (_req, res, next) => {
		noStore(res);
		next();
	});
	fleetRoutes(router, ctx);
	enrolRoute(router, ctx);
	const signed = signedRoute(ctx);
	sessionRoutes(router, ctx, signed);
	caseRoutes(router, ctx, signed);
	outboxRoute(router, ctx, signed, ctx.keys);
	kioskLinkRoutes(router, ctx, signed, (who, kiosk) => startSession(ctx, kiosk.kiosk_id, who));
	citizenLinkRoutes(router, ctx);

	// A kiosk's refusals are JSON like every other API error, the body parser's included.
	router.use(['/api/kiosk', '/api/kiosk-link'], (error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
		sendError(res, error);
	});
	return router;
}

export interface KioskContext {
	store: Store;
	env: Env;
	now: () => number;
	otp: OtpService;
	catalogues: CatalogueSource;
	admin: AdminContext;
	/** Failed enrolments per client address. */
	failedEnrolments: SlidingWindow;
	/** Signed requests per kiosk. */
	perKiosk: SlidingWindow;
	/** Heartbeats per kiosk. */
	heartbeats: SlidingWindow;
	/** The outbox key and the grants' key; null when the server has no SECRETS_KEY. */
	keys: OutboxKeys | null;
}

export type SignedRoute = ReturnType<typeof signedRoute>;

const FLEET = '/api/admin/kiosk-devices';
const coordinator = (res: Response) => requireRole(res, ['coordinator']);

/** The coordinator's side: the fleet, registering, a new enrolment code, revoking. */
function fleetRoutes(router: express.Router, ctx: KioskContext): void {
	const { store, env, now, admin } = ctx;
	const base = FLEET;
	router.get(
		base,
		asyncHandler(async (_req, res) => {
			coordinator(res);
			const at = now();
			const kiosks = (await listKiosks(store)).map((k) => fleetView(k, at, env.kiosk.staleAfterMs));
			res.json({ kiosks, stale_after_minutes: env.kiosk.staleAfterMs / 60_000 });
		})
	);

	router.post(
		base,
		json,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const { kiosk, code } = await registerKiosk(store, readNewKiosk(req.body), user.user_id, now());
			await auditChange(admin, user, 'admin.kiosk.create', { type: 'kiosk', id: kiosk.kiosk_id }, { changes: { name: kiosk.name, centre: kiosk.centre, location: kiosk.location } });
			res.status(201).json({ kiosk: fleetView(kiosk, now(), env.kiosk.staleAfterMs), enrolment_code: code, expires_at: codeExpiry(kiosk) });
		})
	);

	router.post(
		`${base}/:kiosk_id/code`,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const issued = ID.test(req.params.kiosk_id) ? await reissueCode(store, req.params.kiosk_id, now()) : null;
			if (!issued) throw new TawasulError(404, 'not_found');
			await auditChange(admin, user, 'admin.kiosk.update', { type: 'kiosk', id: issued.kiosk.kiosk_id }, { changes: { enrolment: 'reissued' } });
			res.json({ kiosk: fleetView(issued.kiosk, now(), env.kiosk.staleAfterMs), enrolment_code: issued.code, expires_at: codeExpiry(issued.kiosk) });
		})
	);

	router.post(
		`${base}/:kiosk_id/revoke`,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const kiosk = ID.test(req.params.kiosk_id) ? await revokeKiosk(store, req.params.kiosk_id, now()) : null;
			if (!kiosk) throw new TawasulError(404, 'not_found');
			await auditChange(admin, user, 'admin.kiosk.update', { type: 'kiosk', id: kiosk.kiosk_id }, { changes: { revoked: true } });
			res.json({ kiosk: fleetView(kiosk, now(), env.kiosk.staleAfterMs) });
		})
	);
}

/** When the code just issued to a kiosk stops working. */
function codeExpiry(kiosk: KioskDoc): string {
	if (!kiosk.enrolment) throw new Error(`kiosk ${kiosk.kiosk_id} was just given a code but holds no enrolment`);
	return kiosk.enrolment.expires_at;
}

/** A kiosk's name, service centre and location, trimmed: a name or centre of spaces alone is as
 * missing as an empty one, since the fleet and every case filed at the kiosk show them. */
function readNewKiosk(body: unknown): NewKiosk {
	const input = readStrings(body, { name: { max: 120 }, centre: { max: 120 }, location: { max: 200, optional: true } });
	const kiosk = { name: input.name.trim(), centre: input.centre.trim(), location: input.location?.trim() ?? '' };
	const blank = (['name', 'centre'] as const).filter((field) => !kiosk[field]);
	if (blank.length)
		throw new TawasulError(
			400,
			'required',
			blank.map((field) => ({ field, code: 'required' as const }))
		);
	return kiosk;
}

/** The device's first request: its one-time code and its public key. */
function enrolRoute(router: express.Router, ctx: KioskContext): void {
	const { store, now, failedEnrolments } = ctx;
	router.post(
		'/api/kiosk/enrol',
		json,
		asyncHandler(async (req, res) => {
			const address = req.ip ?? 'unknown';
			if (failedEnrolments.full(address, now())) throw new TawasulError(429, 'rate_limited');
			let kiosk: KioskDoc;
			try {
				const body = readObject(req.body);
				const { code, app_version } = readStrings(body, { code: { max: 32 }, app_version: { max: 40, optional: true } });
				const publicKey = readPublicJwk(body.public_key);
				if (!publicKey) throw new TawasulError(400, 'invalid_format', [{ field: 'public_key', code: 'invalid_format' }]);
				kiosk = await enrolKiosk(store, code, publicKey, app_version ?? null, now());
			} catch (error) {
				if (error instanceof TawasulError && error.status === 400) failedEnrolments.hit(address, now());
				throw error;
			}
			log.info('kiosk enrolled', { kiosk_id: kiosk.kiosk_id });
			res.json({ kiosk: { kiosk_id: kiosk.kiosk_id, name: kiosk.name, centre: kiosk.centre, location: kiosk.location }, outbox_key: ctx.keys?.publicKey ?? null });
		})
	);
}

/** Every other kiosk route: the raw body is read (bounded) so its hash can be checked against
 * the signature before anything parses it. */
function signedRoute(ctx: KioskContext) {
	const { store, now, perKiosk } = ctx;
	return (handler: (req: Request, res: Response, signed: Signed) => Promise<unknown>, limit = KIOSK_BODY_MAX) => [
		express.raw({ type: () => true, limit }),
		asyncHandler(async (req, res) => {
			const at = now();
			const header = readKioskHeaders((name) => req.get(name) ?? undefined, at);
			if (!header.ok) throw new TawasulError(401, header.problem);
			const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
			const bodySha256 = createHash('sha256').update(raw).digest('hex');
			const kiosk = await admitSignedRequest(store, header.headers, { method: req.method, path: req.originalUrl, bodySha256 }, at);
			if (!perKiosk.hit(kiosk.kiosk_id, at)) throw new TawasulError(429, 'rate_limited');
			let body: Record<string, unknown> = {};
			if (raw.length > 0) {
				try {
					body = readObject(JSON.parse(raw.toString('utf8')));
				} catch (error) {
					if (error instanceof TawasulError) throw error;
					throw new TawasulError(400, 'invalid_format');
				}
			}
			await handler(req, res, { kiosk, body });
		})
	];
}

/** The device's heartbeat, and the citizen's session: a code to their phone, then proving it
 * (or a session without a phone). */
function sessionRoutes(router: express.Router, ctx: KioskContext, signed: SignedRoute): void {
	const { store, now, otp } = ctx;
	// Sent once a minute while the kiosk is idle, so the fleet view's "last contact" stays fresh.
	router.post(
		'/api/kiosk/heartbeat',
		...signed(async (_req, res, { kiosk, body }) => {
			if (!ctx.heartbeats.hit(kiosk.kiosk_id, now())) throw new TawasulError(429, 'rate_limited');
			const { app_version } = readStrings(body, { app_version: { max: 40, optional: true } });
			const errors = body.errors ?? [];
			if (!Array.isArray(errors) || errors.length > 10 || errors.some((e) => typeof e !== 'string' || e.length > 300)) {
				throw new TawasulError(400, 'invalid_format', [{ field: 'errors', code: 'invalid_format' }]);
			}
			const outbox = body.outbox_length;
			if (outbox !== undefined && (typeof outbox !== 'number' || !Number.isInteger(outbox) || outbox < 0 || outbox > 100_000)) {
				throw new TawasulError(400, 'invalid_format', [{ field: 'outbox_length', code: 'invalid_format' }]);
			}
			await recordHeartbeat(store, kiosk.kiosk_id, { app_version, outbox_length: outbox, errors: errors as string[] }, now());
			res.json({
				ok: true,
				kiosk: { name: kiosk.name, centre: kiosk.centre, location: kiosk.location },
				in_session: liveSession(kiosk, now()) !== null,
				idle_timeout_ms: ctx.env.kiosk.idleMs,
				outbox_key: ctx.keys?.publicKey ?? null
			});
		}, KIOSK_HEARTBEAT_BODY_MAX)
	);

	// The citizen asks for a code to their phone; the kiosk stands for the address in the
	// per-address limit, so one kiosk cannot spray codes at many numbers.
	router.post(
		'/api/kiosk/session/code',
		...signed(async (_req, res, { kiosk, body }) => {
			const { phone, locale } = readStrings(body, { phone: { max: 32 }, locale: { max: 5, optional: true } });
			if (locale !== undefined && locale !== 'ar' && locale !== 'en') throw new TawasulError(400, 'invalid_format', [{ field: 'locale', code: 'invalid_format' }]);
			const sent = await otp.request({ phone, locale: locale ?? 'ar', ip: `kiosk:${kiosk.kiosk_id}` });
			res.json({ sent: true, expires_in: sent.expires_in });
		})
	);

	router.post(
		'/api/kiosk/session',
		...signed(async (_req, res, { kiosk, body }) => {
			const { phone, code } = readStrings(body, { phone: { max: 32 }, code: { max: 16 } });
			const e164 = await otp.verify({ phone, code });
			const citizen = await findOrCreateCitizen(store, e164, { now: now() });
			const session = await startSession(ctx, kiosk.kiosk_id, { citizen_id: citizen.user_id, phone: e164 });
			// Kept by the kiosk in memory for this session, sealed into a filing it must queue offline.
			const grant = ctx.env.secretsKey ? issueGrant(ctx.env.secretsKey, { kiosk_id: kiosk.kiosk_id, citizen_id: citizen.user_id, phone: e164, issued_at: now() }) : null;
			res.json({ session: { identified: true, started_at: session.started_at, grant } });
		})
	);

	router.post(
		'/api/kiosk/session/anonymous',
		...signed(async (_req, res, { kiosk }) => {
			const session = await startSession(ctx, kiosk.kiosk_id, { citizen_id: null, phone: null });
			res.json({ session: { identified: false, started_at: session.started_at, case_types: typesWithoutPhone((await ctx.catalogues.get()).categories.values()) } });
		})
	);
}

/** Filing for the session's citizen, the receipt of what was filed, and finishing. */
function caseRoutes(router: express.Router, ctx: KioskContext, signed: SignedRoute): void {
	const { store, env, now, catalogues } = ctx;
	router.post(
		'/api/kiosk/cases',
		...signed(async (_req, res, { kiosk, body }) => {
			const session = liveSession(kiosk, now());
			if (!session) throw new TawasulError(409, 'kiosk_no_citizen');
			// The device may name the citizen it thinks it files for; it must be the one who proved
			// their phone in this session, never someone else.
			const { citizen_id: claimed, filing_id: filingId, ...fields } = body;
			if (claimed !== undefined && claimed !== session.citizen_id) throw new TawasulError(403, 'kiosk_citizen_mismatch');
			const caseKey = await fileCase(ctx, kiosk, session, fields, readFilingId(filingId));
			await updateKiosk(store, kiosk.kiosk_id, (current) =>
				current.session && current.session.started_at === session.started_at && !current.session.case_keys.includes(caseKey)
					? { ...current, session: { ...current.session, case_keys: [...current.session.case_keys, caseKey].slice(-20) } }
					: null
			);
			res.status(202).json({ case_key: caseKey });
		}, KIOSK_CASE_BODY_MAX)
	);

	// The receipt of a case this kiosk filed in the session still open: reference, entity, due
	// date and where to follow it. Nothing of the case's text, and nothing of any other case.
	router.get(
		'/api/kiosk/receipt/:case_key',
		...signed(async (req, res, { kiosk }) => {
			const caseKey = req.params.case_key;
			const session = liveSession(kiosk, now());
			if (!session) throw new TawasulError(409, 'kiosk_no_citizen');
			if (!UUID.test(caseKey) || !session.case_keys.includes(caseKey)) throw new TawasulError(404, 'not_found');
			await sendReceipt(res, store, catalogues, caseKey, {
				tracking_url: new URL(`/cases/${caseKey}`, env.publicUrl).toString(),
				kiosk: { name: kiosk.name, centre: kiosk.centre },
				sms: session.phone !== null
			});
		})
	);

	router.post(
		'/api/kiosk/finish',
		...signed(async (_req, res, { kiosk }) => {
			await updateKiosk(store, kiosk.kiosk_id, (current) => (current.session ? { ...current, session: null } : null));
			await endLink(ctx, kiosk.kiosk_id);
			res.json({ finished: true });
		})
	);
}

async function startSession(ctx: KioskContext, kioskId: string, who: { citizen_id: string | null; phone: string | null }) {
	const session = { ...who, started_at: new Date(ctx.now()).toISOString(), case_keys: [] };
	// A new person at the kiosk replaces whoever was there: one session per kiosk.
	await updateKiosk(ctx.store, kioskId, (current) => ({ ...current, session }));
	return session;
}

/** The kiosk's citizen session, unless it ran out (the device missed "finish"). */
function liveSession(kiosk: KioskDoc, now: number) {
	const session = kiosk.session;
	if (!session || now - Date.parse(session.started_at) > KIOSK_SESSION_MAX_MS) return null;
	return session;
}
