import { describe, expect, it } from 'vitest';
import { gazetteerGrid } from '../../../tests/fixtures/gazetteer.js';
import { MAX_FEATURES, readGazetteer } from './features.js';

const SQUARE = [
	[
		[50.58, 26.22],
		[50.59, 26.22],
		[50.59, 26.23],
		[50.58, 26.22]
	]
];
const block = (properties: Record<string, unknown>, geometry: unknown = { type: 'Polygon', coordinates: SQUARE }) => ({ type: 'Feature', properties, geometry });
const road = (
	properties: Record<string, unknown>,
	coordinates: unknown = [
		[50.58, 26.22],
		[50.59, 26.22]
	]
) => ({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates } });
/** Block 1 of one ring with these positions. */
const ring = (...positions: number[][]) => block({ block: 1 }, { type: 'Polygon', coordinates: [positions] });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('readGazetteer', () => {
	it('reads blocks and roads under any of their property names, numbers as numbers or digits', () => {
		const data = readGazetteer(
			collection(
				block({ BLOCK_NO: 338, Area_Name_Ar: ' الحورة ', AREA_NAME_EN: 'Hoora', governorate_ar: 'العاصمة' }),
				block({ block_number: '339' }, { type: 'MultiPolygon', coordinates: [SQUARE, SQUARE] }),
				road({ ROAD: 3803 }),
				{
					type: 'Feature',
					properties: { road_no: '3805' },
					geometry: {
						type: 'MultiLineString',
						coordinates: [
							[
								[50.58, 26.22, 3],
								[50.59, 26.22, 3]
							]
						]
					}
				}
			)
		);
		expect(data.blocks.map((b) => [b.block, b.area, b.governorate, b.polygons.length])).toEqual([
			[338, { ar: 'الحورة', en: 'Hoora' }, { ar: 'العاصمة', en: null }, 1],
			[339, null, null, 2]
		]);
		expect(data.roads.map((r) => [r.road, r.lines])).toEqual([
			[
				3803,
				[
					[
						[50.58, 26.22],
						[50.59, 26.22]
					]
				]
			],
			[
				3805,
				[
					[
						[50.58, 26.22],
						[50.59, 26.22]
					]
				]
			]
		]);
	});

	it('reads the generated grid in whole', () => {
		const data = readGazetteer(gazetteerGrid({ columns: 4, rows: 3, sideM: 500, roadsPerBlock: 3 }));
		expect([data.blocks.length, data.roads.length]).toEqual([12, 36]);
	});

	it.each([
		['a block without its number', block({ area_en: 'Hoora' }), /Polygon without a block number/],
		['a road without its number', road({ block: 5 }), /LineString without a road number/],
		['a number that is not whole', block({ block: 33.8 }), /block number 33.8 is not a whole number/],
		['a number as words', road({ road: 'Road 12' }), /road number "Road 12"/],
		['a number too large', block({ block: 1_000_000 }), /from 1 to 99999/],
		['a point', { type: 'Feature', properties: { block: 1 }, geometry: { type: 'Point', coordinates: [50.5, 26.2] } }, /geometry "Point" is neither/],
		['no geometry', { type: 'Feature', properties: { block: 1 }, geometry: null }, /no geometry/],
		['not a feature', { type: 'Polygon', coordinates: SQUARE }, /not a GeoJSON Feature/],
		['an open ring', ring([50.58, 26.22], [50.59, 26.22], [50.59, 26.23], [50.58, 26.23]), /must end where it starts/],
		['a ring of three points', ring([50.58, 26.22], [50.59, 26.22], [50.58, 26.22]), /at least four positions/],
		['a road of one point', road({ road: 1 }, [[50.58, 26.22]]), /at least two positions/],
		[
			'latitude and longitude swapped past 90',
			road({ road: 1 }, [
				[26.22, 150.58],
				[26.23, 150.58]
			]),
			/outside \[-180..180, -90..90\]/
		],
		[
			'a position as text',
			road({ road: 1 }, [
				['50.58', '26.22'],
				[50.59, 26.22]
			]),
			/a position must be \[longitude, latitude\]/
		],
		['an empty multipolygon', block({ block: 1 }, { type: 'MultiPolygon', coordinates: [] }), /MultiPolygon needs at least one part/],
		[
			'a road across half a country',
			road({ road: 1 }, [
				[50.0, 26.22],
				[51.2, 26.22]
			]),
			/spans more than 1 degree/
		],
		['an area name that is not text', block({ block: 1, area_en: 12 }), /area_en must be text/],
		['properties that are not an object', { type: 'Feature', properties: [1], geometry: { type: 'Polygon', coordinates: SQUARE } }, /properties must be an object/]
	])('refuses %s, naming the feature', (_name, bad, message) => {
		const run = () => readGazetteer(collection(road({ road: 7 }), bad));
		expect(run).toThrow(/^1 of 2 features are not usable; feature 1: /);
		expect(run).toThrow(message);
	});

	it('names the first five bad features and counts them all', () => {
		const features = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? road({ road: i + 1 }) : road({})));
		expect(() => readGazetteer(collection(...features))).toThrow(/^10 of 20 features are not usable; feature 1: .*; feature 3: .*; feature 5: .*; feature 7: .*; feature 9: [^;]*$/);
	});

	it.each([
		['an array', [], /expected a GeoJSON FeatureCollection/],
		['a lone feature', road({ road: 1 }), /expected a GeoJSON FeatureCollection/],
		['an empty collection', collection(), /no blocks or roads/],
		['features that are not a list', { type: 'FeatureCollection', features: { length: 1 } }, /expected a GeoJSON FeatureCollection/],
		['more features than a country has', { type: 'FeatureCollection', features: new Array<unknown>(MAX_FEATURES + 1).fill(null) }, /500001 features, more than the 500000/]
	])('refuses %s', (_name, value, message) => {
		expect(() => readGazetteer(value)).toThrow(message);
	});
});
