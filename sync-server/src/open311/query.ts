/** The arguments of GET requests (GeoReport v2, "GET Service Requests"), checked: dates in the
 * w3 format with a time zone, a range of at most 90 days (the last 90 days when none is given),
 * statuses, service codes, and the page. Every problem is reported at once. */
import type { Catalogue } from '../engine/catalogue.js';
import { fail, Open311Error, type Open311ErrorItem } from './format.js';
import type { RequestQuery } from './requests.js';

const DAY_MS = 86_400_000;
const MAX_SPAN_DAYS = 90;
const DEFAULT_PAGE_SIZE = 100;
/** The specification's own default limit is 1,000 requests. */
const MAX_PAGE_SIZE = 1000;
/** Pages reach this far into one search; further, a narrower date range is the way. */
const MAX_DEPTH = 10_000;
const MAX_IDS = 100;
const MAX_CODES = 50;

const W3_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A w3 datetime with its zone, as a UTC ISO string; null when it is not one (or not a real date). */
export function parseW3(text: string): string | null {
	const match = W3_DATETIME.exec(text);
	if (!match) return null;
	// Without seconds `s` is NaN, which the check below lets through as it should.
	const [, y, mo, d, h, mi, s] = match.map(Number);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
	if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export type Params = URLSearchParams;

/** One value per argument; "optional" arguments given empty count as not given. */
export function one(params: Params, name: string): string | undefined {
	const values = params.getAll(name);
	if (values.length > 1) throw fail(400, `${name} was given more than once`);
	return values[0] === '' ? undefined : values[0];
}

const list = (value: string | undefined) =>
	value
		? value
				.split(',')
				.map((v) => v.trim())
				.filter(Boolean)
		: [];

export type ParsedQuery = { kind: 'ids'; ids: string[] } | { kind: 'search'; query: RequestQuery };

export function parseRequestQuery(params: Params, catalogue: Catalogue, now: Date): ParsedQuery {
	const ids = list(one(params, 'service_request_id'));
	// "This overrides all other arguments."
	if (ids.length > MAX_IDS) throw fail(400, `at most ${MAX_IDS} service_request_id may be asked for at once`);
	if (ids.length > 0) return { kind: 'ids', ids };

	const errors: Open311ErrorItem[] = [];
	const problem = (description: string) => errors.push({ code: 400, description });
	const codes = list(one(params, 'service_code'));
	if (codes.length > MAX_CODES) problem(`at most ${MAX_CODES} service_code may be given`);
	const unknown = codes.filter((code) => !catalogue.categories.has(code));
	const statuses = list(one(params, 'status'));
	for (const status of statuses) if (status !== 'open' && status !== 'closed') problem(`status must be open or closed, not ${status}`);

	const window = timeWindow(params, now, problem);
	const page = pageArgs(params, problem);
	if (errors.length > 0 || !page) throw new Open311Error(400, errors);
	// A code that does not exist is a resource that does not exist.
	if (unknown.length > 0) throw fail(404, `service_code ${unknown.join(', ')} was not found`);

	const both = statuses.includes('open') && statuses.includes('closed');
	return {
		kind: 'search',
		query: {
			codes: [...new Set(codes)],
			statuses: both ? [] : (statuses as ('open' | 'closed')[]),
			start: window.from,
			end: window.to,
			...page
		}
	};
}

/** `start_date` and `end_date`: w3 datetimes with a zone, at most 90 days apart; the last 90 days
 * when neither is given, 90 days from the start or up to the end when one is. */
export function timeWindow(params: Params, now: Date, problem: (description: string) => void): { from: string; to: string } {
	const startRaw = one(params, 'start_date');
	const endRaw = one(params, 'end_date');
	const start = startRaw === undefined ? null : parseW3(startRaw);
	const end = endRaw === undefined ? null : parseW3(endRaw);
	if (startRaw !== undefined && !start) problem('start_date must be a w3 datetime with a time zone, e.g. 2010-01-01T00:00:00Z');
	if (endRaw !== undefined && !end) problem('end_date must be a w3 datetime with a time zone, e.g. 2010-01-01T00:00:00Z');
	const span = MAX_SPAN_DAYS * DAY_MS;
	const to = end ?? (start ? new Date(Math.min(Date.parse(start) + span, now.getTime())).toISOString() : now.toISOString());
	const from = start ?? new Date(Date.parse(to) - span).toISOString();
	if (start && end) {
		if (Date.parse(from) > Date.parse(to)) problem('start_date is after end_date');
		else if (Date.parse(to) - Date.parse(from) > span) problem(`start_date and end_date may not span more than ${MAX_SPAN_DAYS} days`);
	}
	return { from, to };
}

/** `page_size` and `page` as rows to skip and to read; null (with the problem reported) when off. */
export function pageArgs(params: Params, problem: (description: string) => void): { offset: number; limit: number } | null {
	const pageSize = integerArg(one(params, 'page_size'), DEFAULT_PAGE_SIZE);
	const page = integerArg(one(params, 'page'), 1);
	if (pageSize === null || pageSize < 1 || pageSize > MAX_PAGE_SIZE) problem(`page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
	else if (page === null || page < 1) problem('page must be a whole number from 1');
	else if (page * pageSize > MAX_DEPTH) problem(`pages reach the first ${MAX_DEPTH} requests of a search; narrow start_date and end_date to read further`);
	else return { offset: (page - 1) * pageSize, limit: pageSize };
	return null;
}

function integerArg(value: string | undefined, fallback: number): number | null {
	if (value === undefined) return fallback;
	return /^\d{1,9}$/.test(value) ? Number(value) : null;
}
