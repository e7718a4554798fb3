/** A small reader of iCalendar files (RFC 5545) for public holidays: the VEVENTs' all-day dates,
 * names and repeats (RRULE, RDATE, EXDATE, RECURRENCE-ID). Only what a holiday calendar needs is
 * read; everything else in the file is skipped. Which repeats are taken is the import's decision
 * (holiday-repeat.ts): this reader only says what the file asks for.
 * Pure: the coordinator's browser previews with it and the server decides with it (issue 16). */
import { localDateOf } from './calendar';

/** One VEVENT as written, with the line it starts on so a refusal can point at it. */
export interface IcsEvent {
	line: number;
	/** 'YYYY-MM-DD' of the first day, or null with `problem` set. */
	start: string | null;
	/** 'YYYY-MM-DD' of the day after the last (DTEND is exclusive), or null when the file has none. */
	end: string | null;
	/** SUMMARY; a LANGUAGE=ar / LANGUAGE=en parameter fills only that language's name. */
	summary: { any?: string; ar?: string; en?: string };
	/** RRULE, or null when the event does not repeat by rule. */
	rule: IcsRule | null;
	/** RDATE and EXDATE days ('YYYY-MM-DD'), each property's values in file order. */
	rdates: string[];
	exdates: string[];
	/** UID, and the RECURRENCE-ID day of an event that replaces one occurrence of another. */
	uid?: string;
	recurrenceId?: string;
	problem: 'missing_date' | 'invalid_date' | 'invalid_recurrence' | null;
	/** The raw DTSTART, DTEND or repeat property that could not be read, as the file has it. */
	raw?: string;
}

/** An RRULE (RFC 5545 §3.3.10) as written. Every part is kept, understood or not, so the import can
 * refuse a rule it does not expand instead of expanding a different one. */
export interface IcsRule {
	/** The value as the file has it, to show when the rule is refused. */
	text: string;
	freq: 'SECONDLY' | 'MINUTELY' | 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
	/** Every `interval`-th period; 1 when the rule does not say. */
	interval: number;
	count: number | null;
	/** 'YYYY-MM-DD' of the last day an occurrence may start on, read like DTSTART. */
	until: string | null;
	byMonth: number[];
	/** 1…31, or −31…−1 counting from the month's end. */
	byMonthDay: number[];
	/** Names of the other parts (BYDAY, BYSETPOS, BYYEARDAY, BYWEEKNO, WKST, X-…): they may change
	 * which days the rule names, and this reader does not work them out. */
	other: string[];
}

export interface IcsFile {
	isCalendar: boolean;
	events: IcsEvent[];
}

interface ContentLine {
	line: number;
	name: string;
	/** Only the parameters the file wrote. */
	params: Record<string, string | undefined>;
	value: string;
}

/** Lines end in CRLF by the standard, in LF or CR in the wild; a line starting with a space or a
 * tab continues the previous one (folding), without that first character. */
function unfold(text: string): { line: number; text: string }[] {
	const out: { line: number; text: string }[] = [];
	text
		.replace(/^\uFEFF/, '')
		.split(/\r\n|\n|\r/)
		.forEach((raw, i) => {
			const last = out.at(-1);
			if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) last.text += raw.slice(1);
			else if (raw.length > 0) out.push({ line: i + 1, text: raw });
		});
	return out;
}

/** NAME;PARAM=value;PARAM="quoted:value":VALUE — the first colon outside quotes ends the name. */
function contentLine(line: number, text: string): ContentLine | null {
	let quoted = false;
	const cuts: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && c === ';') cuts.push(i);
		else if (!quoted && c === ':') {
			const head = text.slice(0, i);
			const parts = [0, ...cuts].map((from, k) => head.slice(k === 0 ? 0 : from + 1, cuts[k] ?? head.length));
			const params: Record<string, string | undefined> = {};
			for (const part of parts.slice(1)) {
				const eq = part.indexOf('=');
				if (eq > 0) params[part.slice(0, eq).toUpperCase()] = part.slice(eq + 1).replace(/^"|"$/g, '');
			}
			return { line, name: parts[0].toUpperCase(), params, value: text.slice(i + 1) };
		}
	}
	return null;
}

/** TEXT values escape backslash, semicolon, comma and newline. */
const unescapeText = (value: string) => value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? ' ' : c)).trim();

