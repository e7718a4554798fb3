/** GET /api/gazetteer?lat=…&lng=… (issue 15): the block and road numbers of a point, with the
 * block's area and governorate, from GAZETTEER_FILE. For signed-in people (citizens placing a pin,
 * staff reading a case); a kiosk's shared screen has no use for it. Answers:
 * 200 `{ block, road, area, governorate }` (block or road null when only the other is known);
 * 404 `not_in_gazetteer` when the point is in no block and no road is within 60 m; 404
 * `gazetteer_off` when no file is configured; 400 for a query other than these two decimal
 * coordinates. Each person may ask `GAZETTEER_PER_MINUTE` times a minute (the app asks once per
 * pin placed); past that, 429 `rate_limited`. */
import express from 'express';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';
import type { Gazetteer } from '../gazetteer/lookup.js';
import { sendError } from './errors.js';
import { requireRole } from './guards.js';
import { degrees, refuseUnknownFields } from './query.js';
import { windowQuota } from './window-quota.js';

export const GAZETTEER_PER_MINUTE = 60;
const MINUTE_MS = 60_000;
const MAX_URL_CHARS = 200;
const FIELDS = ['lat', 'lng'] as const;

function parsePoint(query: Record<string, unknown>): { lat: number; lng: number } {
	refuseUnknownFields(query, FIELDS);
	const errors: FieldError[] = [];
	const lat = degrees(query.lat, 90, 'lat', errors);
	const lng = degrees(query.lng, 180, 'lng', errors);
	if (errors.length > 0) throw new TawasulError(400, errors[0].code, errors);
	return { lat, lng };
}

export function gazetteerRouter(deps: { gazetteer: Gazetteer | null; now?: () => number }): express.Router {
	const router = express.Router();
	const allowed = windowQuota(GAZETTEER_PER_MINUTE, MINUTE_MS, deps.now ?? Date.now);

	router.get('/api/gazetteer', (req, res) => {
		try {
			const user = requireRole(res, ['citizen', 'agent', 'manager', 'coordinator', 'minister']);
			if (req.originalUrl.length > MAX_URL_CHARS) throw new TawasulError(413, 'payload_too_large');
			if (!deps.gazetteer) throw new TawasulError(404, 'gazetteer_off');
			if (!allowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const place = deps.gazetteer.lookup(parsePoint(req.query));
			if (!place) throw new TawasulError(404, 'not_in_gazetteer');
			// The same point answers the same until the server restarts with another file.
			res.setHeader('Cache-Control', 'private, max-age=3600');
			res.json(place);
		} catch (error) {
			sendError(res, error);
		}
	});
	return router;
}
