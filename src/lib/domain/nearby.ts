/** "Already reported?" (issue 15): the open cases of a public-place category near a point. The
 * server indexes each open case with a location under its category and a grid cell; a lookup
 * reads the few cells a circle of `NEARBY_RADIUS_M` can touch, then measures each candidate.
 * The same arithmetic runs in the index's map function (CouchDB's JavaScript), so the cell of a
 * point is computed the same way on both sides: a division and a floor, exact in IEEE doubles. */
import type { CaseStatus, CategoryDoc, GeoPoint } from './doc-types';

export const NEARBY_RADIUS_M = 250;
/** Cells of 0.0025° (≈ 278 m north–south, ≈ 250 m east–west in Bahrain): a 250 m circle there
 * touches 3 × 3 cells, and only the cases in those are read. */
const GRID_DEG = 0.0025;
/** Past this latitude a 250 m circle spans too many cells of longitude; no country that files
 * cases here is there. */
export const NEARBY_LAT_MAX = 85;
/** The most cases an answer lists, nearest first. */
export const NEARBY_MAX = 10;
/** Distances are answered to the nearest this many metres: enough to recognise a place, not to pin
 * down where the other person stood. */
const DISTANCE_STEP_M = 10;

const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEG_LAT = (Math.PI * EARTH_RADIUS_M) / 180;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** One nearby case as a citizen is shown it (GET /api/nearby): nothing of the person who filed it. */
export interface NearbyCase {
	case_key: string;
	ref: string;
	subject: string;
	status: CaseStatus;
	/** Metres from the point asked about, to the nearest `DISTANCE_STEP_M`. */
	distance_m: number;
	supporters: number;
	age_days: number;
	/** The asker filed it themselves: nothing to follow. */
	mine: boolean;
}

/** The statuses a case may be followed in: still waiting for its answer. */
export const NEARBY_STATUSES = ['open', 'awaiting_citizen'] as const;

export function isPublicPlace(category: Pick<CategoryDoc, 'public_place'> | null | undefined): boolean {
	return category?.public_place === true;
}

const COLUMNS = Math.round(360 / GRID_DEG);

/** A column past ±180° is the same column on the other side (180° is −180°). */
function wrapColumn(col: number): number {
	if (col >= COLUMNS / 2) return col - COLUMNS;
	if (col < -COLUMNS / 2) return col + COLUMNS;
	return col;
}

/** A point's cell: row and column of the grid, as "row:col". */
export function gridCell(point: GeoPoint): string {
	return `${Math.floor(point.lat / GRID_DEG)}:${wrapColumn(Math.floor(point.lng / GRID_DEG))}`;
}

/** `gridCell` in ES5 for the index's map function: `doc.location` to `cell`. */
export const GRID_CELL_ES5 = `var cell = Math.floor(doc.location.lat / ${GRID_DEG}) + ':' + (function (c) { return c >= ${COLUMNS / 2} ? c - ${COLUMNS} : c < -${COLUMNS / 2} ? c + ${COLUMNS} : c; })(Math.floor(doc.location.lng / ${GRID_DEG}));`;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
	const dLat = rad(b.lat - a.lat);
	const dLng = rad(b.lng - a.lng);
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Every cell a circle of `radiusM` around `point` can touch: the cells of its bounding box
 * (longitudes wrapped at ±180°). */
export function cellsAround(point: GeoPoint, radiusM = NEARBY_RADIUS_M): string[] {
	const dLat = radiusM / METRES_PER_DEG_LAT;
	const cos = Math.cos(rad(Math.min(Math.abs(point.lat) + dLat, 89.9)));
	const dLng = radiusM / (METRES_PER_DEG_LAT * cos);
	const rows = [Math.floor((point.lat - dLat) / GRID_DEG), Math.floor((point.lat + dLat) / GRID_DEG)];
	const cols = [Math.floor((point.lng - dLng) / GRID_DEG), Math.floor((point.lng + dLng) / GRID_DEG)];
	const cells = new Set<string>();
	for (let row = rows[0]; row <= rows[1]; row++) {
		for (let col = cols[0]; col <= cols[1]; col++) cells.add(`${row}:${wrapColumn(col)}`);
	}
	return [...cells];
}

/** A distance as answered: rounded to `DISTANCE_STEP_M`. */
export const roundedDistance = (metres: number) => Math.round(metres / DISTANCE_STEP_M) * DISTANCE_STEP_M;

/** Whole days from `since` to `now` (never negative). */
export function ageDays(since: string, now: Date): number {
	const ms = now.getTime() - Date.parse(since);
	return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 86_400_000)) : 0;
}
