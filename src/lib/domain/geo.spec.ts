import { describe, expect, it } from 'vitest';
import { cluster, DEFAULT_COUNTRY_BOUNDS, fromView, gridLines, gridStep, inBounds, isTileTemplate, project, roundCoordinate, tilesInView, tileUrl, toView, unproject, zoomToFit } from './geo';

describe('inBounds', () => {
	it.each([
		['Manama', 26.2235, 50.5876, true],
		['Hawar islands', 25.65, 50.77, true],
		['the south-west corner itself', 25.5, 50.3, true],
		['Riyadh', 24.7136, 46.6753, false],
		['Doha', 25.2854, 51.531, false],
		['just north of the box', 26.41, 50.5, false],
		['null island', 0, 0, false]
	])('%s → %s', (_name, lat, lng, expected) => {
		expect(inBounds({ lat, lng }, DEFAULT_COUNTRY_BOUNDS)).toBe(expected);
	});
});

describe('Web Mercator', () => {
	it('puts the origin of tile 0/0/0 at the north-west and (0, 0) in the middle', () => {
		expect(project({ lat: 0, lng: 0 }, 0)).toEqual({ x: 128, y: 128 });
		expect(project({ lat: 0, lng: -180 }, 1).x).toBe(0);
	});

	it.each([
		[26.2235, 50.5876, 15],
		[-33.8688, 151.2093, 10],
		[51.5, -0.12, 3]
	])('unproject(project(%f, %f)) at zoom %i comes back within a millimetre', (lat, lng, zoom) => {
		const back = unproject(project({ lat, lng }, zoom), zoom);
		expect(back.lat).toBeCloseTo(lat, 8);
		expect(back.lng).toBeCloseTo(lng, 8);
	});

	it('finds Manama in the tile every tile server would give it', () => {
		const { x, y } = project({ lat: 26.2235, lng: 50.5876 }, 12);
		expect([Math.floor(x / 256), Math.floor(y / 256)]).toEqual([2623, 1738]);
	});
});

describe('tilesInView', () => {
	it('covers the view exactly, each tile placed where its corner falls', () => {
		const tiles = tilesInView({ lat: 26.2235, lng: 50.5876 }, 12, 600, 400);
		const lefts = new Set(tiles.map((t) => t.left));
		const tops = new Set(tiles.map((t) => t.top));
		expect(Math.min(...lefts)).toBeLessThanOrEqual(0);
		expect(Math.max(...lefts) + 256).toBeGreaterThanOrEqual(600);
		expect(Math.min(...tops)).toBeLessThanOrEqual(0);
		expect(Math.max(...tops) + 256).toBeGreaterThanOrEqual(400);
		expect(tiles.length).toBe(lefts.size * tops.size);
		expect(tiles.every((t) => t.z === 12 && t.x >= 2621 && t.x <= 2625)).toBe(true);
	});

	it('wraps columns around the world and leaves out rows beyond the poles', () => {
		const tiles = tilesInView({ lat: 80, lng: 179.9 }, 1, 600, 600);
		expect(tiles.every((t) => t.x >= 0 && t.x < 2 && t.y >= 0 && t.y < 2)).toBe(true);
	});
});

describe('zoomToFit and gridStep', () => {
	it('fits Bahrain on a phone at a zoom that still shows the whole island', () => {
		const zoom = zoomToFit(DEFAULT_COUNTRY_BOUNDS, 320, 300);
		expect(zoom).toBe(8);
		expect(zoomToFit(DEFAULT_COUNTRY_BOUNDS, 1200, 1200)).toBeGreaterThan(zoom);
	});

	it('draws grid lines further apart in degrees as the map zooms out', () => {
		expect(gridStep(8)).toBe(0.5);
		expect(gridStep(15)).toBe(0.005);
		expect(gridStep(3)).toBeGreaterThan(gridStep(8));
	});
});

describe('tile templates', () => {
	it.each([
		['https://tiles.example.gov.bh/{z}/{x}/{y}.png', true],
		['/tiles/{z}/{x}/{y}.png', true],
		['//tiles.example.com/{z}/{x}/{y}.png', false],
		['javascript:alert(1)//{z}{x}{y}', false],
		['https://tiles.example.com/{z}/{x}.png', false],
		['ftp://tiles.example.com/{z}/{x}/{y}.png', false]
	])('%s → %s', (template, expected) => {
		expect(isTileTemplate(template)).toBe(expected);
	});

	it('fills the template', () => {
		expect(tileUrl('https://{s}.tiles.example/{z}/{x}/{y}.png', { z: 12, x: 2623, y: 1746 })).toBe('https://a.tiles.example/12/2623/1746.png');
	});

	it('rounds coordinates to five decimals', () => {
		expect(roundCoordinate(26.2234999999)).toBe(26.2235);
		expect(roundCoordinate(-50.123456)).toBe(-50.12346);
	});
});

describe('the view', () => {
	it('puts the centre in the middle and reads a pixel back as the same place', () => {
		const centre = { lat: 26.2235, lng: 50.5876 };
		expect(toView(centre, centre, 15, 400, 300)).toEqual({ x: 200, y: 150 });
		const back = fromView(toView({ lat: 26.23, lng: 50.6 }, centre, 15, 400, 300), centre, 15, 400, 300);
		expect(back.lat).toBeCloseTo(26.23, 8);
		expect(back.lng).toBeCloseTo(50.6, 8);
	});

	it('draws grid lines at round degrees inside the view, west to east and south to north', () => {
		const { meridians, parallels } = gridLines({ lat: 26.05, lng: 50.55 }, 9, 600, 400);
		expect(gridStep(9)).toBe(0.5);
		expect(meridians.map((m) => m.lng)).toEqual([50, 50.5, 51]);
		expect(meridians.every((m) => m.x >= 0 && m.x <= 600)).toBe(true);
		expect(parallels.map((p) => p.lat)).toEqual([26, 26.5]);
		expect(parallels[0].y).toBeGreaterThan(parallels[1].y);
	});
});

describe('cluster', () => {
	const cases = [
		{ id: 'a', at: { lat: 26.2235, lng: 50.5876 } },
		{ id: 'b', at: { lat: 26.2236, lng: 50.5878 } },
		{ id: 'c', at: { lat: 26.0667, lng: 50.5577 } }
	];
	it('groups cases a few metres apart and keeps a distant one alone, until zoomed in', () => {
		const far = cluster(cases, (c) => c.at, 12);
		expect(far.map((g) => g.items.map((c) => c.id)).sort()).toEqual([['a', 'b'], ['c']]);
		const pair = far.find((g) => g.items.length === 2)!;
		expect(pair.point.lat).toBeCloseTo(26.22355, 6);
		expect(pair.point.lng).toBeCloseTo(50.5877, 6);
		expect(cluster(cases, (c) => c.at, 4)).toHaveLength(1);
		expect(cluster(cases, (c) => c.at, 19)).toHaveLength(3);
	});
});
