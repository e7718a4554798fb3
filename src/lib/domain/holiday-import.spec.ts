import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HolidayDay } from './doc-types';
import { addedByYear, HOLIDAY_LIMITS, planHolidayImport, readHolidayFile } from './holiday-import';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/ics/${name}`, import.meta.url), 'utf8');
const BAHRAIN = 'Asia/Bahrain';
const event = (start: string, summary = 'Holiday', extra: string[] = []) => ['BEGIN:VEVENT', `DTSTART;VALUE=DATE:${start}`, `SUMMARY:${summary}`, ...extra, 'END:VEVENT'];
const calendar = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flat(), 'END:VCALENDAR'].join('\r\n');
/** A year with the most holidays allowed, none in May or December. */
const full = (year: number): HolidayDay[] =>
	Array.from({ length: HOLIDAY_LIMITS.perYear }, (_, i) => ({
		date: `${year}-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
		name_ar: 'يوم',
		name_en: 'Day'
	}));

function plan(text: string, existing: Record<number, HolidayDay[]> = {}, lastYear?: number) {
	const file = readHolidayFile(text, BAHRAIN, lastYear);
	if (file.problem) throw new Error(file.problem);
	return planHolidayImport(file.events, new Map(Object.entries(existing).map(([y, d]) => [Number(y), d])), lastYear);
}

describe('readHolidayFile', () => {
	it('names the years whose holidays the plan must see', () => {
		expect(readHolidayFile(fixture('bahrain-2028.ics'), BAHRAIN)).toMatchObject({ problem: null, years: [2028] });
		expect(readHolidayFile(calendar(event('20271231', 'Eve', ['DTEND;VALUE=DATE:20280102'])), BAHRAIN)).toMatchObject({ years: [2027, 2028] });
	});

	it.each([
		['too_large', `${calendar(event('20280501'))}\r\nX-PAD:${'x'.repeat(HOLIDAY_LIMITS.fileBytes)}`],
		// Multi-byte text counts in bytes: 100,000 Arabic letters are 200,000 bytes.
		['too_large', `${calendar(event('20280501', 'ع'.repeat(140_000)))}`],
		['not_calendar', 'date,name\r\n2028-05-01,Labour Day\r\n'],
		['no_events', calendar()],
		['too_many_events', calendar(...Array.from({ length: HOLIDAY_LIMITS.events + 1 }, () => event('20280501')))]
	])('refuses the whole file: %s', (problem, text) => {
		expect(readHolidayFile(text, BAHRAIN).problem).toBe(problem);
	});
});

