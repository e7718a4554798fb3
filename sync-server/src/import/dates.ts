/** Dates as legacy systems write them, one format per column ('YYYY-MM-DD HH:mm:ss',
 * 'DD/MM/YYYY h:mm A', 'iso' …), read as wall-clock time in a given zone. A date that cannot exist
 * (31 February, hour 25) is refused, never rolled over into the next month the way `Date` does. */
import { instantOfLocalTime } from '../../../src/lib/domain/calendar.js';
import { toAsciiDigits } from '../../../src/lib/domain/text.js';

type DateResult = { ok: true; iso: string } | { ok: false; code: 'invalid_date' | 'impossible_date'; detail: string };
export type DateParser = (value: string) => DateResult;

type Part = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm';

/** Longest first, so 'YYYY' is not read as two 'YY'. Case matters: MM month, mm minute. */
const TOKENS: [string, Part, string][] = [
	['YYYY', 'year', '(\\d{4})'],
	['YY', 'year2', '(\\d{2})'],
	['MM', 'month', '(\\d{2})'],
	['M', 'month', '(\\d{1,2})'],
	['DD', 'day', '(\\d{2})'],
	['D', 'day', '(\\d{1,2})'],
	['HH', 'hour', '(\\d{2})'],
	['H', 'hour', '(\\d{1,2})'],
	['hh', 'hour12', '(\\d{2})'],
	['h', 'hour12', '(\\d{1,2})'],
	['mm', 'minute', '(\\d{2})'],
	['ss', 'second', '(\\d{2})'],
	['SSS', 'fraction', '(\\d{1,9})'],
	['A', 'ampm', '(AM|PM|am|pm|ص|م)']
];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function compile(format: string): { regex: RegExp; parts: Part[] } {
	let source = '';
	const parts: Part[] = [];
	for (let i = 0; i < format.length;) {
		const token = TOKENS.find(([t]) => format.startsWith(t, i));
		if (token) {
			source += token[2];
			parts.push(token[1]);
			i += token[0].length;
		} else {
			source += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			i++;
		}
	}
	if (!parts.includes('year') && !parts.includes('year2')) throw new RangeError(`date format "${format}" has no year`);
	if (!parts.includes('month') || !parts.includes('day')) throw new RangeError(`date format "${format}" needs a month and a day`);
	if (parts.includes('hour12') !== parts.includes('ampm')) throw new RangeError(`date format "${format}": h/hh go with A (AM/PM), HH without`);
	return { regex: new RegExp(`^${source}$`), parts };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

interface Fields {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	ms: number;
}

/** Checks every field against the calendar; the message names what cannot be. */
function check(f: Fields, raw: string): DateResult | null {
	if (f.month < 1 || f.month > 12) return { ok: false, code: 'impossible_date', detail: `month ${f.month} in "${raw}"` };
	if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) {
		return { ok: false, code: 'impossible_date', detail: `${f.year}-${pad(f.month)} has no day ${f.day} ("${raw}")` };
	}
	if (f.hour > 23 || f.minute > 59 || f.second > 59) return { ok: false, code: 'impossible_date', detail: `no such time in "${raw}"` };
	return null;
}

function fraction(digits: string | undefined): number {
	return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

function toInstant(f: Fields, timeZone: string): string {
	const local = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
	const msOfDay = ((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.ms;
	return instantOfLocalTime(local, msOfDay, timeZone).toISOString();
}

export function dateParser(format: string, timeZone: string): DateParser {
	// Constructing the formatter now makes a misspelt zone fail before the first row.
	new Intl.DateTimeFormat('en', { timeZone });
	if (format === 'iso') return (value) => parseIso(value, timeZone);
	const { regex, parts } = compile(format);
	return (value) => {
		const raw = toAsciiDigits(value.trim());
		const match = regex.exec(raw);
		if (!match) return { ok: false, code: 'invalid_date', detail: `"${value}" is not ${format}` };
		const f: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0 };
		let pm: boolean | null = null;
		for (const [i, part] of parts.entries()) {
			const text = match[i + 1];
			const n = Number(text);
			if (part === 'year') f.year = n;
			else if (part === 'year2') f.year = n < 70 ? 2000 + n : 1900 + n;
			else if (part === 'hour' || part === 'hour12') f.hour = n;
			else if (part === 'fraction') f.ms = fraction(text);
			else if (part === 'ampm') pm = /^(PM|pm|م)$/.test(text);
			else f[part] = n;
		}
		if (pm !== null) {
			if (f.hour < 1 || f.hour > 12) return { ok: false, code: 'impossible_date', detail: `hour ${f.hour} on a 12-hour clock in "${value}"` };
			f.hour = (f.hour % 12) + (pm ? 12 : 0);
		}
		return check(f, value) ?? { ok: true, iso: toInstant(f, timeZone) };
	};
}

function parseIso(value: string, timeZone: string): DateResult {
	const match = ISO.exec(toAsciiDigits(value.trim()));
	if (!match) return { ok: false, code: 'invalid_date', detail: `"${value}" is not an ISO 8601 date` };
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = match;
	const f: Fields = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s, ms: fraction(frac) };
	const bad = check(f, value);
	if (bad) return bad;
	if (!zone) return { ok: true, iso: toInstant(f, timeZone) };
	const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
	const utc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms) - offset * 60_000;
	return { ok: true, iso: new Date(utc).toISOString() };
}
