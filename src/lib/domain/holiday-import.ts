/** Importing public holidays from an iCalendar file: which days are added and which are refused,
 * and why. The coordinator's screen previews with this and the server applies the same plan, so
 * what was shown is what happens (issue 16). Pure: the caller reads the existing holidays. */
import type { HolidayDay } from './doc-types';
import { isYearlyOnItsDate, repeatBound, repeatStarts, withReplacements, type FillYears } from './holiday-repeat';
import { nextDay, parseIcs, type IcsEvent } from './ical';

export const HOLIDAY_LIMITS = {
	year: { min: 2000, max: 2100 },
	perYear: 60,
	name: { min: 2, max: 120 },
	/** A national calendar is a few kilobytes; a quarter of a megabyte is a mistake or an attack. */
	fileBytes: 256 * 1024,
	events: 500,
	/** The longest holiday anyone declares is about a week; a month-long event is a wrong DTEND. */
	daysPerEvent: 14,
	/** A yearly repeat with neither COUNT nor UNTIL is filled this many years ahead. */
	repeatYears: 10,
	/** Every day a file names, repeats expanded: over thirty years of the fullest calendar. A few lines of
	 * RRULE can name millions of days; past this the file is refused before any is made. */
	daysPerImport: 2000
} as const;

export type FileProblem = 'too_large' | 'not_calendar' | 'no_events' | 'too_many_events' | 'too_many_days';

type Refusal =
	| 'invalid_date'
	| 'missing_date'
	| 'invalid_recurrence'
	| 'recurrence_unsupported'
	| 'missing_name'
	| 'name_length'
	| 'end_before_start'
	| 'too_many_days'
	| 'year_out_of_range'
	| 'duplicate_in_file'
	| 'already_holiday'
	| 'year_full';

/** One day of the file (or one event that has no readable day), added or refused. */
export interface ImportRow {
	line: number;
	date: string | null;
	name_ar: string;
	name_en: string;
	refused?: Refusal;
	/** What the message names: the existing holiday, the other line of the file, the raw value. */
	detail?: string;
}

/** A repeating event that was taken: how many days it adds, from which to which. */
export interface RepeatSummary {
	line: number;
	name_ar: string;
	name_en: string;
	added: number;
	first: string | null;
	last: string | null;
}

export interface ImportPlan {
	/** Days to add always have their date. */
	add: (ImportRow & { date: string })[];
	refused: ImportRow[];
	repeating: RepeatSummary[];
}

export type HolidayFile = { problem: FileProblem } | { problem: null; events: IcsEvent[]; years: number[] };

const DAY_MS = 86_400_000;
const byteLength = (text: string) => new TextEncoder().encode(text).length;
const yearOf = (date: string) => Number(date.slice(0, 4));
const inYears = (year: number) => year >= HOLIDAY_LIMITS.year.min && year <= HOLIDAY_LIMITS.year.max;

/** The last year an open-ended yearly repeat fills when importing on `today` ('YYYY-MM-DD' in the
 * national time zone). The server and the coordinator's screen both pass it, so the preview, the
 * import and the screen's own check of the file expand the same days. */
export function lastYearToFill(today: string): number {
	return Math.min(yearOf(today) + HOLIDAY_LIMITS.repeatYears, HOLIDAY_LIMITS.year.max);
}

/** The years an open-ended repeat fills: up to `lastYear` as the caller gave it, from the year
 * it was worked out on (today's); without it, the ten years from the event's start. Never past
 * the limit. */
function fillOf(start: string, lastYear: number | undefined): FillYears {
	const to = Math.min(lastYear ?? yearOf(start) + HOLIDAY_LIMITS.repeatYears, HOLIDAY_LIMITS.year.max);
	return { from: lastYear === undefined ? yearOf(start) : lastYear - HOLIDAY_LIMITS.repeatYears, to };
}

/** Whether the event's occurrences are its repeat's: not for one refused before its days are read. */
const expands = (event: IcsEvent): event is IcsEvent & { start: string } => event.start !== null && !event.problem && (event.rule === null || isYearlyOnItsDate(event.rule, event.start));

const isRepeat = (event: IcsEvent) => event.rule !== null || event.rdates.length > 0 || event.exdates.length > 0;

/** Days from start to DTEND (exclusive; none means one day), worked out without listing them and
 * capped just past the longest event, which is refused as a whole. */
function spanOf(event: IcsEvent): number {
	if (!event.start || event.end === null) return 1;
	const days = Math.round((Date.parse(`${event.end}T00:00:00Z`) - Date.parse(`${event.start}T00:00:00Z`)) / DAY_MS);
	return Math.max(0, Math.min(days, HOLIDAY_LIMITS.daysPerEvent + 1));
}

function daysFrom(start: string, count: number): string[] {
	const days: string[] = [];
	for (let d = start; days.length < count; d = nextDay(d)) days.push(d);
	return days;
}

/** Each occurrence of the event as its days: one for an event that does not repeat, each of the
 * same length as DTSTART→DTEND. */
function occurrencesOf(event: IcsEvent, lastYear: number | undefined): string[][] {
	if (!event.start) return [];
	const starts = expands(event) ? repeatStarts(event, fillOf(event.start, lastYear)) : [event.start];
	return starts.map((start) => daysFrom(start, spanOf(event)));
}

/** At most how many days (rows) the events make, without making them. */
function dayBound(events: IcsEvent[], lastYear: number | undefined): number {
	let total = 0;
	for (const event of events) total += (expands(event) ? repeatBound(event, fillOf(event.start, lastYear)) : 1) * Math.max(1, spanOf(event));
	return total;
}

