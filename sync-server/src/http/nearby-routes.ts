/** GET /api/nearby?category_id=…&lat=…&lng=… (issue 15): for a signed-in citizen about to report a
 * public place, the open cases of that category within 250 m, nearest first, at most 10, each with
 * its reference, subject, status, distance (to 10 m), supporters and age, and nothing of the person
 * who filed it. A category not marked "public place" answers 409 `not_public_place`; an unknown one
 * 404. The query is strict: these three fields only, each once, numbers in decimal degrees within
 * range, the whole URL at most `MAX_URL_CHARS`. Each citizen may ask `NEARBY_PER_MINUTE` times a
 * minute (one per pin moved, in practice); past that, 429 `rate_limited`. */
import express from 'express';
import { ID_PATTERN } from '../../../src/lib/domain/doc-types.js';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';
import { isPublicPlace, NEARBY_LAT_MAX, NEARBY_RADIUS_M } from '../../../src/lib/domain/nearby.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { ensureNearbyViews, nearbyCases } from '../nearby/lookup.js';
import { onceUntilFailed } from '../once.js';
import type { Store } from '../store.js';
import { asyncHandler } from './errors.js';
import { degrees, refuseUnknownFields } from './query.js';
import { requireRole } from './guards.js';
import { windowQuota } from './window-quota.js';

export const NEARBY_PER_MINUTE = 20;
const MINUTE_MS = 60_000;
const MAX_URL_CHARS = 300;
const FIELDS = ['category_id', 'lat', 'lng'] as const;

interface NearbyQuery {
	categoryId: string;
	lat: number;
	lng: number;
}

function parseNearbyQuery(query: Record<string, unknown>): NearbyQuery {
	refuseUnknownFields(query, FIELDS);
	const errors: FieldError[] = [];
	const categoryId = typeof query.category_id === 'string' && ID_PATTERN.test(query.category_id) ? query.category_id : null;
	if (categoryId === null) errors.push({ field: 'category_id', code: query.category_id === undefined ? 'required' : 'invalid_format' });
	const lat = degrees(query.lat, NEARBY_LAT_MAX, 'lat', errors);
	const lng = degrees(query.lng, 180, 'lng', errors);
	if (categoryId === null || errors.length > 0) throw new TawasulError(400, errors[0].code, errors);
	return { categoryId, lat, lng };
}

export function nearbyRouter(deps: { store: Store; now?: () => Date }): express.Router {
	const router = express.Router();
	const catalogue = new CatalogueSource(deps.store);
	const ready = onceUntilFailed(() => ensureNearbyViews(deps.store));
	const allowed = windowQuota(NEARBY_PER_MINUTE, MINUTE_MS, () => deps.now?.().getTime() ?? Date.now());

	router.get(
		'/api/nearby',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['citizen']);
			if (req.originalUrl.length > MAX_URL_CHARS) throw new TawasulError(413, 'payload_too_large');
			if (!allowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const query = parseNearbyQuery(req.query);
			const category = (await catalogue.get()).categories.get(query.categoryId);
			if (!category) throw new TawasulError(404, 'unknown_category');
			if (!isPublicPlace(category)) throw new TawasulError(409, 'not_public_place');
			await ready();
			const cases = await nearbyCases(deps.store, { ...query, userId: user.user_id, now: deps.now?.() ?? new Date() });
			res.setHeader('Cache-Control', 'no-store');
			res.json({ category_id: query.categoryId, radius_m: NEARBY_RADIUS_M, cases });
		})
	);
	return router;
}