/** 'YYYY-MM-DD' when it names a real day, else null (30 February, 29 February of 2027). */
export function calendarDate(y: string, m: string, d: string): string | null {
	const date = `${y}-${m}-${d}`;
	const parsed = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? date : null;
}

/** A DTSTART/DTEND as a calendar day. A DATE is the day itself; a DATE-TIME with TZID or none
 * (floating) is read as written; one in UTC ('Z') is the day it falls on in `timeZone`.
 * `exclusiveEnd`: a DTEND at midnight ends the day before, later in the day includes that day. */
function dayOf(value: string, timeZone: string, exclusiveEnd: boolean): string | null {
	const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value.trim());
	if (!m) return null;
	const day = calendarDate(m[1], m[2], m[3]);
	// The time is optional: its groups are undefined when the value is a DATE.
	if (!day || m.at(4) === undefined) return day;
	if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) return null;
	let local = day;
	let time = `${m[4]}${m[5]}${m[6]}`;
	if (m[7] === 'Z') {
		const instant = new Date(`${day}T${m[4]}:${m[5]}:${m[6]}Z`);
		local = localDateOf(instant, timeZone);
		time = new Intl.DateTimeFormat('en-GB-u-nu-latn', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(instant).replace(/\D/g, '');
	}
	return exclusiveEnd && time !== '000000' ? nextDay(local) : local;
}

export function nextDay(date: string): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const FREQUENCIES: readonly IcsRule['freq'][] = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** A positive whole number as RRULE writes INTERVAL and COUNT; nine digits is far beyond any
 * real rule and keeps the number exact. */
const positive = (value: string) => (/^\d{1,9}$/.test(value) && Number(value) > 0 ? Number(value) : null);

/** A BYMONTH or BYMONTHDAY list: whole numbers, none zero, within ±`max`. */
function numberList(value: string, max: number, signed: boolean): number[] | null {
	const numbers = value.split(',').map((n) => (/^[+-]?\d{1,2}$/.test(n) ? Number(n) : NaN));
	return numbers.every((n) => n !== 0 && Math.abs(n) <= max && (signed || n > 0)) ? numbers : null;
}

/** Reads one NAME=VALUE part of an RRULE into `rule`; false when its value cannot be read. */
function readRulePart(rule: IcsRule, name: string, value: string, timeZone: string): boolean {
	const upper = value.toUpperCase();
	switch (name) {
		case 'FREQ': {
			const freq = FREQUENCIES.find((f) => f === upper);
			if (freq) rule.freq = freq;
			return freq !== undefined;
		}
		case 'INTERVAL':
			rule.interval = positive(value) ?? 0;
			return rule.interval > 0;
		case 'COUNT':
			rule.count = positive(value);
			return rule.count !== null;
		case 'UNTIL':
			rule.until = dayOf(value, timeZone, false);
			return rule.until !== null;
		case 'BYMONTH':
			rule.byMonth = numberList(value, 12, false) ?? [];
			return rule.byMonth.length > 0;
		case 'BYMONTHDAY':
			rule.byMonthDay = numberList(value, 31, true) ?? [];
			return rule.byMonthDay.length > 0;
		default:
			rule.other.push(name);
			return /^[A-Z0-9-]+$/.test(name);
	}
}

/** An RRULE value such as `FREQ=YEARLY;INTERVAL=2;COUNT=5`, or null when it cannot be read: no
 * FREQ, a part written twice or without a value, INTERVAL=0, month 13, an UNTIL that is not a date. */
function readRule(value: string, timeZone: string): IcsRule | null {
	const text = value.trim();
	const rule: IcsRule = { text, freq: 'YEARLY', interval: 1, count: null, until: null, byMonth: [], byMonthDay: [], other: [] };
	const seen = new Set<string>();
	// A trailing or doubled ';' names no part; some exporters write one.
	for (const part of text.split(';').filter((p) => p !== '')) {
		const eq = part.indexOf('=');
		const name = part.slice(0, eq).toUpperCase();
		if (eq < 1 || seen.has(name) || !readRulePart(rule, name, part.slice(eq + 1), timeZone)) return null;
		seen.add(name);
	}
	return seen.has('FREQ') ? rule : null;
}

