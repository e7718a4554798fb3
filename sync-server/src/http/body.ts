/** Reading JSON request bodies: one small parser, and string fields checked by length, every
 * problem reported at once, by field. */
import express from 'express';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';

/** Per route, never on a router mounted at the root: there it would also swallow the bodies the
 * gate has to stream through. */
export const json = express.json({ limit: '16kb', strict: true });

type Body = Record<string, unknown>;

export function readObject(body: unknown): Body {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TawasulError(400, 'invalid_format');
	return body as Body;
}

interface StringLimit {
	max: number;
	optional?: boolean;
}

/** The fields read: a required one is always there (its absence was refused); one whose limit
 * says anything about being optional may be missing. */
type Strings<L extends Record<string, StringLimit>> = { [K in keyof L]: L[K] extends { optional: boolean } ? string | undefined : string };

export function readStrings<const L extends Record<string, StringLimit>>(body: unknown, limits: L): Strings<L> {
	const object = readObject(body);
	const fields: FieldError[] = [];
	const out: Record<string, string | undefined> = {};
	for (const [name, limit] of Object.entries(limits)) {
		const value = object[name];
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
	// Every field not marked optional was refused above unless it was read into `out`.
	return out as Strings<L>;
}

/** Refuses any field not in `allowed`, naming up to five of them (a body, or a query string). */
export function onlyFields(object: object, allowed: readonly string[]): void {
	const extra = Object.keys(object).filter((key) => !allowed.includes(key));
	if (extra.length)
		throw new TawasulError(
			400,
			'unknown_field',
			extra.slice(0, 5).map((field) => ({ field: field.slice(0, 40), code: 'unknown_field' as const }))
		);
}
