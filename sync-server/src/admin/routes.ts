/**
 * The coordinator's administration API, /api/admin/*: JSON in and out, coordinator role with a
 * second-factor session only (http/guards.ts), strict validation with localised error codes,
 * and one audit entry for every change (docs/design.md, "Administration").
 */
import express from 'express';
import { mfaServiceFor } from '../auth/mfa.js';
import { sessionServiceFor } from '../auth/sessions.js';
import type { Env } from '../env.js';
import { errorHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import type { Store } from '../store.js';
import { apiKeyAdminRoutes } from './api-key-routes.js';
import { configAdminRoutes } from './config-routes.js';
import { publishingAdminRoutes } from './publishing-routes.js';
import { smsAdminRoutes } from './sms-routes.js';
import { staffAdminRoutes } from './staff-routes.js';

/** `onPublicChange`: told after a coordinator changed what the public pages show. */
export function adminRouter(deps: { store: Store; env: Pick<Env, 'cookieSecure' | 'secretsKey'>; now?: () => number; onPublicChange?: () => void }): express.Router {
	const router = express.Router();
	const ctx = {
		store: deps.store,
		sessions: sessionServiceFor(deps.store, deps.env),
		mfa: mfaServiceFor(deps.store, deps.env),
		now: deps.now ?? Date.now
	};
	// The role is checked before the body is even parsed; each route checks it again for itself.
	router.use('/api/admin', (_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		requireRole(res, ['coordinator']);
		next();
	});
	// A holiday calendar file may be 256 KB (HOLIDAY_LIMITS.fileBytes); JSON escaping of its line
	// ends adds a little. Parsed here first, the general parser below leaves the body alone.
	router.use('/api/admin/holidays/import', express.json({ limit: '300kb', strict: true }));
	router.use('/api/admin', express.json({ limit: '64kb', strict: true }));
	configAdminRoutes(router, ctx);
	staffAdminRoutes(router, ctx);
	smsAdminRoutes(router, ctx);
	apiKeyAdminRoutes(router, ctx);
	publishingAdminRoutes(router, { ...ctx, onPublicChange: deps.onPublicChange });
	router.use('/api/admin', errorHandler);
	return router;
}
