import type { HolidaysDoc, SettingsDoc } from './doc-types';

/** Working-day arithmetic in the national time zone. Instants are `Date`s (UTC); calendar days are
 * 'YYYY-MM-DD' strings in `timeZone`, so a day is a working day wherever the server runs. */
export interface WorkCalendar {
	timeZone: string;
	/** Day numbers, 0 = Sunday … 6 = Saturday. */
	weekend: number[];
	/** Public holidays as local dates 'YYYY-MM-DD'. */
	holidays: Set<string>;
}

const DAY_MS = 86_400_000;
/** No real calendar has a year of rest; a longer run means broken configuration, not a long wait. */
const MAX_RESTING_DAYS = 366;
const mod = (n: number, m: number) => ((n % m) + m) % m;

export function makeCalendar(settings: Pick<SettingsDoc, 'time_zone' | 'weekend'>, holidays: HolidaysDoc[]): WorkCalendar {
	// Constructing the formatter now makes a misspelt zone fail when settings load, not mid-case.
	formatterFor(settings.time_zone);
	const days = holidays.flatMap((doc) => doc.days.map((day) => day.date));
	return { timeZone: settings.time_zone, weekend: [...settings.weekend], holidays: new Set(days) };
}

// Intl.DateTimeFormat construction costs far more than formatting; the engine formats per case.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		// Gregorian calendar and Latin digits whatever the host's default locale is.
		f = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** The local wall-clock reading of `instant`, expressed as milliseconds since the epoch as if
 * that reading were UTC. Differences of wall times are what a person in that zone sees. */
function wallTime(instant: number, timeZone: string): number {
	const p: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(instant)) {
		if (part.type !== 'literal') p[part.type] = Number(part.value);
	}
	const ms = ((instant % 1000) + 1000) % 1000;
	// Some ICU versions still print midnight as hour 24 even with h23.
	return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) + ms;
}

/** The instant whose local wall-clock reading is `wall`. Offsets are learned from Intl twice,
 * which settles both sides of a DST change. A reading that happens twice (clocks back) gives the
 * earlier instant; one that never happens (clocks forward) gives the moment the clocks jumped
 * past it, so the start of a day whose midnight is skipped is its first real instant. */
function instantOfWall(wall: number, timeZone: string): number {
	const first = wall - (wallTime(wall, timeZone) - wall);
	const second = wall - (wallTime(first, timeZone) - first);
	// Same offset at both probes means `first` reads exactly `wall`: the usual case, and the
	// cheap one (Intl calls are what the engine spends its time on).
	if (first === second) return first;
	const exact = [first, second].filter((t) => wallTime(t, timeZone) === wall);
	return exact.length ? Math.min(...exact) : Math.max(first, second);
}

function parseLocalDate(localDate: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
	if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${localDate}`);
	return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Wall time of a local midnight → 'YYYY-MM-DD'. */
const dateOfWall = (wall: number) => new Date(wall).toISOString().slice(0, 10);

export function localDateOf(instant: Date, timeZone: string): string {
	return dateOfWall(wallTime(instant.getTime(), timeZone));
}

export function isWorkingDay(localDate: string, cal: WorkCalendar): boolean {
	const weekday = new Date(parseLocalDate(localDate)).getUTCDay();
	return !cal.weekend.includes(weekday) && !cal.holidays.has(localDate);
}

export function startOfLocalDay(localDate: string, timeZone: string): Date {
	return new Date(instantOfWall(parseLocalDate(localDate), timeZone));
}

/** The instant a clock in `timeZone` reads `msOfDay` after midnight on `localDate`: how a date
 * and time written without a zone (a legacy system's export) becomes an instant. */
export function instantOfLocalTime(localDate: string, msOfDay: number, timeZone: string): Date {
	return new Date(instantOfWall(parseLocalDate(localDate) + msOfDay, timeZone));
}

/** The last millisecond of the local day; a DST day is 23 or 25 hours long, not 24. */
export function endOfLocalDay(localDate: string, timeZone: string): Date {
	const nextMidnight = parseLocalDate(localDate) + DAY_MS;
	return new Date(instantOfWall(nextMidnight, timeZone) - 1);
}

function assertCanWork(cal: WorkCalendar): void {
	if (new Set(cal.weekend.filter((d) => d >= 0 && d <= 6)).size >= 7) {
		throw new RangeError('the weekend covers every day of the week');
	}
}

/** Convention: the day the case arrives never counts, whatever the hour (a case sent at 23:50
 * must not lose a day), and the period ends at the END of the Nth working day after it. So with a
 * Friday–Saturday weekend a case routed on Thursday, or on Friday, has Sunday as day 1. */
export function addWorkingDays(start: Date, days: number, cal: WorkCalendar): Date {
	if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${days}`);
	assertCanWork(cal);
	let day = parseLocalDate(localDateOf(start, cal.timeZone));
	for (let counted = 0, resting = 0; counted < days;) {
		day += DAY_MS;
		if (isWorkingDay(dateOfWall(day), cal)) {
			counted++;
			resting = 0;
		} else if (++resting > MAX_RESTING_DAYS) {
			throw new RangeError('no working day within a year');
		}
	}
	return endOfLocalDay(dateOfWall(day), cal.timeZone);
}

/** Measured in local wall-clock time, so a whole working day always counts 24 hours, even the
 * day clocks change; `addWorkingMs` measures the same way, which makes the two exact inverses
 * and lets a pause of whole days move a due time by whole days. */
export function workingMsBetween(a: Date, b: Date, cal: WorkCalendar): number {
	const from = wallTime(a.getTime(), cal.timeZone);
	const to = wallTime(b.getTime(), cal.timeZone);
	let total = 0;
	for (let day = from - mod(from, DAY_MS); day < to; day += DAY_MS) {
		if (isWorkingDay(dateOfWall(day), cal)) {
			total += Math.min(to, day + DAY_MS) - Math.max(from, day);
		}
	}
	return total;
}

/** The instant `ms` working milliseconds after `from`, skipping non-working days. */
export function addWorkingMs(from: Date, ms: number, cal: WorkCalendar): Date {
	if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`working ms must be ≥ 0: ${ms}`);
	if (ms === 0) return new Date(from.getTime());
	assertCanWork(cal);
	let cursor = wallTime(from.getTime(), cal.timeZone);
	let left = ms;
	for (let resting = 0; ;) {
		const dayStart = cursor - mod(cursor, DAY_MS);
		const dayEnd = dayStart + DAY_MS;
		if (isWorkingDay(dateOfWall(dayStart), cal)) {
			resting = 0;
			if (left <= dayEnd - cursor) return new Date(instantOfWall(cursor + left, cal.timeZone));
			left -= dayEnd - cursor;
		} else if (++resting > MAX_RESTING_DAYS) {
			throw new RangeError('no working day within a year');
		}
		cursor = dayEnd;
	}
}