describe('planHolidayImport', () => {
	it('expands multi-day events (DTEND exclusive) and takes each language’s name', () => {
		const result = plan(fixture('bahrain-2028.ics'));
		expect(result.refused).toEqual([]);
		expect(result.add.map((r) => r.date)).toEqual(['2028-01-01', '2028-02-26', '2028-02-27', '2028-02-28', '2028-05-01', '2028-12-16', '2028-12-17']);
		expect(result.add[1]).toEqual({ line: 25, date: '2028-02-26', name_ar: 'عيد الفطر', name_en: 'Eid al-Fitr' });
		// One SUMMARY without a language names the day in both.
		expect(result.add[4]).toMatchObject({ name_ar: 'Labour Day', name_en: 'Labour Day' });
		expect([...addedByYear(result).keys()]).toEqual([2028]);
		expect(addedByYear(result).get(2028)).toHaveLength(7);
	});

	it('refuses each mistake with its reason and keeps every good day', () => {
		const result = plan(fixture('mistakes.ics'));
		expect(result.add.map((r) => [r.date, r.name_en])).toEqual([
			['2028-03-01', 'Spring holiday'],
			['2028-02-28', 'Overlaps the spring holiday'],
			['2028-02-29', 'Overlaps the spring holiday'],
			['2028-03-02', 'Overlaps the spring holiday']
		]);
		expect(result.refused.map((r) => [r.line, r.date, r.refused, r.detail])).toEqual([
			[9, null, 'invalid_date', '20280230'],
			[14, null, 'invalid_date', 'tomorrow'],
			[19, '2028-03-10', 'end_before_start', undefined],
			[25, '2028-03-01', 'duplicate_in_file', '4'],
			[31, '2028-03-05', 'recurrence_unsupported', 'FREQ=WEEKLY'],
			[37, '2028-04-01', 'too_many_days', undefined],
			[43, '3100-01-01', 'year_out_of_range', undefined],
			[48, '2028-03-20', 'missing_name', undefined],
			[52, null, 'missing_date', undefined]
		]);
	});

	it('refuses the days that are already holidays and adds the rest of the event', () => {
		const existing = { 2028: [{ date: '2028-02-27', name_ar: 'عيد الفطر', name_en: 'Eid al-Fitr' }] };
		const result = plan(calendar(event('20280226', 'Eid', ['DTEND;VALUE=DATE:20280229'])), existing);
		expect(result.add.map((r) => r.date)).toEqual(['2028-02-26', '2028-02-28']);
		expect(result.refused).toEqual([{ line: 3, date: '2028-02-27', name_ar: 'Eid', name_en: 'Eid', refused: 'already_holiday', detail: 'عيد الفطر / Eid al-Fitr' }]);
	});

	it('refuses days beyond the yearly limit and names that are too short or too long', () => {
		const result = plan(calendar(event('20291201', 'Last', ['DTEND;VALUE=DATE:20291203']), event('20291210', 'X'), event('20291211', 'L'.repeat(121))), { 2029: full(2029).slice(1) });
		expect(result.add.map((r) => r.date)).toEqual(['2029-12-01']);
		expect(result.refused.map((r) => [r.date, r.refused])).toEqual([
			['2029-12-02', 'year_full'],
			['2029-12-10', 'name_length'],
			['2029-12-11', 'name_length']
		]);
	});
});

