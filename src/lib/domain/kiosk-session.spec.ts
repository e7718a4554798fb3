import { describe, expect, it } from 'vitest';
import { fileableWithoutPhone, kioskCoordinates, typesWithoutPhone } from './kiosk-session.js';

describe('kioskCoordinates (issue 12)', () => {
	it.each([
		['26.2235, 50.5876', { lat: '26.2235', lng: '50.5876' }],
		['Ground floor 26.1552,50.6123', { lat: '26.1552', lng: '50.6123' }],
		['26.1552، 50.6123', { lat: '26.1552', lng: '50.6123' }],
		['-33.9, 151.2', { lat: '-33.9', lng: '151.2' }],
		['Ground floor, by the entrance', null],
		['95.0, 50.0', null],
		['', null],
		[null, null]
	] as const)('reads %j as %j', (location, expected) => {
		expect(kioskCoordinates(location)).toEqual(expected);
	});
});

describe('filing without a phone', () => {
	const category = (identity: 'named' | 'contact_hidden' | 'anonymous', case_types: ('inquiry' | 'complaint' | 'suggestion')[] = ['complaint', 'suggestion']) => ({ identity, case_types });

	it('takes a suggestion anywhere, and a complaint only in a category of anonymous reporting that takes complaints', () => {
		expect(fileableWithoutPhone('suggestion', undefined)).toBe(true);
		expect(fileableWithoutPhone('complaint', category('named'))).toBe(false);
		expect(fileableWithoutPhone('complaint', category('contact_hidden'))).toBe(false);
		expect(fileableWithoutPhone('complaint', category('anonymous'))).toBe(true);
		expect(fileableWithoutPhone('inquiry', category('anonymous'))).toBe(false);
		expect(fileableWithoutPhone('complaint', undefined)).toBe(false);
	});

	it('offers the types of the categories of anonymous reporting beside suggestions', () => {
		expect(typesWithoutPhone([category('named', ['complaint', 'inquiry'])])).toEqual(['suggestion']);
		expect(typesWithoutPhone([category('named', ['inquiry']), category('anonymous', ['complaint'])])).toEqual(['suggestion', 'complaint']);
	});
});
