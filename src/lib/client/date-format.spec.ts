import { describe, expect, it } from 'vitest';
import { formatDate, isCalendarChoice } from './date-format';

const BAHRAIN = 'Asia/Bahrain';
const at = (iso: string) => new Date(iso);

describe('formatDate', () => {
	it.each([
		// The first of Ramadan 1447 by Umm al-Qura is Wednesday 18 February 2026.
		['en-GB', 'gregory', '2026-02-18T09:00:00Z', 'Wednesday, 18 February 2026'],
		['en-GB', 'islamic-umalqura', '2026-02-18T09:00:00Z', 'Wednesday, 1 Ramadan 1447 AH'],
		['ar-BH', 'gregory', '2026-02-18T09:00:00Z', 'الأربعاء، ١٨ فبراير ٢٠٢٦'],
		['ar-BH', 'islamic-umalqura', '2026-02-18T09:00:00Z', 'الأربعاء، ١ رمضان ١٤٤٧ هـ'],
		// Eid al-Fitr 1447: 1 Shawwal is Friday 20 March 2026.
		['en-GB', 'islamic-umalqura', '2026-03-20T09:00:00Z', 'Friday, 1 Shawwal 1447 AH'],
		['ar-BH', 'islamic-umalqura', '2026-03-20T09:00:00Z', 'الجمعة، ١ شوال ١٤٤٧ هـ']
	] as const)('%s in %s: %s → %s', (intlTag, calendar, iso, expected) => {
		expect(formatDate(at(iso), { intlTag, calendar, timeZone: BAHRAIN }, { dateStyle: 'full' })).toBe(expected);
	});

	it('reads the day in the national time zone, in either calendar', () => {
		// 22:30 UTC on 17 February is already 01:30 on the 18th in Bahrain: 1 Ramadan there.
		const late = at('2026-02-17T22:30:00Z');
		expect(formatDate(late, { intlTag: 'en-GB', calendar: 'islamic-umalqura', timeZone: BAHRAIN }, { dateStyle: 'long' })).toBe('1 Ramadan 1447 AH');
		expect(formatDate(late, { intlTag: 'en-GB', calendar: 'islamic-umalqura', timeZone: 'UTC' }, { dateStyle: 'long' })).toBe('29 Shaʻban 1447 AH');
	});

	it('keeps Arabic-Indic digits in Arabic and Latin digits in English for the time as well', () => {
		const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
		expect(formatDate(at('2026-02-18T12:00:00Z'), { intlTag: 'ar-BH', calendar: 'islamic-umalqura', timeZone: BAHRAIN }, options)).toBe('١ رمضان ١٤٤٧ هـ، ٣:٠٠ م');
		expect(formatDate(at('2026-02-18T12:00:00Z'), { intlTag: 'en-GB', calendar: 'islamic-umalqura', timeZone: BAHRAIN }, options)).toBe('1 Ram. 1447 AH, 15:00');
	});

	it('lets a caller keep the Gregorian calendar where a period is a Gregorian month', () => {
		const settings = { intlTag: 'en-GB', calendar: 'islamic-umalqura', timeZone: BAHRAIN } as const;
		expect(formatDate(at('2026-02-01T12:00:00Z'), settings, { month: 'short', year: 'numeric', calendar: 'gregory' })).toBe('Feb 2026');
		expect(formatDate(at('2026-02-01T12:00:00Z'), settings, { month: 'short', year: 'numeric' })).toBe('Sha. 1447 AH');
	});

	it('shows nothing for a date that is not one', () => {
		expect(formatDate(new Date('not a date'), { intlTag: 'ar-BH', calendar: 'gregory', timeZone: BAHRAIN })).toBe('');
	});
});

describe('isCalendarChoice', () => {
	it.each([
		['gregory', true],
		['islamic-umalqura', true],
		['islamic', false],
		['', false],
		[null, false]
	])('%s → %s', (value, expected) => {
		expect(isCalendarChoice(value)).toBe(expected);
	});
});
