/** Which repeating events a holiday import takes, and on which days they fall (issue 16).
 *
 * Calendar exports (Outlook, Google, government sites) write a fixed-date holiday — New Year,
 * Labour Day on 1 May, National Day on 16–17 December — as one VEVENT with `RRULE:FREQ=YEARLY`.
 * That is the only repeat taken: every INTERVAL-th year on DTSTART's own month and day, ending at
 * COUNT occurrences, at UNTIL, or at a year the caller names. BYMONTH and BYMONTHDAY are accepted
 * only when they repeat DTSTART's month and day, as exporters write them. Islamic holidays move
 * in the Gregorian calendar, so no rule names them; a file lists them year by year.
 *
 * The recurrence set follows RFC 5545 §3.8.5: DTSTART is the first occurrence, the rule's
 * occurrences and the RDATE days are gathered, then the EXDATE days are taken out. Pure. */
import { calendarDate, type IcsEvent, type IcsRule } from './ical';

/** RRULE parts that change nothing in a yearly rule on DTSTART's date: WKST only matters with
 * BYWEEKNO or a weekly BYDAY, both refused. */
const HARMLESS_PARTS = new Set(['WKST']);
/** The last year a 'YYYY-MM-DD' can write; the bound of every loop here. */
const LAST_WRITABLE_YEAR = 9999;

const yearOf = (date: string) => Number(date.slice(0, 4));
const onlyThis = (list: number[], value: number) => list.length === 0 || (list.length === 1 && list[0] === value);

/** Whether the import expands this rule (see the module comment); COUNT with UNTIL is forbidden by
 * RFC 5545, and a negative BYMONTHDAY (from the month's end) is not how a fixed date is written. */
export function isYearlyOnItsDate(rule: IcsRule, start: string): boolean {
	const [, month, day] = start.split('-').map(Number);
	return (
		rule.freq === 'YEARLY' && rule.other.every((part) => HARMLESS_PARTS.has(part)) && (rule.count === null || rule.until === null) && onlyThis(rule.byMonth, month) && onlyThis(rule.byMonthDay, day)
	);
}

/** The years an open-ended repeat is filled in: an export whose first year is long past (New Year
 * since 2005) brings the years from the import on, not the years gone by. */
export interface FillYears {
	from: number;
	to: number;
}

/** The first and last years the rule's occurrences may fall in: from DTSTART's year (for an
 * open-ended rule, the first of its years at or after `fill.from`) to UNTIL's year, `fill.to` for
 * an open-ended rule, and for COUNT the last year a date can be written in (the count stops it
 * first). */
function ruleYears(start: string, rule: IcsRule, fill: FillYears): { first: number; last: number } {
	const openEnded = rule.until === null && rule.count === null;
	const last = rule.until !== null ? yearOf(rule.until) : openEnded ? fill.to : LAST_WRITABLE_YEAR;
	const startYear = yearOf(start);
	const first = openEnded && fill.from > startYear ? startYear + Math.ceil((fill.from - startYear) / rule.interval) * rule.interval : startYear;
	return { first, last: Math.min(last, LAST_WRITABLE_YEAR) };
}

/** The first day of each occurrence of a taken repeat, in order and each once. A 29 February start
 * skips common years, which RFC 5545 ignores as invalid dates and does not count towards COUNT. */
export function repeatStarts(event: IcsEvent & { start: string }, fill: FillYears): string[] {
	const rule = event.rule;
	const starts = new Set<string>();
	const { first, last } = rule ? ruleYears(event.start, rule, fill) : { first: yearOf(event.start), last: 0 };
	// DTSTART is the first occurrence, unless an open-ended repeat is filled from a later year.
	const fromStart = first === yearOf(event.start);
	if (fromStart) starts.add(event.start);
	if (rule) {
		const [, month, day] = event.start.split('-');
		for (let year = fromStart ? first + rule.interval : first, made = fromStart ? 1 : 0; year <= last && made < (rule.count ?? Infinity); year += rule.interval) {
			const date = calendarDate(String(year).padStart(4, '0'), month, day);
			if (date === null) continue;
			if (rule.until !== null && date > rule.until) break;
			starts.add(date);
			made++;
		}
	}
	for (const day of event.rdates) starts.add(day);
	for (const day of event.exdates) starts.delete(day);
	return [...starts].sort();
}

/** A VEVENT with RECURRENCE-ID replaces one occurrence of the event with the same UID (RFC 5545
 * §3.8.4.4): Outlook and Google export a holiday moved in one year that way. The replaced day is
 * taken out of the repeating event, as an EXDATE would; the replacement is an event of its own. */
export function withReplacements(events: IcsEvent[]): IcsEvent[] {
	const replaced = new Map<string, string[]>();
	for (const event of events) {
		if (event.uid !== undefined && event.recurrenceId !== undefined) replaced.set(event.uid, [...(replaced.get(event.uid) ?? []), event.recurrenceId]);
	}
	return events.map((event) => {
		const days = event.uid !== undefined && event.recurrenceId === undefined ? replaced.get(event.uid) : undefined;
		return days ? { ...event, exdates: [...event.exdates, ...days] } : event;
	});
}

/** At most how many occurrences repeatStarts gives, worked out without making them, so that a rule
 * asking for COUNT=100000 is refused before anything is expanded. */
export function repeatBound(event: IcsEvent & { start: string }, fill: FillYears): number {
	let fromRule = 1;
	if (event.rule) {
		const { first, last } = ruleYears(event.start, event.rule, fill);
		fromRule = Math.min(Math.max(0, Math.floor((last - first) / event.rule.interval)) + 1, event.rule.count ?? Infinity);
	}
	return fromRule + event.rdates.length;
}
