import { describe, expect, it } from 'vitest';
import { kioskCoordinates } from './kiosk-session.js';

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
