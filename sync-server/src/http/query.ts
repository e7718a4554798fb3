/** Strict reading of a GET route's query string: only the fields the route names, and coordinates
 * as plain decimal degrees (no exponent, no hex, no spaces), so a hostile client's odd input is a
 * 400 with a code the app knows, never a NaN that reaches a lookup. */
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';

const DEGREES = /^-?\d{1,3}(\.\d{1,10})?$/;

/** 400 `unknown_field` naming (up to five of) the fields the route does not take. */
export function refuseUnknownFields(query: Record<string, unknown>, fields: readonly string[]): void {
	const unknown = Object.keys(query).filter((k) => !fields.includes(k));
	if (unknown.length > 0)
		throw new TawasulError(
			400,
			'unknown_field',
			unknown.slice(0, 5).map((field) => ({ field, code: 'unknown_field' }))
		);
}

/** A coordinate within ±`limit` degrees; a missing or bad one is added to `errors` (and NaN returned). */
export function degrees(raw: unknown, limit: number, field: string, errors: FieldError[]): number {
	const value = typeof raw === 'string' && DEGREES.test(raw) ? Number(raw) : Number.NaN;
	if (Number.isNaN(value)) errors.push({ field, code: raw === undefined ? 'required' : 'invalid_location' });
	else if (Math.abs(value) > limit) errors.push({ field, code: 'invalid_location' });
	return value;
}
