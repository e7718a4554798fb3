import { describe, it, expect } from 'vitest';
import { addWorkingDays, addWorkingMs, endOfLocalDay, isWorkingDay, localDateOf, makeCalendar, startOfLocalDay, workingMsBetween, type WorkCalendar } from './calendar';
import type { HolidaysDoc } from './doc-types';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

function holidays(...dates: string[]): HolidaysDoc[] {
	return [
		{
			_id: 'holidays:2026',
			type: 'holidays',
			year: 2026,
			days: dates.map((date) => ({ date, name_ar: 'عطلة', name_en: 'Holiday' }))
		}
	];
}

/** Bahrain: UTC+3 all year, Friday–Saturday weekend. */
const bahrain = (...days: string[]) => makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, holidays(...days));
/** New York: DST on 2026-03-08 (23-hour day) and 2026-11-01 (25-hour day). */
const newYork = (weekend: number[] = [0, 6]) => makeCalendar({ time_zone: 'America/New_York', weekend }, []);

describe('makeCalendar', () => {
	it('gathers holidays of every year document', () => {
		const cal = makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, [
			...holidays('2026-12-16'),
			{ _id: 'holidays:2027', type: 'holidays', year: 2027, days: [{ date: '2027-01-01', name_ar: 'x', name_en: 'x' }] }
		]);
		expect([...cal.holidays].sort()).toEqual(['2026-12-16', '2027-01-01']);
	});

	it('refuses an unknown time zone when settings load', () => {
		expect(() => makeCalendar({ time_zone: 'Asia/Manama_Typo', weekend: [5, 6] }, [])).toThrow(RangeError);
	});
});

describe('localDateOf', () => {
	it.each([
		['2026-03-19T20:59:59.999Z', 'Asia/Bahrain', '2026-03-19'],
		['2026-03-19T21:00:00.000Z', 'Asia/Bahrain', '2026-03-20'],
		['2026-03-08T04:59:59.999Z', 'America/New_York', '2026-03-07'],
		['2026-03-08T05:00:00.000Z', 'America/New_York', '2026-03-08'],
		['2026-07-01T03:59:59.999Z', 'America/New_York', '2026-06-30'],
		['2026-07-01T04:00:00.000Z', 'America/New_York', '2026-07-01'],
		['2026-01-01T00:00:00.000Z', 'UTC', '2026-01-01']
	])('%s in %s is %s', (iso, zone, date) => {
		expect(localDateOf(at(iso), zone)).toBe(date);
	});
});

