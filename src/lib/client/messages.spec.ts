import { describe, expect, it } from 'vitest';
import { ACTION_KINDS, CASE_STATUSES, CASE_TYPES } from '$lib/domain/doc-types';
import { ERROR_CODES } from '$lib/domain/errors';
import { CATALOGUES, interpolate } from './messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
	it('have the same keys in Arabic and English', () => {
		expect(Object.keys(CATALOGUES.ar).sort()).toEqual(Object.keys(CATALOGUES.en).sort());
	});

	it('use the same placeholders in both languages', () => {
		for (const key of Object.keys(CATALOGUES.en)) {
			expect(placeholders(CATALOGUES.ar[key]), key).toEqual(placeholders(CATALOGUES.en[key]));
		}
	});

	it('have no empty message', () => {
		for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
			for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), `${locale}:${key}`).not.toBe('');
		}
	});

	const required = [
		...ERROR_CODES.map((code) => `errors.${code}`),
		...CASE_STATUSES.map((status) => `case.status.${status}`),
		...['queued', 'sending', 'rejected'].map((status) => `case.status.${status}`),
		...CASE_TYPES.map((type) => `case.type.${type}`),
		...ACTION_KINDS.map((kind) => `action.kind.${kind}`),
		...['queued', 'sending', 'accepted', 'rejected'].map((state) => `action.state.${state}`)
	];

	it.each(required)('has %s in both languages', (key) => {
		expect(CATALOGUES.ar[key]).toBeTypeOf('string');
		expect(CATALOGUES.en[key]).toBeTypeOf('string');
	});

	it('names the app in Arabic first', () => {
		expect(CATALOGUES.ar['app.name']).toBe('تواصل');
	});
});

describe('interpolate', () => {
	it.each([
		['Due {date}', { date: '1 May' }, 'Due 1 May'],
		['{a} and {b}', { a: 'x', b: 'y' }, 'x and y'],
		['Missing {name}', {}, 'Missing {name}']
	])('%s', (template, params, expected) => {
		expect(interpolate(template, params as Record<string, string>)).toBe(expected);
	});
});
