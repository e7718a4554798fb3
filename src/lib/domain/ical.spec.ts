import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIcs } from './ical';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/ics/${name}`, import.meta.url), 'utf8');
const BAHRAIN = 'Asia/Bahrain';
const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');

describe('parseIcs', () => {
	it('reads a real-looking national calendar: CRLF, folded lines, both languages, TZID, an alarm', () => {
		const text = fixture('bahrain-2028.ics');
		expect(text).toContain('\r\n');
		const file = parseIcs(text, BAHRAIN);
		expect(file.isCalendar).toBe(true);
		expect(file.events.map((e) => [e.start, e.end, e.problem, e.recurring])).toEqual([
			['2028-01-01', '2028-01-02', null, false],
			['2028-02-26', '2028-02-29', null, false],
			// A TZID midnight-to-midnight event is the one day.
			['2028-05-01', '2028-05-02', null, false],
			['2028-12-16', '2028-12-18', null, false]
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
			expect(file.events).toEqual([{ line: 2, start: '2028-05-01', end: null, summary: { any: 'Labour Day' }, recurring: false, problem: null }]);
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

	it('marks repeating events, and says when the text is not a calendar', () => {
		const [event] = parseIcs(wrap('BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20280501', 'RRULE:FREQ=YEARLY', 'SUMMARY:Labour Day', 'END:VEVENT'), BAHRAIN).events;
		expect(event.recurring).toBe(true);
		expect(parseIcs('date,name\n2028-05-01,Labour Day\n', BAHRAIN)).toEqual({ isCalendar: false, events: [] });
	});
});
