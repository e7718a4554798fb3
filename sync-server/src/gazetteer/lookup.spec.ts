import { describe, expect, it } from 'vitest';
import { blockNumber, gazetteerGrid, MANAMA, pointIn, roadFraction, roadNumber, type GridOptions } from '../../../tests/fixtures/gazetteer.js';
import { readGazetteer, type Position } from './features.js';
import { Gazetteer, ROAD_RADIUS_M } from './lookup.js';

/** 3 × 2 blocks of 400 m, each crossed by two roads at a third and two thirds of its height. */
const GRID: GridOptions = { columns: 3, rows: 2, sideM: 400, roadsPerBlock: 2 };
const grid = new Gazetteer(readGazetteer(gazetteerGrid(GRID)));
const metres = (m: number) => m / GRID.sideM;
const road = (c: number, r: number, k: number) => roadNumber(blockNumber(GRID, c, r), k);
const QUARTER_1 = { area: { ar: 'الحي 1', en: 'Quarter 1' }, governorate: { ar: 'العاصمة', en: 'Capital' } };

describe('Gazetteer.lookup on a grid in Manama', () => {
	it.each([
		['on a road, in the middle of a block', pointIn(GRID, 1, 0, 0.5, roadFraction(GRID, 0)), { block: 301, road: road(1, 0, 0), ...QUARTER_1 }],
		['nearer the second road', pointIn(GRID, 1, 0, 0.5, roadFraction(GRID, 1) - metres(20)), { block: 301, road: road(1, 0, 1), ...QUARTER_1 }],
		[`${ROAD_RADIUS_M - 1} m from a road`, pointIn(GRID, 2, 1, 0.5, roadFraction(GRID, 0) - metres(ROAD_RADIUS_M - 1)), { block: 305, road: road(2, 1, 0) }],
		[`${ROAD_RADIUS_M + 2} m from the nearest road: no road`, pointIn(GRID, 2, 1, 0.5, roadFraction(GRID, 0) - metres(ROAD_RADIUS_M + 2)), { block: 305, road: null }],
		['halfway between two roads 133 m apart: no road', pointIn(GRID, 0, 0, 0.5, 0.5), { block: 300, road: null }],
		['beyond the end of a road, measured to its end', pointIn(GRID, 0, 0, 0.1 - metres(30), roadFraction(GRID, 0)), { block: 300, road: road(0, 0, 0) }],
		['on the border of two blocks: the first in the file', pointIn(GRID, 0, 0, 1, 0.9), { block: 300, road: null }],
		['on the outer corner of the grid', pointIn(GRID, 0, 0, 0, 0), { block: 300, road: null }],
		['outside every block, a road near', pointIn(GRID, 0, 0, -metres(10), roadFraction(GRID, 0)), { block: null, road: road(0, 0, 0), area: null, governorate: null }]
	])('%s', (_name, point, expected) => {
		expect(grid.lookup(point)).toMatchObject(expected);
	});

	it('answers null outside every block with no road near', () => {
		expect(grid.lookup(pointIn(GRID, 0, 0, -metres(100), 0.5))).toBeNull();
		expect(grid.lookup({ lat: 25.9, lng: 50.5 })).toBeNull();
		expect(grid.lookup({ lat: -26.2235, lng: -129.4124 })).toBeNull();
	});

	it('counts what it holds', () => {
		expect([grid.blockCount, grid.roadCount]).toEqual([6, 12]);
	});
});

/** A square of `side` degrees with its south-west corner at [lng, lat], as a closed ring. */
const square = (lng: number, lat: number, side: number): Position[] => [
	[lng, lat],
	[lng + side, lat],
	[lng + side, lat + side],
	[lng, lat + side],
	[lng, lat]
];
const { lat, lng } = MANAMA;

describe('Gazetteer.lookup with holes and parts', () => {
	const gazetteer = new Gazetteer(
		readGazetteer({
			type: 'FeatureCollection',
			features: [
				// Block 900: a square of 0.01° with a hole of 0.004° in its middle (a park that is another block's).
				{ type: 'Feature', properties: { block: 900 }, geometry: { type: 'Polygon', coordinates: [square(lng, lat, 0.01), square(lng + 0.003, lat + 0.003, 0.004)] } },
				// Block 901: two islands.
				{ type: 'Feature', properties: { block: '901', area_en: 'Islands' }, geometry: { type: 'MultiPolygon', coordinates: [[square(lng + 0.02, lat, 0.002)], [square(lng + 0.03, lat, 0.002)]] } },
				// Block 902 fills the hole of 900 only in part.
				{ type: 'Feature', properties: { block: 902 }, geometry: { type: 'Polygon', coordinates: [square(lng + 0.003, lat + 0.003, 0.002)] } }
			]
		})
	);

	it.each([
		['in the ring of the block', { lat: lat + 0.001, lng: lng + 0.001 }, 900],
		['inside the hole, in the block filling it', { lat: lat + 0.004, lng: lng + 0.004 }, 902],
		['inside the hole, where nothing fills it', { lat: lat + 0.006, lng: lng + 0.006 }, null],
		["on the hole's edge, which is the block's", { lat: lat + 0.005, lng: lng + 0.007 }, 900],
		['in the first part of a multipolygon', { lat: lat + 0.001, lng: lng + 0.021 }, 901],
		['in its second part', { lat: lat + 0.001, lng: lng + 0.031 }, 901],
		['between its parts', { lat: lat + 0.001, lng: lng + 0.025 }, null]
	])('%s', (_name, point, block) => {
		expect(gazetteer.lookup(point)?.block ?? null).toBe(block);
	});

	it('gives the area only in the language the file has', () => {
		expect(gazetteer.lookup({ lat: lat + 0.001, lng: lng + 0.031 })).toEqual({ block: 901, road: null, area: { ar: null, en: 'Islands' }, governorate: null });
	});
});
