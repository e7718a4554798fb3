/**
 * National eKey sign-in (auth/oidc.ts does the protocol). Both routes are browser navigations,
 * so they answer with redirects: to the provider, then back into the app — signed in, or to the
 * sign-in page with `?error=<code>` for the app to show in the person's language.
 *
 *   GET /api/auth/methods           { otp: true, oidc } — whether to show the eKey button
 *   GET /api/auth/oidc/start        → 303 to the provider (optional ?return_to=/path)
 *   GET /api/auth/oidc/callback     → 303 to return_to with the session cookie, or /signin?error=
 */
import express, { type Response } from 'express';
import { createOidcService, OidcRefused, type OidcService } from '../auth/oidc.js';
import type { SessionService } from '../auth/sessions.js';
import type { OidcEnv } from '../env.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { asyncHandler } from './errors.js';
import { openSession } from './sign-in.js';
import { auditRefusal } from '../audit/auth-events.js';

export interface OidcRouteDeps {
	store: Store;
	sessions: SessionService;
	oidc: OidcEnv | null;
	cookieSecure: boolean;
	now?: () => number;
	/** Tests inject one (with a skewed clock); by default made from `oidc`. */
	service?: OidcService;
}

const SIGNIN_PAGE = '/signin';

function failed(res: Response, code: 'oidc_failed' | 'oidc_unavailable') {
	res.redirect(303, `${SIGNIN_PAGE}?error=${code}`);
}

export function oidcRouter(deps: OidcRouteDeps): express.Router {
	const router = express.Router();
	const service = deps.service ?? (deps.oidc ? createOidcService({ store: deps.store, env: deps.oidc, cookieSecure: deps.cookieSecure }) : null);

	router.get('/api/auth/methods', (_req, res) => {
		res.json({ otp: true, oidc: service !== null });
	});

	router.get(
		'/api/auth/oidc/start',
		asyncHandler(async (req, res) => {
			if (!service) {
				failed(res, 'oidc_unavailable');
				return;
			}
			let started: Awaited<ReturnType<OidcService['start']>>;
			try {
				started = await service.start(typeof req.query.return_to === 'string' ? req.query.return_to : undefined);
			} catch (error) {
				// The provider is unreachable or its metadata is wrong: nothing the citizen can fix.
				log.warn('eKey provider unavailable', { error: (error as Error | null)?.name, message: (error as Error | null)?.message });
				failed(res, 'oidc_unavailable');
				return;
			}
			res.append('Set-Cookie', started.cookie);
			res.redirect(303, started.url);
		})
	);

	router.get(
		'/api/auth/oidc/callback',
		asyncHandler(async (req, res) => {
			if (!service) {
				failed(res, 'oidc_unavailable');
				return;
			}
			// The transaction cookie is spent whatever happens next.
			res.append('Set-Cookie', service.clearCookie());
			const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
			let outcome: Awaited<ReturnType<OidcService['finish']>>;
			try {
				outcome = await service.finish(query, req.headers.cookie);
			} catch (error) {
				const reason = error instanceof OidcRefused ? error.reason : (error as Error | null)?.name;
				log.warn('eKey sign-in refused', { reason });
				await auditRefusal(deps.store, (deps.now ?? Date.now)(), { kind: 'auth.sign_in.ekey', actor: null }, new TawasulError(401, 'oidc_failed'));
				failed(res, 'oidc_failed');
				return;
			}
			await openSession({ store: deps.store, sessions: deps.sessions, now: deps.now }, req, res, outcome.account, { audit: 'auth.sign_in.ekey' });
			res.redirect(303, outcome.returnTo);
		})
	);

	return router;
}
