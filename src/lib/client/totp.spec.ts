import { describe, expect, it } from 'vitest';
import { authenticatorCode, groupSecret } from './totp';

describe('groupSecret', () => {
	it.each([
		['MPFPKCDDGSCKVL7ONYDCV6PUB7TBKJGJ', 'MPFP KCDD GSCK VL7O NYDC V6PU B7TB KJGJ'],
		['ABCDEF', 'ABCD EF'],
		[' AB CD ', 'ABCD'],
		['', '']
	])('%s → %s', (secret, grouped) => {
		expect(groupSecret(secret)).toBe(grouped);
	});
});

describe('authenticatorCode', () => {
	it.each([
		['123456', '123456'],
		['123 456', '123456'],
		['١٢٣٤٥٦', '123456'],
		['12345', null],
		['1234567', null],
		['12a456', null]
	])('%s → %s', (typed, code) => {
		expect(authenticatorCode(typed)).toBe(code);
	});
});
