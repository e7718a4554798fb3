import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeSms, isGsm, MAX_PARTS } from './encoding.js';

const udhOf = (part: Buffer) => [...part.subarray(0, 6)];
const ucs2Chars = (part: Buffer, udh: boolean) => (part.length - (udh ? 6 : 0)) / 2;

describe('encodeSms', () => {
	it.each([
		['70 Arabic letters: one UCS-2 part', 'ب'.repeat(70), 1, [70]],
		['71 Arabic letters: two parts of 67 + 4', 'ب'.repeat(71), 2, [67, 4]],
		['134 Arabic letters: exactly two parts', 'ب'.repeat(134), 2, [67, 67]],
		['135 Arabic letters: three parts', 'ب'.repeat(135), 3, [67, 67, 1]]
	])('%s', (_label, text, count, sizes) => {
		const sms = encodeSms(text, 7);
		expect(sms.dataCoding).toBe(8);
		expect(sms.parts).toHaveLength(count);
		expect(sms.parts.map((p) => ucs2Chars(p, sms.udh))).toEqual(sizes);
		if (count > 1) sms.parts.forEach((p, i) => expect(udhOf(p)).toEqual([0x05, 0x00, 0x03, 7, count, i + 1]));
		const joined = sms.parts.map((p) => decodeUcs2(sms.udh ? p.subarray(6) : p)).join('');
		expect(joined).toBe(text);
	});

	it('sends an Arabic rating invitation with a Latin link as UCS-2 and reassembles it exactly', () => {
		const text = 'تواصل: ردّت وزارة الأشغال على طلبك 26-000123-7. قيّم الرد خلال 14 يومًا: https://tawasul.example/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';
		const sms = encodeSms(text, 300);
		expect(sms.parts.length).toBe(3);
		expect(udhOf(sms.parts[0])[3]).toBe(300 & 0xff);
		expect(sms.parts.map((p) => decodeUcs2(p.subarray(6))).join('')).toBe(text);
	});

	it('keeps an emoji (a surrogate pair) whole at a part boundary', () => {
		const text = 'ب'.repeat(66) + '😀' + 'ب'.repeat(10);
		const sms = encodeSms(text, 1);
		expect(decodeUcs2(sms.parts[0].subarray(6))).toBe('ب'.repeat(66));
		expect(decodeUcs2(sms.parts[1].subarray(6)).startsWith('😀')).toBe(true);
	});

	it.each([
		['160 GSM characters: one part', 'a'.repeat(160), [160]],
		['161 GSM characters: 153 + 8', 'a'.repeat(161), [153 + 6, 8 + 6]]
	])('%s', (_label, text, byteSizes) => {
		const sms = encodeSms(text, 1);
		expect(sms.dataCoding).toBe(0);
		expect(sms.parts.map((p) => p.length)).toEqual(byteSizes);
	});

	it('counts a GSM extension character (€) as two and never splits its escape', () => {
		expect(encodeSms('€'.repeat(80), 1).parts).toHaveLength(1);
		const sms = encodeSms('a'.repeat(152) + '€' + 'a'.repeat(10), 1);
		expect(sms.parts[0].length - 6).toBe(152);
		expect([...sms.parts[1].subarray(6, 8)]).toEqual([0x1b, 0x65]);
	});

	it('tells GSM from text that needs UCS-2', () => {
		expect(isGsm('Your Tawasul sign-in code: 123456.')).toBe(true);
		expect(isGsm('رمز الدخول')).toBe(false);
	});

	it('refuses a text that would need more than the maximum parts', () => {
		expect(() => encodeSms('ب'.repeat(67 * MAX_PARTS + 1), 1)).toThrow(RangeError);
	});
});