/** The file's events and the years whose existing holidays the plan must see, every year a repeat
 * reaches included. `lastYear`: see lastYearToFill. */
export function readHolidayFile(text: string, timeZone: string, lastYear?: number): HolidayFile {
	if (text.length > HOLIDAY_LIMITS.fileBytes || byteLength(text) > HOLIDAY_LIMITS.fileBytes) return { problem: 'too_large' };
	const file = parseIcs(text, timeZone);
	if (!file.isCalendar) return { problem: 'not_calendar' };
	if (file.events.length === 0) return { problem: 'no_events' };
	if (file.events.length > HOLIDAY_LIMITS.events) return { problem: 'too_many_events' };
	const events = withReplacements(file.events);
	if (dayBound(events, lastYear) > HOLIDAY_LIMITS.daysPerImport) return { problem: 'too_many_days' };
	const years = new Set<number>();
	for (const event of events) {
		for (const day of occurrencesOf(event, lastYear).flat()) if (inYears(yearOf(day))) years.add(yearOf(day));
	}
	return { problem: null, events, years: [...years].sort((a, b) => a - b) };
}

function names(event: IcsEvent): { name_ar: string; name_en: string } {
	const { any, ar, en } = event.summary;
	return { name_ar: ar ?? any ?? en ?? '', name_en: en ?? any ?? ar ?? '' };
}

/** Why a whole event is refused before its days are looked at, if it is. */
function eventRefusal(event: IcsEvent): Pick<ImportRow, 'refused' | 'detail'> | null {
	if (event.problem) return { refused: event.problem, ...(event.raw ? { detail: event.raw } : {}) };
	if (!expands(event)) {
		// An event without a problem has its start, so it is its rule that cannot be expanded.
		if (!event.rule) throw new Error(`holiday event of line ${event.line} has neither a problem nor a rule`);
		return { refused: 'recurrence_unsupported', detail: event.rule.text.slice(0, 80) };
	}
	const { name_ar, name_en } = names(event);
	if (!name_ar && !name_en) return { refused: 'missing_name' };
	const { min, max } = HOLIDAY_LIMITS.name;
	if ([name_ar, name_en].some((n) => n.length < min || n.length > max)) return { refused: 'name_length' };
	if (event.end !== null && event.end <= event.start) return { refused: 'end_before_start' };
	if (spanOf(event) > HOLIDAY_LIMITS.daysPerEvent) return { refused: 'too_many_days' };
	return null;
}

/** The holidays already kept and the days the plan has taken so far. */
interface Ledger {
	known: Map<string, HolidayDay>;
	fromFile: Map<string, number>;
	perYear: Map<number, number>;
}

function ledgerOf(existing: ReadonlyMap<number, readonly HolidayDay[]>): Ledger {
	const known = new Map<string, HolidayDay>();
	for (const days of existing.values()) for (const day of days) known.set(day.date, day);
	return { known, fromFile: new Map(), perYear: new Map([...existing].map(([year, days]) => [year, days.length])) };
}

/** One day of an event that may be added: refused when it is already a holiday, already in the
 * file, or its year has the most holidays allowed. */
function planDay(plan: ImportPlan, ledger: Ledger, row: ImportRow & { date: string }): void {
	const year = yearOf(row.date);
	const same = ledger.known.get(row.date);
	if (same) plan.refused.push({ ...row, refused: 'already_holiday', detail: `${same.name_ar} / ${same.name_en}` });
	else if (ledger.fromFile.has(row.date)) plan.refused.push({ ...row, refused: 'duplicate_in_file', detail: String(ledger.fromFile.get(row.date)) });
	else if ((ledger.perYear.get(year) ?? 0) >= HOLIDAY_LIMITS.perYear) plan.refused.push({ ...row, refused: 'year_full', detail: String(year) });
	else {
		plan.add.push(row);
		ledger.fromFile.set(row.date, row.line);
		ledger.perYear.set(year, (ledger.perYear.get(year) ?? 0) + 1);
	}
}

/** What importing `events` over `existing` (the holidays already kept, by year) would do.
 * `lastYear` must be the one readHolidayFile was given. An occurrence with a day outside the
 * years is refused as a whole, like an event; the others are still added. */
export function planHolidayImport(events: IcsEvent[], existing: ReadonlyMap<number, readonly HolidayDay[]>, lastYear?: number): ImportPlan {
	const plan: ImportPlan = { add: [], refused: [], repeating: [] };
	const ledger = ledgerOf(existing);
	for (const event of events) {
		const base = { line: event.line, ...names(event) };
		const refusal = eventRefusal(event);
		if (refusal) {
			plan.refused.push({ ...base, date: event.start, ...refusal });
			continue;
		}
		const before = plan.add.length;
		for (const days of occurrencesOf(event, lastYear)) {
			if (days.some((d) => !inYears(yearOf(d)))) plan.refused.push({ ...base, date: days[0], refused: 'year_out_of_range' });
			else for (const date of days) planDay(plan, ledger, { ...base, date });
		}
		const added = plan.add.slice(before);
		if (isRepeat(event)) plan.repeating.push({ ...base, added: added.length, first: added[0]?.date ?? null, last: added.at(-1)?.date ?? null });
	}
	return plan;
}

/** The plan's added days, by year, as stored holiday days. */
export function addedByYear(plan: ImportPlan): Map<number, HolidayDay[]> {
	const out = new Map<number, HolidayDay[]>();
	for (const row of plan.add) {
		const year = yearOf(row.date);
		out.set(year, [...(out.get(year) ?? []), { date: row.date, name_ar: row.name_ar, name_en: row.name_en }]);
	}
	return out;
}
