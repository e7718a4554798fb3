/** The gazetteer file (GAZETTEER_FILE, issue 15) read into blocks and roads, every feature checked.
 * A GeoJSON FeatureCollection in WGS84 ([longitude, latitude]):
 * - a block is a Polygon or MultiPolygon with its number in a property `block` (also `block_no`,
 *   `block_number`, `blockno`);
 * - a road is a LineString or MultiLineString with its number in `road` (also `road_no`,
 *   `road_number`, `roadno`);
 * - a block may name its area (`area_ar`, `area_en`, also `area_name_ar`, `area_name_en`) and its
 *   governorate (`governorate_ar`, `governorate_en`).
 * Property names are matched without regard to case (`BLOCK_NO` is `block_no`); numbers may be
 * JSON numbers or strings of digits. Any other geometry, or a feature missing its number, makes
 * the whole file refused: a half-read gazetteer would name wrong blocks without saying so. */

/** [longitude, latitude], as GeoJSON has it. */
export type Position = [number, number];

/** A name in both languages; either may be missing from the file. */
export interface Names {
	ar: string | null;
	en: string | null;
}

export interface Block {
	block: number;
	area: Names | null;
	governorate: Names | null;
	/** Each polygon: its outer ring, then its holes. */
	polygons: Position[][][];
}

interface Road {
	road: number;
	lines: Position[][];
}

export interface GazetteerData {
	blocks: Block[];
	roads: Road[];
}

/** Bahrain's block numbers have three or four digits and its road numbers four; room to spare. */
const MAX_NUMBER = 99_999;
const MAX_NAME_CHARS = 100;
/** More than a country's blocks and roads together: a file past it is not a gazetteer. */
export const MAX_FEATURES = 500_000;
/** A feature wider or taller than this (≈ 110 km, twice Bahrain's length) is a mistake, and would
 * fill the lookup's grid with tens of thousands of cells. */
const MAX_SPAN_DEG = 1;
/** How many bad features the refusal names. */
const SHOWN_PROBLEMS = 5;

const ALIASES = {
	block: ['block', 'block_no', 'block_number', 'blockno'],
	road: ['road', 'road_no', 'road_number', 'roadno'],
	area_ar: ['area_ar', 'area_name_ar'],
	area_en: ['area_en', 'area_name_en'],
	governorate_ar: ['governorate_ar'],
	governorate_en: ['governorate_en']
} as const;

class FeatureProblem extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The property under any of its names, whatever their case. */
function property(properties: Record<string, unknown>, field: keyof typeof ALIASES): unknown {
	const names: readonly string[] = ALIASES[field];
	const key = Object.keys(properties).find((k) => names.includes(k.toLowerCase()));
	return key === undefined ? undefined : properties[key];
}

function number(properties: Record<string, unknown>, field: 'block' | 'road', geometry: string): number {
	const raw = property(properties, field);
	const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
	if (raw === undefined || raw === null) throw new FeatureProblem(`${geometry} without a ${field} number (property ${ALIASES[field].join(', ')})`);
	if (!Number.isInteger(value) || value < 1 || value > MAX_NUMBER) throw new FeatureProblem(`${field} number ${JSON.stringify(raw)} is not a whole number from 1 to ${MAX_NUMBER}`);
	return value;
}

function name(properties: Record<string, unknown>, field: Exclude<keyof typeof ALIASES, 'block' | 'road'>): string | null {
	const raw = property(properties, field);
	if (raw === undefined || raw === null || raw === '') return null;
	if (typeof raw !== 'string' || raw.trim().length > MAX_NAME_CHARS) throw new FeatureProblem(`${field} must be text of at most ${MAX_NAME_CHARS} characters`);
	return raw.trim() || null;
}

function names(properties: Record<string, unknown>, prefix: 'area' | 'governorate'): Names | null {
	const ar = name(properties, `${prefix}_ar`);
	const en = name(properties, `${prefix}_en`);
	return ar === null && en === null ? null : { ar, en };
}

function position(value: unknown): Position {
	if (!Array.isArray(value) || value.length < 2 || value.length > 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
		throw new FeatureProblem(`a position must be [longitude, latitude] in numbers, got ${JSON.stringify(value).slice(0, 60)}`);
	}
	const [lng, lat] = value as number[];
	if (Math.abs(lng) > 180 || Math.abs(lat) > 90) throw new FeatureProblem(`position [${lng}, ${lat}] is outside [-180..180, -90..90]`);
	return [lng, lat];
}

