/** Importing public holidays from an iCalendar file: which days are added and which are refused,
 * and why. The coordinator's screen previews with this and the server applies the same plan, so
 * what was shown is what happens (issue 16). Pure: the caller reads the existing holidays. */
import type { HolidayDay } from './doc-types';
import { nextDay, parseIcs, type IcsEvent } from './ical';

export const HOLIDAY_LIMITS = {
	year: { min: 2000, max: 2100 },
	perYear: 60,
	name: { min: 2, max: 120 },
	/** A national calendar is a few kilobytes; a quarter of a megabyte is a mistake or an attack. */
	fileBytes: 256 * 1024,
	events: 500,
	/** The longest holiday anyone declares is about a week; a month-long event is a wrong DTEND. */
	daysPerEvent: 14
} as const;

export type FileProblem = 'too_large' | 'not_calendar' | 'no_events' | 'too_many_events';

type Refusal =
	| 'invalid_date'
	| 'missing_date'
	| 'invalid_recurrence'
	| 'missing_name'
	| 'name_length'
	| 'end_before_start'
	| 'too_many_days'
	| 'recurring'
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

export interface ImportPlan {
	add: ImportRow[];
	refused: ImportRow[];
}

export type HolidayFile = { problem: FileProblem } | { problem: null; events: IcsEvent[]; years: number[] };

const byteLength = (text: string) => new TextEncoder().encode(text).length;
const yearOf = (date: string) => Number(date.slice(0, 4));
const inYears = (year: number) => year >= HOLIDAY_LIMITS.year.min && year <= HOLIDAY_LIMITS.year.max;

/** The file's events and the years whose existing holidays the plan must see. */
export function readHolidayFile(text: string, timeZone: string): HolidayFile {
	if (text.length > HOLIDAY_LIMITS.fileBytes || byteLength(text) > HOLIDAY_LIMITS.fileBytes) return { problem: 'too_large' };
	const file = parseIcs(text, timeZone);
	if (!file.isCalendar) return { problem: 'not_calendar' };
	if (file.events.length === 0) return { problem: 'no_events' };
	if (file.events.length > HOLIDAY_LIMITS.events) return { problem: 'too_many_events' };
	const years = new Set<number>();
	for (const event of file.events) {
		for (const date of [event.start, event.end]) if (date && inYears(yearOf(date))) years.add(yearOf(date));
	}
	return { problem: null, events: file.events, years: [...years].sort((a, b) => a - b) };
}

function names(event: IcsEvent): { name_ar: string; name_en: string } {
	const { any, ar, en } = event.summary;
	return { name_ar: ar ?? any ?? en ?? '', name_en: en ?? any ?? ar ?? '' };
}

/** Why a whole event is refused before its days are looked at, if it is. */
function eventRefusal(event: IcsEvent, days: string[]): Refusal | null {
	if (event.problem) return event.problem;
	if (event.rule || event.rdates.length > 0) return 'recurring';
	const { name_ar, name_en } = names(event);
	if (!name_ar && !name_en) return 'missing_name';
	const { min, max } = HOLIDAY_LIMITS.name;
	if ([name_ar, name_en].some((n) => n.length < min || n.length > max)) return 'name_length';
	if (event.end !== null && event.end <= event.start!) return 'end_before_start';
	if (days.length > HOLIDAY_LIMITS.daysPerEvent) return 'too_many_days';
	if (days.some((d) => !inYears(yearOf(d)))) return 'year_out_of_range';
	return null;
}

/** The days an event covers; DTEND is the day after the last, a missing DTEND means one day. */
function daysOf(event: IcsEvent): string[] {
	if (!event.start) return [];
	const end = event.end ?? nextDay(event.start);
	const days: string[] = [];
	for (let d = event.start; d < end && days.length <= HOLIDAY_LIMITS.daysPerEvent; d = nextDay(d)) days.push(d);
	return days;
}

/** What importing `events` over `existing` (the holidays already kept, by year) would do. */
export function planHolidayImport(events: IcsEvent[], existing: ReadonlyMap<number, readonly HolidayDay[]>): ImportPlan {
	const plan: ImportPlan = { add: [], refused: [] };
	const known = new Map<string, HolidayDay>();
	for (const days of existing.values()) for (const day of days) known.set(day.date, day);
	const fromFile = new Map<string, number>();
	const perYear = new Map<number, number>();
	for (const [year, days] of existing) perYear.set(year, days.length);
	for (const event of events) {
		const days = daysOf(event);
		const refusal = eventRefusal(event, days);
		const base = { line: event.line, ...names(event) };
		if (refusal) {
			plan.refused.push({ ...base, date: event.start, refused: refusal, ...(event.raw ? { detail: event.raw } : {}) });
			continue;
		}
		for (const date of days) {
			const year = yearOf(date);
			const row: ImportRow = { ...base, date };
			const same = known.get(date);
			if (same) plan.refused.push({ ...row, refused: 'already_holiday', detail: `${same.name_ar} / ${same.name_en}` });
			else if (fromFile.has(date)) plan.refused.push({ ...row, refused: 'duplicate_in_file', detail: String(fromFile.get(date)) });
			else if ((perYear.get(year) ?? 0) >= HOLIDAY_LIMITS.perYear) plan.refused.push({ ...row, refused: 'year_full', detail: String(year) });
			else {
				plan.add.push(row);
				fromFile.set(date, event.line);
				perYear.set(year, (perYear.get(year) ?? 0) + 1);
			}
		}
	}
	return plan;
}

/** The plan's added days, by year, as stored holiday days. */
export function addedByYear(plan: ImportPlan): Map<number, HolidayDay[]> {
	const out = new Map<number, HolidayDay[]>();
	for (const row of plan.add) {
		const year = yearOf(row.date!);
		out.set(year, [...(out.get(year) ?? []), { date: row.date!, name_ar: row.name_ar, name_en: row.name_en }]);
	}
	return out;
}