describe('repeating events', () => {
	const yearly = (start: string, extra: string[]) => calendar(event(start, 'Labour Day', extra));
	const dates = (result: ReturnType<typeof plan>) => result.add.map((r) => r.date);

	it('imports an Outlook export: open-ended, UNTIL in UTC, COUNT with an EXDATE, and a holiday of one year', () => {
		const text = fixture('yearly.ics');
		expect(readHolidayFile(text, BAHRAIN, 2030)).toMatchObject({ problem: null, years: [2027, 2028, 2029, 2030] });
		const result = plan(text, {}, 2030);
		expect(result.refused).toEqual([]);
		expect(result.add.map((r) => [r.line, r.date])).toEqual([
			[14, '2027-01-01'],
			[14, '2028-01-01'],
			[14, '2029-01-01'],
			[14, '2030-01-01'],
			[32, '2027-05-01'],
			[32, '2028-05-01'],
			[32, '2029-05-01'],
			[32, '2030-05-01'],
			// COUNT=3 counts 2028 before EXDATE takes it out (RFC 5545 §3.8.5.1).
			[51, '2027-12-16'],
			[51, '2027-12-17'],
			[51, '2029-12-16'],
			[51, '2029-12-17'],
			[65, '2027-03-09'],
			[65, '2027-03-10'],
			[65, '2027-03-11']
		]);
		expect(result.add[8]).toMatchObject({ name_ar: 'العيد الوطني المجيد وذكرى تولي جلالة الملك مقاليد الحكم', name_en: 'National Day and Accession Day of His Majesty the King' });
		expect(result.repeating).toEqual([
			{ line: 14, name_ar: "New Year's Day", name_en: "New Year's Day", added: 4, first: '2027-01-01', last: '2030-01-01' },
			{ line: 32, name_ar: 'Labour Day', name_en: 'Labour Day', added: 4, first: '2027-05-01', last: '2030-05-01' },
			{ line: 51, name_ar: expect.any(String), name_en: expect.any(String), added: 4, first: '2027-12-16', last: '2029-12-17' }
		]);
	});

	it.each([
		['COUNT', '20280501', ['RRULE:FREQ=YEARLY;COUNT=3'], 2040, ['2028-05-01', '2029-05-01', '2030-05-01']],
		['UNTIL on an occurrence', '20280501', ['RRULE:FREQ=YEARLY;UNTIL=20310501'], 2040, ['2028-05-01', '2029-05-01', '2030-05-01', '2031-05-01']],
		['UNTIL the day before', '20280501', ['RRULE:FREQ=YEARLY;UNTIL=20310430'], 2040, ['2028-05-01', '2029-05-01', '2030-05-01']],
		['UNTIL before DTSTART: DTSTART is still the first', '20280501', ['RRULE:FREQ=YEARLY;UNTIL=20270501'], 2040, ['2028-05-01']],
		['open-ended, to the year given', '20280501', ['RRULE:FREQ=YEARLY'], 2031, ['2028-05-01', '2029-05-01', '2030-05-01', '2031-05-01']],
		['open-ended, given a year before DTSTART', '20280501', ['RRULE:FREQ=YEARLY'], 2020, ['2028-05-01']],
		['open-ended, ten years by default', '20280501', ['RRULE:FREQ=YEARLY'], undefined, Array.from({ length: 11 }, (_, i) => `${2028 + i}-05-01`)],
		['open-ended, never past the last year kept', '20980501', ['RRULE:FREQ=YEARLY'], undefined, ['2098-05-01', '2099-05-01', '2100-05-01']],
		['every other year', '20280501', ['RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=3'], 2040, ['2028-05-01', '2030-05-01', '2032-05-01']],
		['every other year, open-ended', '20280501', ['RRULE:FREQ=YEARLY;INTERVAL=2'], 2033, ['2028-05-01', '2030-05-01', '2032-05-01']],
		['BYMONTH and BYMONTHDAY naming DTSTART', '20280501', ['RRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;WKST=SU;COUNT=2'], 2040, ['2028-05-01', '2029-05-01']],
		['EXDATE taking out a year', '20280501', ['RRULE:FREQ=YEARLY;COUNT=3', 'EXDATE;VALUE=DATE:20290501'], 2040, ['2028-05-01', '2030-05-01']],
		['EXDATE taking out DTSTART', '20280501', ['RRULE:FREQ=YEARLY;COUNT=2', 'EXDATE:20280501T000000'], 2040, ['2029-05-01']],
		['RDATE adding a day', '20280501', ['RRULE:FREQ=YEARLY;COUNT=2', 'RDATE;VALUE=DATE:20280502'], 2040, ['2028-05-01', '2028-05-02', '2029-05-01']],
		['RDATE without a rule, one already a rule day', '20280501', ['RDATE;VALUE=DATE:20300501', 'RDATE;VALUE=DATE:20280501,20290502'], 2040, ['2028-05-01', '2029-05-02', '2030-05-01']],
		['29 February skips common years and 2100', '20960229', ['RRULE:FREQ=YEARLY;COUNT=2'], 2040, ['2096-02-29']],
		['29 February, COUNT counts only real days', '20280229', ['RRULE:FREQ=YEARLY;COUNT=3'], 2040, ['2028-02-29', '2032-02-29', '2036-02-29']],
		['29 February, open-ended', '20280229', ['RRULE:FREQ=YEARLY'], 2035, ['2028-02-29', '2032-02-29']],
		// New Year exported with its first year long past: filled from the year of the import (2036 − 10) on.
		['open-ended, started long before the import', '20050101', ['RRULE:FREQ=YEARLY'], 2036, Array.from({ length: 11 }, (_, i) => `${2026 + i}-01-01`)],
		['every other year, started long before the import', '20050101', ['RRULE:FREQ=YEARLY;INTERVAL=2'], 2036, ['2027-01-01', '2029-01-01', '2031-01-01', '2033-01-01', '2035-01-01']],
		['COUNT started long before: as many as it names, past years included', '20050101', ['RRULE:FREQ=YEARLY;COUNT=2'], 2036, ['2005-01-01', '2006-01-01']]
	] as const)('%s', (_name, start, extra, lastYear, expected) => {
		const result = plan(yearly(start, [...extra]), {}, lastYear);
		expect(dates(result)).toEqual(expected);
		expect(result.repeating).toMatchObject([{ line: 3, added: expected.length, first: expected[0], last: expected.at(-1) }]);
	});

	it('repeats a multi-day event with each occurrence as long as the first, and names the years', () => {
		const text = calendar(event('20281216', 'National Day', ['DTEND;VALUE=DATE:20281218', 'RRULE:FREQ=YEARLY;COUNT=3']));
		expect(readHolidayFile(text, BAHRAIN)).toMatchObject({ years: [2028, 2029, 2030] });
		expect(dates(plan(text))).toEqual(['2028-12-16', '2028-12-17', '2029-12-16', '2029-12-17', '2030-12-16', '2030-12-17']);
	});

	it('moves the occurrence that another event replaces (RECURRENCE-ID with the same UID)', () => {
		const master = event('20280501', 'Labour Day', ['UID:labour@example', 'RRULE:FREQ=YEARLY;COUNT=3']);
		const moved = event('20290502', 'Labour Day (moved)', ['UID:labour@example', 'RECURRENCE-ID;VALUE=DATE:20290501']);
		const other = event('20290501', 'Other calendar', ['UID:other@example', 'RECURRENCE-ID;VALUE=DATE:20300501']);
		const result = plan(calendar(master, moved, other));
		expect(result.add.map((r) => [r.line, r.date])).toEqual([
			[3, '2028-05-01'],
			[3, '2030-05-01'],
			[9, '2029-05-02'],
			// A replacement whose UID names no event here is an event of its own.
			[15, '2029-05-01']
		]);
		expect(result.repeating).toMatchObject([{ line: 3, added: 2 }]);
	});

	it('refuses the occurrences outside the years kept and adds the others', () => {
		const late = plan(yearly('20990501', ['RRULE:FREQ=YEARLY;COUNT=4']));
		expect(dates(late)).toEqual(['2099-05-01', '2100-05-01']);
		expect(late.refused.map((r) => [r.line, r.date, r.refused])).toEqual([
			[3, '2101-05-01', 'year_out_of_range'],
			[3, '2102-05-01', 'year_out_of_range']
		]);
		const early = plan(yearly('19990101', ['RRULE:FREQ=YEARLY']), {}, 2001);
		expect(dates(early)).toEqual(['2000-01-01', '2001-01-01']);
		expect(early.refused.map((r) => [r.date, r.refused])).toEqual([['1999-01-01', 'year_out_of_range']]);
		expect(readHolidayFile(yearly('19990101', ['RRULE:FREQ=YEARLY']), BAHRAIN, 2001)).toMatchObject({ years: [2000, 2001] });
	});

	it('checks each occurrence like a day of the file: already a holiday, twice in the file, a full year', () => {
		const existing = { 2029: [{ date: '2029-05-01', name_ar: 'عيد العمال', name_en: 'Labour Day' }], 2030: full(2030) };
		const result = plan(calendar(event('20280501', 'Labour Day', ['RRULE:FREQ=YEARLY;COUNT=4']), event('20310501', 'May Day')), existing);
		expect(dates(result)).toEqual(['2028-05-01', '2031-05-01']);
		expect(result.refused.map((r) => [r.line, r.date, r.refused, r.detail])).toEqual([
			[3, '2029-05-01', 'already_holiday', 'عيد العمال / Labour Day'],
			[3, '2030-05-01', 'year_full', '2030'],
			[8, '2031-05-01', 'duplicate_in_file', '3']
		]);
		expect(result.repeating).toEqual([{ line: 3, name_ar: 'Labour Day', name_en: 'Labour Day', added: 2, first: '2028-05-01', last: '2031-05-01' }]);
	});

	it.each([
		'FREQ=WEEKLY',
		'FREQ=DAILY;COUNT=3',
		'FREQ=MONTHLY;BYMONTHDAY=1',
		'FREQ=YEARLY;BYDAY=1MO;BYMONTH=5',
		'FREQ=YEARLY;BYMONTH=5;BYDAY=-1FR;BYSETPOS=1',
		'FREQ=YEARLY;BYYEARDAY=122',
		'FREQ=YEARLY;BYWEEKNO=18',
		'FREQ=YEARLY;BYMONTHDAY=2',
		'FREQ=YEARLY;BYMONTHDAY=-31',
		'FREQ=YEARLY;BYMONTHDAY=1,15',
		'FREQ=YEARLY;BYMONTH=6',
		'FREQ=YEARLY;COUNT=2;UNTIL=20300501',
		'FREQ=YEARLY;X-OUTLOOK-SPECIAL=1'
	])('refuses RRULE:%s as a repeat it does not take, and names it', (rule) => {
		const result = plan(calendar(event('20280501', 'Labour Day', [`RRULE:${rule}`]), event('20280601', 'Other')));
		expect(result.refused).toEqual([{ line: 3, date: '2028-05-01', name_ar: 'Labour Day', name_en: 'Labour Day', refused: 'recurrence_unsupported', detail: rule }]);
		expect(dates(result)).toEqual(['2028-06-01']);
		expect(result.repeating).toEqual([]);
	});

	it('refuses a repeat it cannot read, naming it', () => {
		const result = plan(calendar(event('20280501', 'Labour Day', ['RRULE:FREQ=YEARLY;INTERVAL=0'])));
		expect(result.refused.map((r) => [r.refused, r.detail])).toEqual([['invalid_recurrence', 'FREQ=YEARLY;INTERVAL=0']]);
	});
});

