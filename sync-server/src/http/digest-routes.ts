/**
 * The managers' daily digest (issue 16, part 2; sla/digest.ts):
 * - GET /api/sla/digest — the manager's latest digest (today's once made), when it is made, and
 *   whether it also comes by SMS (with the number masked);
 * - PUT /api/sla/digest/sms — `{ "enabled": true|false, "locale": "ar"|"en" }`: the manager's own
 *   choice of the SMS, in the language of the screen they chose it on.
 * Managers only: the digest lists their entity's cases.
 */
import express from 'express';
import { maskPhone, normalizePhone } from '../../../src/lib/domain/phone.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { updateAccount, getAccount } from '../auth/accounts.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { latestDigest, type DigestDoc } from '../sla/digest.js';
import type { Store } from '../store.js';
import { json, readObject } from './body.js';
import { asyncHandler, errorHandler } from './errors.js';
import { requireRole } from './guards.js';
import { windowQuota } from './window-quota.js';

/** Changes of the SMS choice one person may make a minute: a switch, not a stream of writes. */
export const SMS_CHOICES_PER_MINUTE = 20;

/** What the screen shows: the digest without the bookkeeping of its SMS. */
function shown(doc: DigestDoc | null) {
	if (!doc) return null;
	const { _id, _rev, type, sms, ...digest } = doc;
	return digest;
}

function readChoice(body: unknown): { enabled: boolean; locale: 'ar' | 'en' } {
	const object = readObject(body);
	const unknown = Object.keys(object).find((key) => key !== 'enabled' && key !== 'locale');
	if (unknown) throw new TawasulError(400, 'invalid_format', [{ field: unknown, code: 'invalid_format' }]);
	if (typeof object.enabled !== 'boolean') throw new TawasulError(400, 'invalid_format', [{ field: 'enabled', code: 'invalid_format' }]);
	if (object.locale !== 'ar' && object.locale !== 'en') throw new TawasulError(400, 'invalid_format', [{ field: 'locale', code: 'invalid_format' }]);
	return { enabled: object.enabled, locale: object.locale };
}

export function digestRouter(deps: { store: Store; time: string; now?: () => number }): express.Router {
	const router = express.Router();
	const now = deps.now ?? Date.now;
	const choices = windowQuota(SMS_CHOICES_PER_MINUTE, 60_000, now);
	const catalogue = new CatalogueSource(deps.store);

	router.get(
		'/api/sla/digest',
		asyncHandler(async (_req, res) => {
			const user = requireRole(res, ['manager']);
			const [digest, account, { calendar }] = await Promise.all([latestDigest(deps.store, user.user_id), getAccount(deps.store, user.user_id), catalogue.get()]);
			const phone = account?.phone ? normalizePhone(account.phone) : null;
			res.setHeader('Cache-Control', 'no-store');
			res.json({
				today: localDateOf(new Date(now()), calendar.timeZone),
				time: deps.time,
				digest: shown(digest),
				sms: { enabled: account?.digest_sms === true, phone: phone ? maskPhone(phone) : null }
			});
		})
	);

	router.put(
		'/api/sla/digest/sms',
		json,
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager']);
			if (!choices(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const choice = readChoice(req.body);
			const account = await updateAccount(deps.store, user.user_id, (current) =>
				current.digest_sms === choice.enabled && current.digest_locale === choice.locale ? null : { ...current, digest_sms: choice.enabled, digest_locale: choice.locale }
			);
			if (!account) throw new TawasulError(404, 'not_found');
			res.json({ enabled: account.digest_sms === true });
		})
	);
	// The body parser's refusals (too large, not JSON) in the API's own shape.
	router.use('/api/sla/digest', errorHandler);
	return router;
}
