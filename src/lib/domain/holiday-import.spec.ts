import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HolidayDay } from './doc-types';
import { addedByYear, HOLIDAY_LIMITS, planHolidayImport, readHolidayFile } from './holiday-import';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/ics/${name}`, import.meta.url), 'utf8');
const BAHRAIN = 'Asia/Bahrain';
const event = (start: string, summary = 'Holiday', extra: string[] = []) => ['BEGIN:VEVENT', `DTSTART;VALUE=DATE:${start}`, `SUMMARY:${summary}`, ...extra, 'END:VEVENT'];
const calendar = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flat(), 'END:VCALENDAR'].join('\r\n');

function plan(text: string, existing: Record<number, HolidayDay[]> = {}) {
	const file = readHolidayFile(text, BAHRAIN);
	if (file.problem) throw new Error(file.problem);
	return planHolidayImport(file.events, new Map(Object.entries(existing).map(([y, d]) => [Number(y), d])));
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
			[31, '2028-03-05', 'recurring', undefined],
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
		const full = Array.from({ length: HOLIDAY_LIMITS.perYear - 1 }, (_, i) => ({
			date: `2029-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
			name_ar: 'يوم',
			name_en: 'Day'
		}));
		const result = plan(calendar(event('20291201', 'Last', ['DTEND;VALUE=DATE:20291203']), event('20291210', 'X'), event('20291211', 'L'.repeat(121))), { 2029: full });
		expect(result.add.map((r) => r.date)).toEqual(['2029-12-01']);
		expect(result.refused.map((r) => [r.date, r.refused])).toEqual([
			['2029-12-02', 'year_full'],
			['2029-12-10', 'name_length'],
			['2029-12-11', 'name_length']
		]);
	});
});