describe('the bound on the days an import makes', () => {
	const distinct = (i: number) => `20${String(1 + Math.floor(i / 28)).padStart(2, '0')}`;
	const startOf = (i: number) => `2001${String(1 + Math.floor(i / 28)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
	const openEnded = (count: number) => calendar(...Array.from({ length: count }, (_, i) => event(startOf(i), `Day ${distinct(i)}`, ['RRULE:FREQ=YEARLY;UNTIL=21001231'])));

	it('takes a file at the bound: twenty days a year for a hundred years', () => {
		const text = openEnded(20);
		const file = readHolidayFile(text, BAHRAIN, 2100);
		expect(file).toMatchObject({ problem: null });
		expect(file.problem === null && file.years).toHaveLength(100);
		expect(plan(text, {}, 2100).add).toHaveLength(HOLIDAY_LIMITS.daysPerImport);
	});

	it.each([
		['one event past the bound', () => openEnded(21)],
		['a rule asking for a hundred thousand years', () => calendar(event('20280501', 'Labour Day', ['RRULE:FREQ=YEARLY;COUNT=100000']))],
		['an UNTIL far beyond the years kept', () => calendar(event('20280501', 'Labour Day', ['RRULE:FREQ=YEARLY;UNTIL=99991231']))],
		[
			'long events repeating often',
			() => calendar(...Array.from({ length: 20 }, (_, i) => event(startOf(i * 14), 'Long', ['DTEND;VALUE=DATE:' + startOf(i * 14 + 13), 'RRULE:FREQ=YEARLY;COUNT=10'])))
		],
		['RDATE lists', () => calendar(event('20280501', 'Labour Day', [`RDATE;VALUE=DATE:${Array.from({ length: HOLIDAY_LIMITS.daysPerImport }, () => '20290501').join(',')}`]))],
		[
			'every event asking for the most',
			() => calendar(...Array.from({ length: HOLIDAY_LIMITS.events }, () => event('00010101', 'Holiday', ['DTEND;VALUE=DATE:00010115', 'RRULE:FREQ=YEARLY;COUNT=999999999'])))
		]
	])('refuses the whole file, without expanding it: %s', (_name, text) => {
		const file = text();
		const began = performance.now();
		expect(readHolidayFile(file, BAHRAIN, 2100).problem).toBe('too_many_days');
		expect(performance.now() - began).toBeLessThan(1000);
	});
});
