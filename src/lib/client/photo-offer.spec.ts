import { describe, expect, it } from 'vitest';
import { DEFAULT_COUNTRY_BOUNDS } from '$lib/domain/geo';
import { offerFrom, photoInstant } from './photo-offer';

describe('offerFrom', () => {
	it.each([
		['a place in the country', { lat: 26.2235, lng: 50.5876 }, 'found'],
		['a place in Riyadh', { lat: 24.7136, lng: 46.6753 }, 'outside'],
		['no place', null, 'none']
	] as const)('%s → %s', (_label, location, kind) => {
		const offer = offerFrom('p.jpg', { location, taken_at: '2026-12-06T09:30:00' }, DEFAULT_COUNTRY_BOUNDS);
		expect(offer).toEqual({ kind, name: 'p.jpg', taken_at: '2026-12-06T09:30:00', ...(location ? { location } : {}) });
	});
});

describe('photoInstant', () => {
	it.each([
		['2026-12-06T09:30:00+03:00', 'Asia/Bahrain', '2026-12-06T06:30:00.000Z'],
		['2026-12-06T09:30:00', 'Asia/Bahrain', '2026-12-06T06:30:00.000Z'],
		['2026-07-01T12:00:00', 'Europe/London', '2026-07-01T11:00:00.000Z'],
		['2026-12-06T09:30:00Z', 'Asia/Bahrain', '2026-12-06T09:30:00.000Z'],
		['2026-12-06 09:30', 'Asia/Bahrain', null]
	])('%s in %s → %s', (takenAt, zone, expected) => {
		expect(photoInstant(takenAt, zone)).toBe(expected);
	});
});
