/** Calendar periods of the stats buckets, on local dates 'YYYY-MM-DD' (already in the national
 * time zone), and the plan that covers a date range with as few bucket documents as possible.
 * Pure date arithmetic in UTC on dates without times: no time zone can shift a day here. */
import type { Level } from './model.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toMs(day: string): number {
	const m = DATE.exec(day);
	if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
	const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
	if (new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`no such date: ${day}`);
	return ms;
}

const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isDay(value: string): boolean {
	try {
		toMs(value);
		return true;
	} catch {
		return false;
	}
}

export function addDays(day: string, n: number): string {
	return fromMs(toMs(day) + n * DAY_MS);
}

/** The weekday the national week starts on: the day after the weekend (Friday–Saturday gives
 * Sunday, Saturday–Sunday gives Monday); Monday when there is no weekend. */
export function weekStartDay(weekend: readonly number[]): number {
	const rest = new Set(weekend);
	if (rest.size === 0 || rest.size >= 7) return 1;
	for (let d = 0; d < 7; d++) {
		if (rest.has(d) && !rest.has((d + 1) % 7)) return (d + 1) % 7;
	}
	return 1;
}

/** The first day of the week `day` falls in. Weeks are named by that date, not by an ISO week
 * number, because the national week need not start on Monday. */
export function weekOf(day: string, startDay: number): string {
	const ms = toMs(day);
	const back = (new Date(ms).getUTCDay() - startDay + 7) % 7;
	return fromMs(ms - back * DAY_MS);
}

export function periodOf(level: Level, day: string, weekStart: number): string {
	switch (level) {
		case 'd':
			return day;
		case 'w':
			return weekOf(day, weekStart);
		case 'm':
			return day.slice(0, 7);
		case 'y':
			return day.slice(0, 4);
	}
}

/** The first and last day of a period. */
export function periodBounds(level: Level, period: string): { from: string; to: string } {
	switch (level) {
		case 'd':
			return { from: period, to: period };
		case 'w':
			return { from: period, to: addDays(period, 6) };
		case 'm': {
			const from = `${period}-01`;
			const [y, m] = period.split('-').map(Number);
			return { from, to: fromMs(Date.UTC(y, m, 1) - DAY_MS) };
		}
		case 'y':
			return { from: `${period}-01-01`, to: `${period}-12-31` };
	}
}

/** The period right after `period` at its level. */
export function nextPeriod(level: Level, period: string): string {
	return addDays(periodBounds(level, period).to, 1).slice(0, level === 'y' ? 4 : level === 'm' ? 7 : 10);
}

export interface PlannedPeriod {
	level: Level;
	period: string;
}

/** Covers [from, to] (inclusive) exactly, with whole years, then whole months, then days: five
 * aligned years are 5 documents per scope, and a ragged range at most ~60 more. Weeks are not used
 * here because they straddle months; they serve weekly trends (trendPoints). */
export function planRange(from: string, to: string): PlannedPeriod[] {
	const end = toMs(to);
	if (toMs(from) > end) throw new RangeError(`the range ends before it starts: ${from} … ${to}`);
	const plan: PlannedPeriod[] = [];
	for (let day = from; toMs(day) <= end;) {
		const year = periodBounds('y', day.slice(0, 4));
		const month = periodBounds('m', day.slice(0, 7));
		if (day === year.from && toMs(year.to) <= end) {
			plan.push({ level: 'y', period: day.slice(0, 4) });
			day = addDays(year.to, 1);
		} else if (day === month.from && toMs(month.to) <= end) {
			plan.push({ level: 'm', period: day.slice(0, 7) });
			day = addDays(month.to, 1);
		} else {
			plan.push({ level: 'd', period: day });
			day = addDays(day, 1);
		}
	}
	return plan;
}

/** Periods grouped into runs of consecutive periods of one level: each run is one contiguous
 * range of document ids (`<level>:<scope>:<period>` sorts by period), read in one request. */
export function runsOf(periods: readonly PlannedPeriod[]): { level: Level; first: string; last: string }[] {
	const byLevel = new Map<Level, Set<string>>();
	for (const p of periods) {
		const set = byLevel.get(p.level) ?? new Set<string>();
		set.add(p.period);
		byLevel.set(p.level, set);
	}
	const runs: { level: Level; first: string; last: string }[] = [];
	for (const [level, set] of byLevel) {
		const sorted = [...set].sort();
		let first = sorted[0];
		for (let i = 1; i <= sorted.length; i++) {
			if (i < sorted.length && sorted[i] === nextPeriod(level, sorted[i - 1])) continue;
			runs.push({ level, first, last: sorted[i - 1] });
			first = sorted[i];
		}
	}
	return runs;
}

export interface TrendPoint {
	/** The period's name at its level (a week by its first day). */
	period: string;
	/** The part of the period inside the range, which the point counts. */
	from: string;
	to: string;
	/** How to read it: the period's own document when whole, else a plan of smaller ones. */
	plan: PlannedPeriod[];
}

/** One point per week, month or year touching [from, to]; a period cut by the range counts only
 * its days inside the range, read from day documents, so points add up to the range's total. */
export function trendPoints(level: 'w' | 'm' | 'y', from: string, to: string, weekStart: number): TrendPoint[] {
	const points: TrendPoint[] = [];
	const end = toMs(to);
	for (let day = from; toMs(day) <= end;) {
		const period = periodOf(level, day, weekStart);
		const bounds = periodBounds(level, period);
		const clippedTo = toMs(bounds.to) <= end ? bounds.to : to;
		const whole = day === bounds.from && clippedTo === bounds.to;
		points.push({ period, from: day, to: clippedTo, plan: whole ? [{ level, period }] : planRange(day, clippedTo) });
		day = addDays(clippedTo, 1);
	}
	return points;
}