/** RDATE or EXDATE: dates or date-times separated by commas, as days read like DTSTART; null when
 * one cannot be read. A PERIOD (start/end) names a length of its own, which a holiday does not. */
function readDays(cl: ContentLine, timeZone: string): string[] | null {
	if ((cl.params.VALUE ?? '').toUpperCase() === 'PERIOD') return null;
	const days = cl.value.split(',').map((value) => dayOf(value, timeZone, false));
	return days.every((day) => day !== null) ? days : null;
}

/** The first thing that cannot be read names the event's problem, as the file writes it. */
function fail(event: IcsEvent, problem: NonNullable<IcsEvent['problem']>, raw: string): void {
	if (event.problem) return;
	event.problem = problem;
	event.raw = raw.trim().slice(0, 80);
}

/** RRULE, RDATE, EXDATE and RECURRENCE-ID. RFC 5545 lets RRULE appear once (SHOULD NOT more): a
 * second one would be a union of rules this reader does not work out, so it makes the repeat
 * unreadable. A RECURRENCE-ID with RANGE=THISANDFUTURE replaces every later occurrence as well,
 * which is not one day: unreadable too. */
function readRepeat(event: IcsEvent, cl: ContentLine, timeZone: string): void {
	if (cl.name === 'RECURRENCE-ID') {
		const day = cl.params.RANGE ? null : dayOf(cl.value, timeZone, false);
		if (day) event.recurrenceId = day;
		else fail(event, 'invalid_recurrence', cl.value);
		return;
	}
	if (cl.name === 'RRULE') {
		const rule = event.rule ? null : readRule(cl.value, timeZone);
		if (rule) event.rule = rule;
		else fail(event, 'invalid_recurrence', cl.value);
		return;
	}
	const days = readDays(cl, timeZone);
	if (!days) fail(event, 'invalid_recurrence', cl.value);
	else (cl.name === 'RDATE' ? event.rdates : event.exdates).push(...days);
}

function readEvent(lines: ContentLine[], startLine: number, timeZone: string): IcsEvent {
	const event: IcsEvent = { line: startLine, start: null, end: null, summary: {}, rule: null, rdates: [], exdates: [], problem: null };
	let sawStart = false;
	for (const cl of lines) {
		if (cl.name === 'DTSTART' || cl.name === 'DTEND') {
			const isStart = cl.name === 'DTSTART';
			sawStart ||= isStart;
			const day = dayOf(cl.value, timeZone, !isStart);
			if (!day) fail(event, 'invalid_date', cl.value);
			else if (isStart) event.start = day;
			else event.end = day;
		} else if (cl.name === 'SUMMARY') {
			const language = (cl.params.LANGUAGE ?? '').toLowerCase().slice(0, 2);
			const slot = language === 'ar' || language === 'en' ? language : 'any';
			event.summary[slot] = unescapeText(cl.value);
		} else if (cl.name === 'UID') event.uid = cl.value.trim();
		else if (['RRULE', 'RDATE', 'EXDATE', 'RECURRENCE-ID'].includes(cl.name)) readRepeat(event, cl, timeZone);
	}
	if (!sawStart && !event.problem) event.problem = 'missing_date';
	return event;
}

/** The file's events, in order. Nested components (VALARM) inside an event are skipped. */
export function parseIcs(text: string, timeZone: string): IcsFile {
	const events: IcsEvent[] = [];
	let isCalendar = false;
	let current: { line: number; lines: ContentLine[]; depth: number } | null = null;
	for (const { line, text: raw } of unfold(text)) {
		const cl = contentLine(line, raw);
		if (!cl) continue;
		const value = cl.value.trim().toUpperCase();
		if (cl.name === 'BEGIN' && value === 'VCALENDAR') isCalendar = true;
		if (cl.name === 'BEGIN' && value === 'VEVENT' && !current) current = { line, lines: [], depth: 0 };
		else if (current && cl.name === 'BEGIN') current.depth++;
		else if (current && cl.name === 'END' && current.depth > 0) current.depth--;
		else if (current && cl.name === 'END' && value === 'VEVENT') {
			events.push(readEvent(current.lines, current.line, timeZone));
			current = null;
		} else if (current && current.depth === 0) current.lines.push(cl);
	}
	return { isCalendar, events };
}
