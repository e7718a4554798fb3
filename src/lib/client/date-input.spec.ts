import { describe, expect, it } from 'vitest';
import { parseTypedDate, typedDate } from './date-input';

describe('parseTypedDate (issue 16: dashboard dates read mm/dd/yyyy in Arabic)', () => {
	it.each([
		['15/03/2026', '2026-03-15'],
		['5/3/2026', '2026-03-05'],
		['١٥/٠٣/٢٠٢٦', '2026-03-15'],
		['\u200F١٥/٠٣/٢٠٢٦', '2026-03-15'],
		['15-03-2026', '2026-03-15'],
		['15.03.2026', '2026-03-15'],
		['15 03 2026', '2026-03-15'],
		['15032026', '2026-03-15'],
		['2026-03-15', '2026-03-15'],
		['29/02/2028', '2028-02-29']
	])('%s → %s', (text, iso) => {
		expect(parseTypedDate(text)).toBe(iso);
	});

	it.each(['', 'tomorrow', '31/02/2026', '29/02/2027', '15/13/2026', '00/03/2026', '03/15/2026', '15/03/26', '2026-02-30', '1/1/1800'])('refuses %j', (text) => {
		expect(parseTypedDate(text)).toBeNull();
	});

	it('writes a day back in the order it is read, in the digits given', () => {
		expect(typedDate('2026-03-05')).toBe('05/03/2026');
		expect(typedDate('2026-03-05', (d) => String.fromCharCode(0x0660 + d))).toBe('٠٥/٠٣/٢٠٢٦');
		expect(parseTypedDate(typedDate('2026-12-31'))).toBe('2026-12-31');
		expect(typedDate('')).toBe('');
	});
});
