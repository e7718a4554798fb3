import { describe, it, expect } from 'vitest';
import { isSameCase, NUMBER_MISMATCH_CEILING, prepareText, similarity, SIMILAR_THRESHOLD } from './similar';

describe('similarity', () => {
	it('scores a dialect paraphrase with Indic digits and no hamzas above the threshold', () => {
		const a = 'الليت طافي في شارع ٣٢ مجمع ٣٣٨';
		const b = 'إنارة الشارع مطفأة في طريق 32 مجمع 338';
		expect(similarity(a, b)).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
		expect(isSameCase(a, b)).toBe(true);
	});

	it('scores the same complaint in another block below the threshold', () => {
		expect(isSameCase('الليت طافي في شارع ٣٢ مجمع ٣٣٨', 'إنارة الشارع مطفأة في طريق 45 مجمع 512')).toBe(false);
	});

	it('scores two different problems near zero', () => {
		expect(similarity('الماي مقطوع', 'حفرة كبيرة في الشارع')).toBeLessThan(0.15);
	});

	it('scores another problem at the same place below the threshold', () => {
		expect(isSameCase('انقطاع الماي مجمع 327', 'انقطاع الانترنت مجمع 327')).toBe(false);
	});

	it('does not set a text apart for naming numbers the other leaves out', () => {
		const withPlace = similarity('الليت طافي في شارع ٣٢ مجمع ٣٣٨', 'الليت طافي في الشارع');
		expect(withPlace).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
		expect(similarity('الليت طافي في شارع ٣٢ مجمع ٣٣٨', 'إنارة الشارع مطفأة في طريق 45 مجمع 512')).toBeLessThanOrEqual(NUMBER_MISMATCH_CEILING);
	});

	it('reads "ما" as a question or a negation, not as water', () => {
		expect(isSameCase('الزبالة ما انشالت', 'الماي مقطوع')).toBe(false);
		expect(similarity('ما هي عاصمة البحرين؟', 'ما عدد سكان البحرين؟')).toBeLessThan(SIMILAR_THRESHOLD);
		expect(similarity('ما هو التضخم؟', 'ماذا نقصد بالتضخم؟')).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
	});

	it('gives 1 for the same text and is symmetric', () => {
		const a = 'تسرب مياه المجاري أمام المدرسة';
		const b = 'مياه المجاري طافحة قرب مدرسة البنات';
		expect(similarity(a, a)).toBe(1);
		expect(similarity(a, b)).toBe(similarity(b, a));
		const c = 'ما هي أنواع الجهاد؟';
		const d = 'ما معنى الجهاد في الإسلام؟';
		expect(similarity(c, d)).toBe(similarity(d, c));
	});

	it('accepts prepared texts and gives the same score as raw ones', () => {
		const a = 'حفرة في طريق ٤٤';
		const b = 'حفره كبيره في الطريق 44';
		expect(similarity(prepareText(a), prepareText(b))).toBe(similarity(a, b));
	});

	it('answers bad input with a score in [0, 1] and without throwing', () => {
		expect(similarity('', '')).toBe(0);
		expect(similarity('😡😡', '😡😡')).toBe(0);
		expect(similarity('', 'انقطاع الكهرباء')).toBe(0);
		expect(similarity('١٢٣', '123')).toBe(1);
		expect(similarity('حفرة', 'حفره')).toBe(1);
		const mixed = similarity('Street light طافي', 'الليت طافي street');
		expect(mixed).toBeGreaterThan(0.5);
		const long = similarity('ا ب '.repeat(100_000), 'ا ب');
		expect(long).toBeGreaterThanOrEqual(0);
		expect(long).toBeLessThanOrEqual(1);
	});
});
