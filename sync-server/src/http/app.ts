/** The one HTTP server: security headers, health, the auth API, the sync gate and the built PWA. */
import { anonymousReportRouter } from '../report/anonymous.js';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Env } from '../env.js';
import type { Store } from '../store.js';
import type { SmsGateway } from '../sms/gateway.js';
import type { RulesEngine } from '../engine/engine.js';
import { authRouter, sessionMiddleware } from './auth-routes.js';
import { gateRouter } from '../gate/gate.js';
import { referenceClaimsRouter } from '../engine/reference-claims.js';
import { adminRouter } from '../admin/routes.js';
import { auditRouter } from '../audit/routes.js';
import { ratingRouter } from '../rating/routes.js';
import { slaRouter } from './sla-routes.js';
import { digestRouter } from './digest-routes.js';
import { similarRouter } from './similar-routes.js';
import { nearbyRouter } from './nearby-routes.js';
import { gazetteerRouter } from './gazetteer-routes.js';
import { clusterRouter } from './cluster-routes.js';
import { redactionRouter } from '../redaction/routes.js';
import { statsRouter } from './stats-routes.js';
import type { SmsSender } from '../sms/sender.js';
import { smsInboundRouter } from '../sms/inbound-routes.js';
import { open311Router } from '../open311/routes.js';
import { kioskRouter } from '../kiosk/routes.js';
import { pushRouter } from '../push/routes.js';
import type { PushSender } from '../push/sender.js';
import { publicPages, type PublicPages } from '../public/routes.js';
import { log } from '../log.js';
import { asyncHandler } from './errors.js';
import { tileUrl as fillTemplate } from '../../../src/lib/domain/geo.js';

/** The app's policy; a configured tile server (MAP_TILE_URL) is the one other place images may
 * come from. */
export function contentSecurityPolicy(tileUrl: string | null): string {
	const tiles = tileUrl && !tileUrl.startsWith('/') ? ` ${new URL(fillTemplate(tileUrl, { x: 0, y: 0, z: 0 })).origin}` : '';
	return [
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		`img-src 'self' blob: data:${tiles}`,
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"frame-ancestors 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"object-src 'none'"
	].join('; ');
}

export interface AppDeps {
	env: Env;
	store: Store;
	gateway: SmsGateway;
	engine: RulesEngine | null;
	/** The SMS queue's sender, for health; absent in tests that send nothing. */
	sms?: SmsSender | null;
	/** The Web Push sender, for health; null when push is off. */
	push?: PushSender | null;
	/** The public pages, shared with the publisher that empties their cache; made here when absent. */
	publicPages?: PublicPages;
}

/** A year, once the service is reached by https: browsers then refuse a downgrade to http. */
const HSTS = 'max-age=31536000';