function line(value: unknown): Position[] {
	if (!Array.isArray(value) || value.length < 2) throw new FeatureProblem('a line needs at least two positions');
	return value.map(position);
}

function ring(value: unknown): Position[] {
	if (!Array.isArray(value) || value.length < 4) throw new FeatureProblem('a polygon ring needs at least four positions');
	const positions = value.map(position);
	const [first, last] = [positions[0], positions[positions.length - 1]];
	if (first[0] !== last[0] || first[1] !== last[1]) throw new FeatureProblem('a polygon ring must end where it starts');
	return positions;
}

function polygon(value: unknown): Position[][] {
	if (!Array.isArray(value) || value.length === 0) throw new FeatureProblem('a polygon needs an outer ring');
	return value.map(ring);
}

function list<T>(value: unknown, what: string, each: (item: unknown) => T): T[] {
	if (!Array.isArray(value) || value.length === 0) throw new FeatureProblem(`${what} needs at least one part`);
	return value.map(each);
}

/** The box around some positions. */
export function boundingBox(positions: Iterable<Position>): { south: number; west: number; north: number; east: number } {
	const box = { south: Infinity, west: Infinity, north: -Infinity, east: -Infinity };
	for (const [lng, lat] of positions) {
		box.south = Math.min(box.south, lat);
		box.north = Math.max(box.north, lat);
		box.west = Math.min(box.west, lng);
		box.east = Math.max(box.east, lng);
	}
	return box;
}

function checkSpan(parts: Position[][]): void {
	const box = boundingBox(parts.flat());
	if (box.east - box.west > MAX_SPAN_DEG || box.north - box.south > MAX_SPAN_DEG) {
		throw new FeatureProblem(`spans more than ${MAX_SPAN_DEG} degree of longitude or latitude`);
	}
}

function feature(value: unknown, into: GazetteerData): void {
	if (!isObject(value) || value.type !== 'Feature') throw new FeatureProblem('not a GeoJSON Feature');
	const geometry = value.geometry;
	const properties = value.properties ?? {};
	if (!isObject(geometry)) throw new FeatureProblem('no geometry');
	if (!isObject(properties)) throw new FeatureProblem('properties must be an object');
	const type = String(geometry.type);
	const coordinates = geometry.coordinates;
	if (type === 'Polygon' || type === 'MultiPolygon') {
		const polygons = type === 'Polygon' ? [polygon(coordinates)] : list(coordinates, type, polygon);
		checkSpan(polygons.map((p) => p[0]));
		into.blocks.push({ block: number(properties, 'block', type), area: names(properties, 'area'), governorate: names(properties, 'governorate'), polygons });
	} else if (type === 'LineString' || type === 'MultiLineString') {
		const lines = type === 'LineString' ? [line(coordinates)] : list(coordinates, type, line);
		checkSpan(lines);
		into.roads.push({ road: number(properties, 'road', type), lines });
	} else {
		throw new FeatureProblem(`geometry ${JSON.stringify(type).slice(0, 40)} is neither a block (Polygon, MultiPolygon) nor a road (LineString, MultiLineString)`);
	}
}

/** The blocks and roads of a parsed gazetteer file; throws an Error saying what is wrong, naming
 * the first bad features by their index in `features` (from 0). */
export function readGazetteer(value: unknown): GazetteerData {
	if (!isObject(value) || value.type !== 'FeatureCollection' || !Array.isArray(value.features)) {
		throw new Error('expected a GeoJSON FeatureCollection');
	}
	const features: unknown[] = value.features;
	if (features.length > MAX_FEATURES) throw new Error(`${features.length} features, more than the ${MAX_FEATURES} a gazetteer may have`);
	const data: GazetteerData = { blocks: [], roads: [] };
	const problems: string[] = [];
	let bad = 0;
	features.forEach((item, index) => {
		try {
			feature(item, data);
		} catch (error) {
			if (!(error instanceof FeatureProblem)) throw error;
			bad++;
			if (problems.length < SHOWN_PROBLEMS) problems.push(`feature ${index}: ${error.message}`);
		}
	});
	if (bad > 0) throw new Error(`${bad} of ${features.length} features are not usable; ${problems.join('; ')}`);
	if (data.blocks.length === 0 && data.roads.length === 0) throw new Error('no blocks or roads in it');
	return data;
}
