import { describe, expect, it } from 'vitest';
import { ageDays, cellsAround, distanceM, GRID_CELL_ES5, gridCell, isPublicPlace, NEARBY_RADIUS_M, roundedDistance } from './nearby';

/** Bahrain's Bab Al Bahrain, and points north and east of it. */
const MANAMA = { lat: 26.2361, lng: 50.5756 };
const metresNorth = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });
const metresEast = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat, lng: p.lng + m / (111_195 * Math.cos((p.lat * Math.PI) / 180)) });

/** The map function's cell, run as CouchDB would run it. */
function es5Cell(location: { lat: number; lng: number }): string {
	const run = new Function('doc', `${GRID_CELL_ES5} return cell;`) as (doc: unknown) => string;
	return run({ location });
}

describe('distanceM', () => {
	it.each([
		['the same point', MANAMA, MANAMA, 0],
		['250 m north', MANAMA, metresNorth(MANAMA, 250), 250],
		['250 m east', MANAMA, metresEast(MANAMA, 250), 250],
		['1 km north-east', MANAMA, metresEast(metresNorth(MANAMA, 707.1), 707.1), 1000]
	])('%s', (_name, a, b, metres) => {
		expect(distanceM(a, b)).toBeCloseTo(metres, -0.5);
	});

	it('Manama to Muharraq is about 6 km', () => {
		expect(distanceM(MANAMA, { lat: 26.2572, lng: 50.6119 })).toBeGreaterThan(4000);
		expect(distanceM(MANAMA, { lat: 26.2572, lng: 50.6119 })).toBeLessThan(5000);
	});
});

describe('cellsAround', () => {
	it('covers 3 × 3 cells in Bahrain', () => {
		const cells = cellsAround(MANAMA);
		expect(cells.length).toBeGreaterThanOrEqual(4);
		expect(cells.length).toBeLessThanOrEqual(9);
		expect(cells).toContain(gridCell(MANAMA));
	});

	// Every point within the radius, in every direction and at cell edges, is in a cell read.
	it.each([MANAMA, { lat: 26.2375, lng: 50.575 }, { lat: -33.8688, lng: 151.2093 }, { lat: 60.1699, lng: 24.9384 }, { lat: 0, lng: 179.999 }, { lat: 0, lng: -180 }])(
		'finds every point within %o',
		(centre) => {
			const cells = new Set(cellsAround(centre));
			for (let angle = 0; angle < 360; angle += 15) {
				for (const metres of [10, 125, NEARBY_RADIUS_M - 0.5]) {
					const a = (angle * Math.PI) / 180;
					const point = metresEast(metresNorth(centre, metres * Math.cos(a)), metres * Math.sin(a));
					if (point.lng >= 180) point.lng -= 360;
					if (point.lng < -180) point.lng += 360;
					expect(cells.has(gridCell(point)), `${angle}° ${metres} m`).toBe(true);
				}
			}
		}
	);

	it('stays small far from the equator', () => {
		expect(cellsAround({ lat: 85, lng: 0 }).length).toBeLessThan(100);
	});
});

describe('gridCell', () => {
	it('180° east is the same column as 180° west', () => {
		expect(gridCell({ lat: 10, lng: 180 })).toBe(gridCell({ lat: 10, lng: -180 }));
	});

	it.each([MANAMA, { lat: -0.00001, lng: -0.00001 }, { lat: 26.2375, lng: 50.5775 }, { lat: 10, lng: 180 }, { lat: -45.5, lng: -179.9999 }])(
		'the map function computes the same cell for %o',
		(point) => {
			expect(es5Cell(point)).toBe(gridCell(point));
		}
	);
});

describe('the rest', () => {
	it('rounds distances to 10 m', () => {
		expect([roundedDistance(0), roundedDistance(4.9), roundedDistance(5), roundedDistance(247)]).toEqual([0, 0, 10, 250]);
	});

	it('counts whole days, never negative', () => {
		const now = new Date('2026-12-07T10:00:00Z');
		expect([ageDays('2026-12-07T09:00:00Z', now), ageDays('2026-12-05T11:00:00Z', now), ageDays('2026-12-08T00:00:00Z', now), ageDays('bad', now)]).toEqual([0, 1, 0, 0]);
	});

	it('a category is a public place only when marked so', () => {
		expect([isPublicPlace({ public_place: true }), isPublicPlace({ public_place: false }), isPublicPlace({}), isPublicPlace(undefined)]).toEqual([true, false, false, false]);
	});
});
