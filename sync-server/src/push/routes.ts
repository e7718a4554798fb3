/** The Web Push doors (issue 16).
 * - GET /api/push/key, no sign-in: `{ enabled, public_key }`, the VAPID key a browser subscribes
 *   with; `enabled: false` when the server has none, and the app then does not offer push.
 * - PUT /api/push/subscription, a signed-in citizen: registers this device (a PushSubscription's
 *   JSON and the app's language); body at most 4 KB, strict schema (subscriptions.ts), at most
 *   PUSH_DEVICES_PER_PERSON devices (the oldest make way), `PER_MINUTE` changes a minute.
 * - DELETE /api/push/subscription, same person: `{ endpoint }`, removes that device of theirs. */
import express from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { PushEnv } from './config.js';
import { asyncHandler, errorHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { windowQuota } from '../http/window-quota.js';
import type { Store } from '../store.js';
import { readSubscription, removeSubscriptionDoc, saveSubscription, subscriptionDocId, MAX_ENDPOINT_LENGTH } from './subscriptions.js';

export const PUSH_CHANGES_PER_MINUTE = 10;
const body = express.json({ limit: '4kb', strict: true });

export function pushRouter(deps: { store: Store; push: PushEnv; now?: () => Date }): express.Router {
	const router = express.Router();
	const now = () => deps.now?.() ?? new Date();
	const allowed = windowQuota(PUSH_CHANGES_PER_MINUTE, 60_000, () => now().getTime());

	router.get('/api/push/key', (_req, res) => {
		res.setHeader('Cache-Control', 'no-store');
		res.json(deps.push.vapid ? { enabled: true, public_key: deps.push.vapid.publicKey } : { enabled: false });
	});

	/** The citizen making a change, once push is on and their minute's changes allow it. */
	const changer = (res: express.Response) => {
		if (!deps.push.vapid) throw new TawasulError(404, 'not_found');
		const user = requireRole(res, ['citizen']);
		if (!allowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
		return user;
	};

	router.put(
		'/api/push/subscription',
		body,
		asyncHandler(async (req, res) => {
			const user = changer(res);
			const input = readSubscription(req.body, deps.push.allowedHosts);
			await saveSubscription(deps.store, user.user_id, input, now(), deps.push.devicesPerPerson);
			res.setHeader('Cache-Control', 'no-store');
			res.json({ subscribed: true });
		})
	);

	router.delete(
		'/api/push/subscription',
		body,
		asyncHandler(async (req, res) => {
			const user = changer(res);
			const endpoint = (req.body as { endpoint?: unknown } | undefined)?.endpoint;
			const extra = Object.keys((req.body as object | undefined) ?? {}).filter((key) => key !== 'endpoint');
			if (extra.length)
				throw new TawasulError(
					400,
					'unknown_field',
					extra.slice(0, 5).map((field) => ({ field, code: 'unknown_field' }))
				);
			if (typeof endpoint !== 'string' || endpoint === '' || endpoint.length > MAX_ENDPOINT_LENGTH) throw new TawasulError(400, 'invalid_format', [{ field: 'endpoint', code: 'invalid_format' }]);
			const removed = await removeSubscriptionDoc(deps.store, subscriptionDocId(user.user_id, endpoint));
			res.setHeader('Cache-Control', 'no-store');
			res.json({ removed });
		})
	);
	router.use('/api/push', errorHandler);
	return router;
}
