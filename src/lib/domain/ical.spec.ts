import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIcs, type IcsRule } from './ical';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/ics/${name}`, import.meta.url), 'utf8');
const BAHRAIN = 'Asia/Bahrain';
const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');

describe('parseIcs', () => {
	it('reads a real-looking national calendar: CRLF, folded lines, both languages, TZID, an alarm', () => {
		const text = fixture('bahrain-2028.ics');
		expect(text).toContain('\r\n');
		const file = parseIcs(text, BAHRAIN);
		expect(file.isCalendar).toBe(true);
		expect(file.events.map((e) => [e.start, e.end, e.problem, e.rule])).toEqual([
			['2028-01-01', '2028-01-02', null, null],
			['2028-02-26', '2028-02-29', null, null],
			// A TZID midnight-to-midnight event is the one day.
			['2028-05-01', '2028-05-02', null, null],
			['2028-12-16', '2028-12-18', null, null]
		]);
		expect(file.events[0].summary).toEqual({ ar: 'رأس السنة الميلادية', en: "New Year's Day" });
		expect(file.events[2].summary).toEqual({ any: 'Labour Day' });
		// Folded lines join without the leading space, even in the middle of a word.
		expect(file.events[3].summary.en).toBe('National Day and Accession Day of His Majesty the King');
		expect(file.events[3].summary.ar).toBe('العيد الوطني المجيد وذكرى تولي جلالة الملك مقاليد الحكم');
		expect(file.events[1].line).toBe(25);
	});

	it('reads LF-only and CR-only files the same', () => {
		const lines = ['BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20280501', 'SUMMARY:Labour Day', 'END:VEVENT'];
		for (const eol of ['\n', '\r']) {
			const file = parseIcs(['BEGIN:VCALENDAR', ...lines, 'END:VCALENDAR'].join(eol), BAHRAIN);
			expect(file.events).toEqual([{ line: 2, start: '2028-05-01', end: null, summary: { any: 'Labour Day' }, rule: null, rdates: [], exdates: [], problem: null }]);
		}
	});

	it('unescapes TEXT and keeps a colon inside a quoted parameter out of the name', () => {
		const file = parseIcs(wrap('BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20280501', 'SUMMARY;ALTREP="cid:a:b";LANGUAGE=en:Labour\\, Workers\\; Day\\nOff', 'END:VEVENT'), BAHRAIN);
		expect(file.events[0].summary).toEqual({ en: 'Labour, Workers; Day Off' });
	});

	it.each([
		// UTC times are read in the national zone: 21:00Z on 30 April is 00:00 on 1 May in Bahrain.
		['DTSTART:20280430T210000Z', 'DTEND:20280501T210000Z', '2028-05-01', '2028-05-02'],
		// A DTEND later than midnight includes its day.
		['DTSTART;TZID=Asia/Bahrain:20280501T080000', 'DTEND;TZID=Asia/Bahrain:20280502T120000', '2028-05-01', '2028-05-03'],
		// Floating times are read as written.
		['DTSTART:20280501T000000', 'DTEND:20280502T000000', '2028-05-01', '2028-05-02']
	])('%s / %s → %s..%s', (start, end, first, after) => {
		const [event] = parseIcs(wrap('BEGIN:VEVENT', start, end, 'SUMMARY:Labour Day', 'END:VEVENT'), BAHRAIN).events;
		expect([event.start, event.end, event.problem]).toEqual([first, after, null]);
	});

	it.each([
		['DTSTART;VALUE=DATE:20280230', 'invalid_date', '20280230'],
		['DTSTART;VALUE=DATE:20271301', 'invalid_date', '20271301'],
		['DTSTART:tomorrow', 'invalid_date', 'tomorrow'],
		['DTSTART:20280501T250000', 'invalid_date', '20280501T250000'],
		['DESCRIPTION:no start', 'missing_date', undefined]
	])('%s → %s', (line, problem, raw) => {
		const [event] = parseIcs(wrap('BEGIN:VEVENT', line, 'SUMMARY:Holiday', 'END:VEVENT'), BAHRAIN).events;
		expect(event.problem).toBe(problem);
		expect(event.raw).toBe(raw);
	});

	it('says when the text is not a calendar', () => {
		expect(parseIcs('date,name\n2028-05-01,Labour Day\n', BAHRAIN)).toEqual({ isCalendar: false, events: [] });
	});
});

describe('parseIcs: repeats (RRULE, RDATE, EXDATE)', () => {
	const rule = (text: string, fields: Partial<IcsRule>): IcsRule => ({ text, freq: 'YEARLY', interval: 1, count: null, until: null, byMonth: [], byMonthDay: [], other: [], ...fields });
	const repeat = (...lines: string[]) => parseIcs(wrap('BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20280501', ...lines, 'SUMMARY:Labour Day', 'END:VEVENT'), BAHRAIN).events[0];

	it('reads an Outlook export: VTIMEZONE, TZID date-times, a UTC UNTIL, folded UID and names, an alarm', () => {
		const text = fixture('yearly.ics');
		expect(text).toContain('\r\n');
		const events = parseIcs(text, BAHRAIN).events;
		expect(events.map((e) => [e.line, e.start, e.end, e.problem])).toEqual([
			[14, '2027-01-01', '2027-01-02', null],
			[32, '2027-05-01', '2027-05-02', null],
			[51, '2027-12-16', '2027-12-18', null],
			[65, '2027-03-09', '2027-03-12', null]
		]);
		expect(events.map((e) => e.rule)).toEqual([
			rule('FREQ=YEARLY;BYMONTHDAY=1;BYMONTH=1', { byMonth: [1], byMonthDay: [1] }),
			// 21:00 UTC on 30 April is midnight on 1 May in Bahrain.
			rule('FREQ=YEARLY;UNTIL=20300430T210000Z;INTERVAL=1;BYMONTHDAY=1;BYMONTH=5', { until: '2030-05-01', byMonth: [5], byMonthDay: [1] }),
			rule('FREQ=YEARLY;COUNT=3', { count: 3 }),
			null
		]);
		expect(events[2].exdates).toEqual(['2028-12-16']);
		expect(events[2].uid).toBe('national-day@holidays.gov.bh');
		expect(events[0].uid).toBe('040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5010000000000000000100000001A2B3C4D5E6F708192A3B4C5D6E7F8');
		expect(events[2].summary.en).toBe('National Day and Accession Day of His Majesty the King');
	});

	it.each<[string, Partial<IcsRule>]>([
		['FREQ=YEARLY', {}],
		['FREQ=YEARLY;', {}],
		['freq=yearly;interval=2;count=5', { interval: 2, count: 5 }],
		['FREQ=YEARLY;UNTIL=20300501', { until: '2030-05-01' }],
		['FREQ=YEARLY;UNTIL=20300501T235959', { until: '2030-05-01' }],
		['FREQ=YEARLY;COUNT=100000', { count: 100_000 }],
		['FREQ=YEARLY;BYMONTH=5,6;BYMONTHDAY=1,-1', { byMonth: [5, 6], byMonthDay: [1, -1] }],
		// Read but not worked out: the import refuses what they would change.
		['FREQ=WEEKLY;BYDAY=MO,TU;WKST=SU', { freq: 'WEEKLY', other: ['BYDAY', 'WKST'] }],
		['FREQ=MONTHLY;BYSETPOS=-1;X-NAME=1', { freq: 'MONTHLY', other: ['BYSETPOS', 'X-NAME'] }]
	])('RRULE:%s is read as a rule', (text, fields) => {
		const event = repeat(`RRULE:${text}`);
		expect(event.problem).toBeNull();
		expect(event.rule).toEqual(rule(text, fields));
	});

	it.each([
		['RRULE:INTERVAL=2'],
		['RRULE:FREQ=FORTNIGHTLY'],
		['RRULE:FREQ=YEARLY;INTERVAL=0'],
		['RRULE:FREQ=YEARLY;COUNT=-1'],
		['RRULE:FREQ=YEARLY;COUNT=ten'],
		['RRULE:FREQ=YEARLY;FREQ=DAILY'],
		['RRULE:FREQ=YEARLY;BYMONTH=13'],
		['RRULE:FREQ=YEARLY;BYMONTHDAY=0'],
		['RRULE:FREQ=YEARLY;UNTIL=tomorrow'],
		['RRULE:FREQ=YEARLY;COUNT'],
		['RDATE;VALUE=DATE:20290501,20300230'],
		['RDATE;VALUE=PERIOD:20290501T000000Z/P1D'],
		['EXDATE:next year'],
		['RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20290501'],
		['RECURRENCE-ID:sometime']
	])('%s cannot be read', (line) => {
		const event = repeat(line);
		expect(event.problem).toBe('invalid_recurrence');
		expect(event.raw).toBe(line.slice(line.indexOf(':') + 1));
	});

	it('refuses a second RRULE rather than read half of a union', () => {
		const event = repeat('RRULE:FREQ=YEARLY', 'RRULE:FREQ=YEARLY;INTERVAL=2');
		expect([event.problem, event.raw]).toEqual(['invalid_recurrence', 'FREQ=YEARLY;INTERVAL=2']);
	});

	it('reads the day an event replaces (RECURRENCE-ID), as written or in the national zone', () => {
		expect(repeat('UID:labour@example', 'RECURRENCE-ID;VALUE=DATE:20290501')).toMatchObject({ uid: 'labour@example', recurrenceId: '2029-05-01', problem: null });
		expect(repeat('RECURRENCE-ID:20290430T210000Z').recurrenceId).toBe('2029-05-01');
	});

	it('gathers RDATE and EXDATE days from every line, dates and date-times alike', () => {
		const event = repeat('RDATE;VALUE=DATE:20290502,20300503', 'RDATE:20310430T210000Z', 'EXDATE;TZID=Asia/Bahrain:20290501T000000', 'EXDATE;VALUE=DATE:20300501');
		expect([event.problem, event.rule, event.rdates, event.exdates]).toEqual([null, null, ['2029-05-02', '2030-05-03', '2031-05-01'], ['2029-05-01', '2030-05-01']]);
	});
});
