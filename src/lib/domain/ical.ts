/** A small reader of iCalendar files (RFC 5545) for public holidays: the VEVENTs' all-day dates
 * and names. Only what a holiday calendar needs is read; everything else in the file is skipped.
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
	recurring: boolean;
	problem: 'missing_date' | 'invalid_date' | null;
	/** The raw DTSTART or DTEND that could not be read, to show it as the file has it. */
	raw?: string;
}

export interface IcsFile {
	isCalendar: boolean;
	events: IcsEvent[];
}

interface ContentLine {
	line: number;
	name: string;
	params: Record<string, string>;
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
			const last = out[out.length - 1];
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
			const params: Record<string, string> = {};
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

/** 'YYYY-MM-DD' when it names a real day, else null. */
function calendarDate(y: string, m: string, d: string): string | null {
	const date = `${y}-${m}-${d}`;
	const parsed = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? date : null;
}

/** A DTSTART/DTEND as a calendar day. A DATE is the day itself; a DATE-TIME with TZID or none
 * (floating) is read as written; one in UTC ('Z') is the day it falls on in `timeZone`.
 * `exclusiveEnd`: a DTEND at midnight ends the day before, later in the day includes that day. */
function dayOf(cl: ContentLine, timeZone: string, exclusiveEnd: boolean): string | null {
	const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(cl.value.trim());
	if (!m) return null;
	const day = calendarDate(m[1], m[2], m[3]);
	if (!day || m[4] === undefined) return day;
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

function readEvent(lines: ContentLine[], startLine: number, timeZone: string): IcsEvent {
	const event: IcsEvent = { line: startLine, start: null, end: null, summary: {}, recurring: false, problem: null };
	let sawStart = false;
	for (const cl of lines) {
		if (cl.name === 'DTSTART' || cl.name === 'DTEND') {
			const isStart = cl.name === 'DTSTART';
			sawStart ||= isStart;
			const day = dayOf(cl, timeZone, !isStart);
			if (!day) {
				event.problem = 'invalid_date';
				event.raw ??= cl.value.trim().slice(0, 40);
			} else if (isStart) event.start = day;
			else event.end = day;
		} else if (cl.name === 'SUMMARY') {
			const language = (cl.params.LANGUAGE ?? '').toLowerCase().slice(0, 2);
			const slot = language === 'ar' || language === 'en' ? language : 'any';
			event.summary[slot] = unescapeText(cl.value);
		} else if (cl.name === 'RRULE' || cl.name === 'RDATE') event.recurring = true;
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
