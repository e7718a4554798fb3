import { describe, expect, it } from 'vitest';
import { applyKey, layoutFor, rowsOf, type FieldText } from './on-screen-keyboard';

const field = (value: string, start = value.length, end = start, maxLength = -1): FieldText => ({ value, start, end, maxLength });

describe('the on-screen keyboard', () => {
	it('types at the caret and replaces a selection', () => {
		expect(applyKey(field('طريق ٣٢'), { kind: 'type', text: ' مجمع' })).toEqual(field('طريق ٣٢ مجمع'));
		expect(applyKey(field('Road 32', 0), { kind: 'type', text: 'A ' })).toEqual(field('A Road 32', 2));
		expect(applyKey(field('Road 32', 5, 7), { kind: 'type', text: '40' })).toEqual(field('Road 40', 7));
		// Lam-alef is one key and two letters.
		expect(applyKey(field('ب'), { kind: 'type', text: 'لا' }).value).toBe('بلا');
	});

	it('types nothing past the field’s maxlength', () => {
		const full = field('12345678', 8, 8, 8);
		expect(applyKey(full, { kind: 'type', text: '9' })).toBe(full);
		expect(applyKey(field('1234', 4, 4, 8), { kind: 'type', text: '5' }).value).toBe('12345');
	});

	it('deletes the selection, or the character before the caret, never half an emoji', () => {
		expect(applyKey(field('Road 32', 4, 7), { kind: 'backspace' })).toEqual(field('Road', 4));
		expect(applyKey(field('مياه', 2), { kind: 'backspace' })).toEqual(field('ماه', 1));
		expect(applyKey(field('ok 👍'), { kind: 'backspace' })).toEqual(field('ok '));
		const empty = field('');
		expect(applyKey(empty, { kind: 'backspace' })).toBe(empty);
		expect(applyKey(field('abc', 0), { kind: 'backspace' })).toEqual(field('abc', 0));
	});

	it('offers the dial pad for phone numbers and codes, the language’s letters elsewhere', () => {
		expect(layoutFor({ type: 'tel', inputMode: 'tel' }, 'ar')).toBe('digits');
		expect(layoutFor({ type: 'text', inputMode: 'numeric' }, 'en')).toBe('digits');
		expect(layoutFor({ type: 'text', inputMode: '' }, 'ar')).toBe('ar');
		expect(layoutFor({ type: 'textarea', inputMode: '' }, 'en')).toBe('en');
		expect(rowsOf('digits').flat()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '0']);
	});

	it('has every Arabic letter, and capitals when shifted in English', () => {
		const arabic = rowsOf('ar').flat().join('');
		for (const letter of 'ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئ') expect(arabic).toContain(letter);
		expect(rowsOf('en', true)[1].join('')).toBe('QWERTYUIOP');
		expect(rowsOf('en')[1].join('')).toBe('qwertyuiop');
	});
});
