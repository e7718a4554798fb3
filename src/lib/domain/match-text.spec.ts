import { describe, it, expect } from 'vitest';
import { foldForMatch, matchTokens } from './match-text';

const keys = (text: string) => matchTokens(text).map((t) => t.key);

describe('foldForMatch', () => {
	it.each([
		['diacritics and tatweel', 'إنـــارةُ الشّارِعِ', 'اناره الشارع'],
		['hamza on waw and yeh, lone hamza', 'مسؤول بيئة سماء', 'مسوول بييه سما'],
		['alef maqsura and taa marbuta', 'مستشفى المدينة', 'مستشفي المدينه'],
		['Arabic-Indic and Persian digits', 'مجمع ٣٣٨ طريق ۱۲', 'مجمع 338 طريق 12'],
		['presentation forms (NFKC)', 'ﺷﺎﺭﻉ', 'شارع'],
		['Gulf letters', 'چذي گال ڤيلا', 'كذي قال فيلا'],
		['punctuation and emoji become spaces', 'الماي!!! 😡😡 مقطوع،،', 'الماي مقطوع'],
		['the word for water keeps apart from the particle', 'الماء مقطوع', 'المياه مقطوع'],
		['numbers stuck to words are split', 'بلوك338 road12', 'بلوك 338 road 12'],
		['mixed Arabic and English', 'Street لايت OFF', 'street لايت off']
	])('%s', (_name, input, output) => {
		expect(foldForMatch(input)).toBe(output);
	});

	it('gives an empty string for empty, blank or symbol-only input', () => {
		expect(foldForMatch('')).toBe('');
		expect(foldForMatch('   \n ')).toBe('');
		expect(foldForMatch('😀😀 !!! ؟')).toBe('');
	});
});

describe('matchTokens', () => {
	it('brings a Gulf-dialect complaint without hamzas to the tokens of its standard-Arabic twin', () => {
		expect(keys('الليت طافي في شارع ٣٢')).toEqual(keys('إنارة مطفأة في شارع 32'));
		expect(keys('الماي مقطوع')).toEqual(keys('الماء مقطوع'));
		expect(keys('المياه مقطوعة')).toEqual(keys('مياه مقطوعه'));
	});

	it('stems Arabic with the Snowball Arabic stemmer', () => {
		expect(keys('الشوارع')).toEqual(keys('شوارعنا'));
		expect(keys('مكسورة')).toEqual(keys('مكسوره'));
	});

	it('stems English with the Snowball English stemmer and maps place words to Arabic', () => {
		expect(keys('flooding lights')).toEqual(keys('flooded light'));
		expect(keys('Block 338 Road 12')).toEqual(keys('مجمع ٣٣٨ طريق ١٢'));
	});

	it('keeps numbers as number tokens without leading zeros', () => {
		expect(matchTokens('مجمع ٠٣٣٨')).toEqual([
			{ key: keys('مجمع')[0], kind: 'word' },
			{ key: '338', kind: 'number' }
		]);
	});

	it('drops stop words unless nothing else is left', () => {
		expect(keys('في الشارع')).toEqual(keys('شارع'));
		expect(keys('في')).toEqual(['في']);
	});

	it('answers bad input without throwing', () => {
		expect(matchTokens('')).toEqual([]);
		expect(matchTokens('🙂🙂🙂')).toEqual([]);
		expect(keys('١٢٣٤٥')).toEqual(['12345']);
		expect(keys('constructor __proto__ toString')).toEqual(['constructor', 'proto', 'tostr']);
		expect(matchTokens('ا'.repeat(5000))).toHaveLength(1);
		expect(keys('9'.repeat(40))[0]).toMatch(/^\d+$/);
	});
});
