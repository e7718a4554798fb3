import { describe, it, expect } from 'vitest';
import { citizenLabel, maskPhone, normalizePhone, type CitizenLabel } from './phone';

describe('normalizePhone', () => {
	it.each([
		['3912 3456', '+97339123456'],
		['+973 3912 3456', '+97339123456'],
		['00973-39123456', '+97339123456'],
		['973 39123456', '+97339123456'],
		['(+973) 6612-3456', '+97366123456'],
		['٣٩١٢٣٤٥٦', '+97339123456'],
		['۳۹۱۲۳۴۵۶', '+97339123456'],
		['\u200E+973 3912 3456\u200F', '+97339123456'],
		['+44 7700 900123', '+447700900123'],
		['0044 7700 900123', '+447700900123'],
		['+1 (212) 555-0123', '+12125550123']
	])('%s → %s', (input, e164) => {
		expect(normalizePhone(input)).toBe(e164);
	});

	it.each([
		['a Bahraini landline cannot receive a code', '1712 3456'],
		['…nor with its country code', '+973 7712 3456'],
		['seven digits', '3912345'],
		['nine digits', '391234567'],
		['a Bahraini number one digit long', '+973 3912 34567'],
		['letters', 'call me'],
		['a letter inside', '3912 34S6'],
		['a plus in the middle', '3912+3456'],
		['only a prefix', '+'],
		['empty', ''],
		['too short internationally', '+44 1234'],
		['too long internationally', '+44 1234 5678 9012 34'],
		['a country code cannot start with 0', '+0 7700 900123']
	])('rejects %s', (_name, input) => {
		expect(normalizePhone(input)).toBeNull();
	});

	it.each([
		['07700 900123', '44', '+447700900123'],
		['447700900123', '44', '+447700900123'],
		['0501234567', '966', '+966501234567']
	])('%s with default country %s → %s', (input, cc, e164) => {
		expect(normalizePhone(input, cc)).toBe(e164);
	});

	it('rejects a malformed default country code', () => {
		expect(normalizePhone('39123456', '+973')).toBeNull();
	});
});

describe('maskPhone and citizenLabel (issue 16: staff saw an internal id)', () => {
	it.each([
		['+97339123456', '+973 •••• 3456'],
		['+966501234567', '+966 •••• 4567'],
		// Without a known code, no digit beyond the last four.
		['+447700900123', '•••• 0123'],
		['+12125550123', '•••• 0123']
	])('%s → %s', (e164, masked) => {
		expect(maskPhone(e164)).toBe(masked);
	});

	it('never shows more than the country code and four digits', () => {
		const masked = maskPhone('+97339123456');
		expect(masked.replace(/\D/g, '')).toBe('9733456');
	});

	it.each<[{ name?: string; phone?: string }, CitizenLabel | null]>([
		[{ name: 'Fatima Ali', phone: '+97339123456' }, { name: 'Fatima Ali' }],
		[{ name: '  ', phone: '+97339123456' }, { masked_phone: '+973 •••• 3456' }],
		[{ name: '' }, null],
		[{ name: 'x'.repeat(300) }, { name: 'x'.repeat(100) }]
	])('%j → %j', (person, label) => {
		expect(citizenLabel(person)).toEqual(label);
	});
});