describe('start and end of a local day', () => {
	it.each([
		['2026-03-19', 'Asia/Bahrain', '2026-03-18T21:00:00.000Z', '2026-03-19T20:59:59.999Z'],
		// spring forward: 23 hours
		['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z', '2026-03-09T03:59:59.999Z'],
		// fall back: 25 hours
		['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z', '2026-11-02T04:59:59.999Z'],
		// midnight itself skipped in 2018: the day begins at 01:00 local
		['2018-11-04', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z', '2018-11-05T01:59:59.999Z'],
		['2018-11-03', 'America/Sao_Paulo', '2018-11-03T03:00:00.000Z', '2018-11-04T02:59:59.999Z']
	])('%s in %s runs from %s to %s', (date, zone, start, end) => {
		expect(startOfLocalDay(date, zone).toISOString()).toBe(start);
		expect(endOfLocalDay(date, zone).toISOString()).toBe(end);
	});

	it('rejects a malformed date', () => {
		expect(() => startOfLocalDay('19/03/2026', 'Asia/Bahrain')).toThrow(RangeError);
	});
});

describe('isWorkingDay', () => {
	const cal = bahrain('2026-03-22');
	it.each([
		['2026-03-19', true], // Thursday
		['2026-03-20', false], // Friday
		['2026-03-21', false], // Saturday
		['2026-03-22', false], // Sunday, holiday
		['2026-03-23', true] // Monday
	])('%s → %s', (date, expected) => {
		expect(isWorkingDay(date, cal)).toBe(expected);
	});
});

describe('addWorkingDays', () => {
	it.each<[string, string, number, WorkCalendar, string]>([
		['the brief example: Sunday 10:00 local, 5 days → end of next Sunday', '2026-03-15T07:00:00Z', 5, bahrain(), '2026-03-22T20:59:59.999Z'],
		['Thursday with a Sunday holiday skips weekend and holiday', '2026-03-19T09:00:00Z', 5, bahrain('2026-03-22'), '2026-03-29T20:59:59.999Z'],
		['Friday arrival: day 1 is Sunday', '2026-03-20T09:00:00Z', 1, bahrain(), '2026-03-22T20:59:59.999Z'],
		['Wednesday 23:30 local is still Wednesday: day 1 is Thursday', '2026-03-18T20:30:00Z', 1, bahrain(), '2026-03-19T20:59:59.999Z'],
		['Thursday 00:30 local (Wednesday in UTC) is Thursday: day 1 is Sunday', '2026-03-18T21:30:00Z', 1, bahrain(), '2026-03-22T20:59:59.999Z'],
		['zero days ends with the arrival day', '2026-03-19T09:00:00Z', 0, bahrain(), '2026-03-19T20:59:59.999Z'],
		['across spring forward the due time is 23:59:59.999 EDT', '2026-03-06T17:00:00Z', 1, newYork(), '2026-03-10T03:59:59.999Z'],
		['across fall back the due time is 23:59:59.999 EST', '2026-10-30T16:00:00Z', 1, newYork(), '2026-11-03T04:59:59.999Z']
	])('%s', (_name, start, days, cal, due) => {
		expect(addWorkingDays(at(start), days, cal).toISOString()).toBe(due);
	});

	it.each([-1, 1.5, Number.NaN])('refuses %s days', (days) => {
		expect(() => addWorkingDays(at('2026-03-19T09:00:00Z'), days, bahrain())).toThrow(RangeError);
	});

	it('refuses a calendar with no working day instead of looping forever', () => {
		expect(() => addWorkingDays(at('2026-03-19T09:00:00Z'), 1, newYork([0, 1, 2, 3, 4, 5, 6]))).toThrow(RangeError);
	});
});

describe('workingMsBetween', () => {
	it.each<[string, string, string, WorkCalendar, number]>([
		['Thursday noon → Sunday noon skips the weekend', '2026-03-19T09:00:00Z', '2026-03-22T09:00:00Z', bahrain(), 24 * HOUR],
		['…and a Sunday holiday', '2026-03-19T09:00:00Z', '2026-03-22T09:00:00Z', bahrain('2026-03-22'), 12 * HOUR],
		['inside one working day', '2026-03-19T06:00:00Z', '2026-03-19T08:30:00Z', bahrain(), 2.5 * HOUR],
		['entirely in the weekend', '2026-03-20T06:00:00Z', '2026-03-21T18:00:00Z', bahrain(), 0],
		['backwards is nothing', '2026-03-22T09:00:00Z', '2026-03-19T09:00:00Z', bahrain(), 0],
		['a whole week is five working days', '2026-03-15T00:00:00Z', '2026-03-22T00:00:00Z', bahrain(), 5 * 24 * HOUR],
		// 2026-03-08 is 23 real hours long; as a working day it still counts 24
		['a whole DST day counts 24 hours', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', newYork([]), 24 * HOUR]
	])('%s', (_name, a, b, cal, ms) => {
		expect(workingMsBetween(at(a), at(b), cal)).toBe(ms);
	});
});

describe('addWorkingMs', () => {
	it.each<[string, string, number, WorkCalendar, string]>([
		['Thursday 20:00 local + 6 h lands at Sunday 02:00 local', '2026-03-19T17:00:00Z', 6 * HOUR, bahrain(), '2026-03-21T23:00:00.000Z'],
		['starting in the weekend waits for Sunday', '2026-03-20T07:00:00Z', HOUR, bahrain(), '2026-03-21T22:00:00.000Z'],
		['a day from the end of Thursday is the end of Sunday', '2026-03-19T20:59:59.999Z', 24 * HOUR, bahrain(), '2026-03-22T20:59:59.999Z'],
		['…or of Monday when Sunday is a holiday', '2026-03-19T20:59:59.999Z', 24 * HOUR, bahrain('2026-03-22'), '2026-03-23T20:59:59.999Z'],
		['zero stays put, even in the weekend', '2026-03-20T07:00:00Z', 0, bahrain(), '2026-03-20T07:00:00.000Z'],
		['a wall-clock time inside the skipped hour moves past the jump', '2026-03-08T03:00:00Z', 4 * HOUR, newYork([]), '2026-03-08T07:00:00.000Z'],
		['22:00 EST + 5 h is 03:00 EDT', '2026-03-08T03:00:00Z', 5 * HOUR, newYork([]), '2026-03-08T07:00:00.000Z'],
		['Friday noon EST + 24 h is Monday noon EDT', '2026-03-06T17:00:00Z', 24 * HOUR, newYork(), '2026-03-09T16:00:00.000Z']
	])('%s', (_name, from, ms, cal, expected) => {
		expect(addWorkingMs(at(from), ms, cal).toISOString()).toBe(expected);
	});

	it.each<[string, number, WorkCalendar]>([
		['2026-03-19T17:00:00Z', 6 * HOUR, bahrain()],
		['2026-03-19T17:00:00Z', 100 * HOUR + 12345, bahrain('2026-03-22', '2026-03-23')],
		['2026-03-20T07:00:00Z', 1, bahrain()],
		['2026-03-06T17:00:00Z', 72 * HOUR, newYork()],
		['2026-10-30T16:00:00Z', 50 * HOUR, newYork()]
	])('is undone by workingMsBetween from %s (+%i ms)', (from, ms, cal) => {
		const to = addWorkingMs(at(from), ms, cal);
		expect(workingMsBetween(at(from), to, cal)).toBe(ms);
	});

	it('refuses a negative amount', () => {
		expect(() => addWorkingMs(at('2026-03-19T17:00:00Z'), -1, bahrain())).toThrow(RangeError);
	});
});
