import { describe, it, expect } from 'vitest';
import { normalizeArabic, toAsciiDigits } from './text';

describe('toAsciiDigits', () => {
	it.each([
		['٠١٢٣٤٥٦٧٨٩', '0123456789'],
		['۰۱۲۳۴۵۶۷۸۹', '0123456789'],
		['رقم ٣٩ و 12', 'رقم 39 و 12'],
		['no digits', 'no digits']
	])('%s → %s', (input, output) => {
		expect(toAsciiDigits(input)).toBe(output);
	});
});

describe('normalizeArabic', () => {
	it.each([
		['tashkeel', 'مُسْتَشْفَى', 'مستشفي'],
		['shadda and tanwin', 'شُكْرًا جزيلاً', 'شكرا جزيلا'],
		['tatweel', 'وزارة الأشغـــال', 'وزاره الاشغال'],
		['hamza forms of alef', 'أحمد إسلام آمنة', 'احمد اسلام امنه'],
		['alef maqsura', 'مستشفى', 'مستشفي'],
		['ta marbuta', 'مدرسة', 'مدرسه'],
		['Arabic-Indic digits', 'شارع ٣٨', 'شارع 38'],
		['Eastern Arabic-Indic digits', 'بلوک ۳۳۸', 'بلوك 338'],
		['collapsed whitespace', '  شارع \n\t الملك  ', 'شارع الملك'],
		['Latin lowercased', 'Street LIGHT', 'street light'],
		['presentation forms', 'ﻻ', 'لا'],
		['bidi marks from pasted text', '\u200Fمرحبا\u200E', 'مرحبا']
	])('%s', (_name, input, output) => {
		expect(normalizeArabic(input)).toBe(output);
	});

	it('makes two spellings of one phrase equal', () => {
		expect(normalizeArabic('إنارة الشارع مُعطّلة')).toBe(normalizeArabic('انارة الشارع معطله'));
	});
});
