import { describe, it, expect } from 'vitest';
import { dammCheckDigit, formatReference, isValidReference, normalizeReference } from './reference';

describe('dammCheckDigit', () => {
	it.each([
		['572', 4], // the worked example in Damm's paper and on Wikipedia
		['5724', 0], // a number with its check digit appended checks to 0
		['', 0],
		['0000', 0]
	])('%s → %i', (digits, check) => {
		expect(dammCheckDigit(digits)).toBe(check);
	});

	it('refuses non-digits', () => {
		expect(() => dammCheckDigit('12a')).toThrow(RangeError);
	});
});

describe('formatReference', () => {
	it.each<[number, number, string]>([
		[2026, 123, `26-000123-${dammCheckDigit('26000123')}`],
		[26, 123, `26-000123-${dammCheckDigit('26000123')}`],
		[2030, 0, `30-000000-${dammCheckDigit('30000000')}`],
		[2105, 1_234_567, `05-1234567-${dammCheckDigit('051234567')}`]
	])('%i/%i → %s', (year, seq, ref) => {
		expect(formatReference(year, seq)).toBe(ref);
		expect(isValidReference(ref)).toBe(true);
	});

	it.each<[number, number]>([
		[2026, -1],
		[2026, 1.5],
		[2026, 1e10],
		[-1, 5]
	])('refuses year %s sequence %s', (year, seq) => {
		expect(() => formatReference(year, seq)).toThrow(RangeError);
	});
});

describe('normalizeReference', () => {
	const ref = formatReference(2026, 123);
	const check = ref.at(-1)!;
	const arabic = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
	const persian = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
	it.each([
		['canonical', ref],
		['no dashes', `26000123${check}`],
		['spaces', ` 26 000123 ${check} `],
		['Arabic-Indic digits', arabic(ref)],
		['Eastern Arabic-Indic digits without dashes', persian(`26000123${check}`)]
	])('accepts %s', (_name, input) => {
		expect(normalizeReference(input)).toBe(ref);
		expect(isValidReference(input)).toBe(true);
	});

	it.each([
		['too short', `26-00123-${check}`],
		['letters', `26-00O123-${check}`],
		['empty', ''],
		['wrong check digit', `26-000123-${(Number(check) + 1) % 10}`],
		['padding beyond six digits', `26-0000123-${check}`],
		['a sequence too long', '26-12345678901-0']
	])('rejects %s', (_name, input) => {
		expect(normalizeReference(input)).toBeNull();
	});
});

describe('error detection over a sample of references', () => {
	const sample = [
		[2026, 0],
		[2026, 1],
		[2026, 123],
		[2026, 90_909],
		[2027, 999_999],
		[2031, 1_234_567],
		[2099, 4_815_162]
	].map(([y, s]) => formatReference(y, s).replace(/-/g, ''));
	/** Put the dashes back where a reference has them, so the check is on a realistic string. */
	const dashed = (d: string) => `${d.slice(0, 2)}-${d.slice(2, -1)}-${d.at(-1)}`;

	it('detects every single wrong digit', () => {
		let tried = 0;
		for (const digits of sample) {
			for (let i = 0; i < digits.length; i++) {
				for (let d = 0; d <= 9; d++) {
					if (String(d) === digits[i]) continue;
					const typo = digits.slice(0, i) + d + digits.slice(i + 1);
					expect(isValidReference(dashed(typo)), typo).toBe(false);
					tried++;
				}
			}
		}
		expect(tried).toBeGreaterThan(500);
	});

	it('detects every swap of two different neighbouring digits', () => {
		let tried = 0;
		for (const digits of sample) {
			for (let i = 0; i + 1 < digits.length; i++) {
				if (digits[i] === digits[i + 1]) continue;
				const swapped = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
				expect(isValidReference(dashed(swapped)), swapped).toBe(false);
				tried++;
			}
		}
		expect(tried).toBeGreaterThan(20);
	});
});