export function createApp(deps: AppDeps): express.Express {
	const app = express();
	app.disable('x-powered-by');
	app.set('trust proxy', 'loopback');
	const https = deps.env.publicUrl.startsWith('https:');
	const csp = contentSecurityPolicy(deps.env.map.tileUrl);
	app.use((_req, res, next) => {
		if (https) res.setHeader('Strict-Transport-Security', HSTS);
		res.setHeader('X-Content-Type-Options', 'nosniff');
		res.setHeader('Referrer-Policy', 'no-referrer');
		res.setHeader('X-Frame-Options', 'DENY');
		res.setHeader('Content-Security-Policy', csp);
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		next();
	});

	// 503 when the store is down or the engine does not advance (stopped, or work waiting and the
	// checkpoint still for ENGINE_STALL_MS): a load balancer or supervisor can act on that.
	app.get(
		'/healthz',
		asyncHandler(async (_req, res) => {
			const store = await deps.store.ping();
			const engine = deps.engine?.status() ?? null;
			const engineState = !engine ? null : !engine.running ? 'down' : engine.stalled ? 'stalled' : 'up';
			const ok = store && (!engine || engineState === 'up');
			const problem = !store ? 'store_down' : engineState === 'down' ? 'engine_down' : engineState === 'stalled' ? 'engine_stalled' : null;
			res.setHeader('Cache-Control', 'no-store');
			res
				.status(ok ? 200 : 503)
				.json({ ok, problem, store: store ? 'up' : 'down', engine: engine ? { ...engine, state: engineState } : null, sms: deps.sms?.status() ?? null, push: deps.push?.status() ?? null });
		})
	);

	// Which mode the server runs in, for the app's "development" ribbon (no sign-in needed).
	app.get('/api/mode', (_req, res) => {
		res.setHeader('Cache-Control', 'no-store');
		res.json({ mode: deps.env.production ? 'production' : 'development' });
	});

	// The map's settings for the app (issue 15): public, the same for everyone, cached by the app
	// for offline use.
	app.get('/api/map', (_req, res) => {
		res.setHeader('Cache-Control', 'no-cache');
		res.json({ tile_url: deps.env.map.tileUrl, attribution: deps.env.map.attribution, bounds: deps.env.map.bounds });
	});

	app.use(sessionMiddleware({ store: deps.store, env: deps.env, gateway: deps.gateway }));
	app.use(authRouter({ store: deps.store, env: deps.env, gateway: deps.gateway }));
	const pages = deps.publicPages ?? publicPages({ store: deps.store, publicUrl: deps.env.publicUrl, map: deps.env.map });
	app.use(
		adminRouter({
			store: deps.store,
			env: deps.env,
			onPublicChange: () => {
				pages.invalidate();
			}
		})
	);
	// Self-service kiosks: enrolment, signed device requests, the fleet view (issue 12).
	app.use(kioskRouter({ store: deps.store, env: deps.env, gateway: deps.gateway }));
	// Anonymous public reporting without an account, proven by an SMS code (issue 14).
	app.use(anonymousReportRouter({ store: deps.store, env: deps.env, gateway: deps.gateway }));
	// Web Push: the VAPID key, and a citizen's devices (issue 16).
	app.use(pushRouter({ store: deps.store, push: deps.env.push }));
	app.use(auditRouter({ store: deps.store }));
	app.use(statsRouter({ store: deps.store }));
	app.use(slaRouter({ store: deps.store, workingDays: deps.env.slaWarningWorkingDays }));
	app.use(digestRouter({ store: deps.store, time: deps.env.digest.time }));
	app.use(similarRouter({ store: deps.store }));
	// "Already reported?": open cases of a public-place category near the citizen's pin (issue 15).
	app.use(nearbyRouter({ store: deps.store }));
	// Bahrain's block and road numbers of a pin, when GAZETTEER_FILE is set (issue 15).
	app.use(gazetteerRouter({ gazetteer: deps.env.gazetteer }));
	app.use(clusterRouter({ store: deps.store, windowDays: deps.env.clusterWindowDays }));
	app.use(redactionRouter({ store: deps.store }));
	app.use('/db', gateRouter({ store: deps.store, quotas: deps.env.quotas }));
	app.use(referenceClaimsRouter({ store: deps.store, secretsKey: deps.env.secretsKey }));
	// The rating link (/r/<token>, no sign-in) and the app's rating endpoint (issue 4).
	app.use(ratingRouter({ store: deps.store }));
	// Open311 GeoReport v2 for other systems: public reads, requests filed with an API key.
	app.use(open311Router({ store: deps.store, env: deps.env }));
	// Before the PWA's fallback: these are pages of their own, rendered here, without sign-in.
	app.use(pages.router);
	// Replies (STOP) and receipts an HTTP provider posts back, when SMS_INBOUND_TOKEN is set.
	if (deps.sms && deps.env.sms.inboundToken) app.use(smsInboundRouter({ store: deps.store, sender: deps.sms, token: deps.env.sms.inboundToken }));
	app.use('/api', (_req, res) => {
		res.status(404).json({ error: { code: 'not_found', message_key: 'errors.server' } });
	});

	// The phone's share sheet posts shared photos here; the app's service worker takes them
	// (scripts/sw-share.js). Without it (not installed yet) the body is not read and the person
	// lands on the new report, told that nothing arrived.
	app.post('/share-target', (_req, res) => {
		res.redirect(303, '/new?shared=failed');
	});
	serveApp(app, deps.env.staticDir);

	app.use(lastResort);
	return app;
}

/** Anything a route or middleware let through: logged, and answered without a stack or path. */
function lastResort(error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction): void {
	log.error('request failed', { error: (error as Error | null | undefined)?.message });
	if (res.headersSent) {
		res.destroy();
		return;
	}
	// Replication clients (PouchDB) read CouchDB's error shape, a string `error`; given an object
	// they crash instead of retrying. A store that cannot be reached is a 503 they retry later.
	if (req.originalUrl.startsWith('/db/')) {
		const unreachable = Boolean((error as { cause?: { code?: string } | null } | null | undefined)?.cause?.code) || /fetch failed/.test((error as Error | null | undefined)?.message ?? '');
		res.status(unreachable ? 503 : 500).json({ error: unreachable ? 'unavailable' : 'server_error', reason: unreachable ? 'the store is not reachable' : 'server error' });
		return;
	}
	res.status(500).json({ error: { code: 'server', message_key: 'errors.server' } });
}

/** The built PWA: hashed assets cached for a year, everything else revalidated, and the
 * single-page fallback for deep links such as /cases/<key>. */
function serveApp(app: express.Express, dir: string): void {
	const index = path.join(dir, 'index.html');
	if (!fs.existsSync(index)) {
		log.warn('no built PWA found; run npm run build', { static_dir: dir });
		return;
	}
	app.use(
		express.static(dir, {
			index: false,
			setHeaders(res, file) {
				const immutable = file.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
				res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
			}
		})
	);
	app.get(/^\/(?!db\/|api\/|healthz).*/, (req, res, next) => {
		if (!req.accepts('html')) {
			next();
			return;
		}
		res.setHeader('Cache-Control', 'no-cache');
		res.sendFile(index);
	});
}
