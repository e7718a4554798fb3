/** Places on the map (issue 15): the country's box, and the Web Mercator arithmetic of a tiled map
 * (the projection every common tile server uses), so the app can draw tiles, a coordinate grid and
 * a pin without a mapping library. Pure: the app and the server share it. */
import type { GeoPoint } from './doc-types';

/** A box in WGS84 degrees, south below north, west below east. */
export interface Bounds {
	south: number;
	west: number;
	north: number;
	east: number;
}

/** Bahrain with its waters, a little generous at the edges (Hawar islands to the north shore). */
export const DEFAULT_COUNTRY_BOUNDS: Bounds = { south: 25.5, west: 50.3, north: 26.4, east: 50.9 };

/** The side of one map tile in CSS pixels. */
const TILE_SIZE = 256;
export const MIN_ZOOM = 3;
export const MAX_ZOOM = 19;
/** Web Mercator cannot show the poles; tile servers stop here. */
const MAX_LATITUDE = 85.05112878;

export function inBounds(point: GeoPoint, bounds: Bounds): boolean {
	return point.lat >= bounds.south && point.lat <= bounds.north && point.lng >= bounds.west && point.lng <= bounds.east;
}

export function boundsCentre(bounds: Bounds): GeoPoint {
	return { lat: (bounds.south + bounds.north) / 2, lng: (bounds.west + bounds.east) / 2 };
}

/** Five decimals ≈ 1 m: precise enough to find a pothole, no more. */
export function roundCoordinate(value: number): number {
	return Math.round(value * 1e5) / 1e5;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A point's position on the whole world map at `zoom`, in pixels from its north-west corner. */
export function project(point: GeoPoint, zoom: number): { x: number; y: number } {
	const size = TILE_SIZE * 2 ** zoom;
	const sin = Math.sin((clamp(point.lat, -MAX_LATITUDE, MAX_LATITUDE) * Math.PI) / 180);
	return {
		x: ((point.lng + 180) / 360) * size,
		y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size
	};
}

/** The inverse of `project`; x wraps around the world, y stops at the map's edges. */
export function unproject(pixel: { x: number; y: number }, zoom: number): GeoPoint {
	const size = TILE_SIZE * 2 ** zoom;
	const x = (((pixel.x / size) % 1) + 1) % 1;
	const y = clamp(pixel.y / size, 0, 1);
	const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
	return { lat, lng: x * 360 - 180 };
}

/** The largest zoom at which the whole box fits in `width` × `height` pixels. */
export function zoomToFit(bounds: Bounds, width: number, height: number): number {
	for (let zoom = MAX_ZOOM; zoom > MIN_ZOOM; zoom--) {
		const nw = project({ lat: bounds.north, lng: bounds.west }, zoom);
		const se = project({ lat: bounds.south, lng: bounds.east }, zoom);
		if (se.x - nw.x <= width && se.y - nw.y <= height) return zoom;
	}
	return MIN_ZOOM;
}

/** Tiles covering a view of `width` × `height` pixels centred on `centre`, each with where its
 * north-west corner falls in the view. Columns wrap around the world; rows off the map are left out. */
export function tilesInView(centre: GeoPoint, zoom: number, width: number, height: number): { x: number; y: number; z: number; left: number; top: number }[] {
	const middle = project(centre, zoom);
	const origin = { x: middle.x - width / 2, y: middle.y - height / 2 };
	const count = 2 ** zoom;
	const tiles = [];
	for (let row = Math.floor(origin.y / TILE_SIZE); row * TILE_SIZE < origin.y + height; row++) {
		if (row < 0 || row >= count) continue;
		for (let column = Math.floor(origin.x / TILE_SIZE); column * TILE_SIZE < origin.x + width; column++) {
			tiles.push({ x: ((column % count) + count) % count, y: row, z: zoom, left: column * TILE_SIZE - origin.x, top: row * TILE_SIZE - origin.y });
		}
	}
	return tiles;
}

const STEPS = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];

/** The spacing in degrees of grid lines at least `minPixels` apart at `zoom` (a round number). */
export function gridStep(zoom: number, minPixels = 80): number {
	const pixelsPerDegree = (TILE_SIZE * 2 ** zoom) / 360;
	let chosen = STEPS[0];
	for (const step of STEPS) if (step * pixelsPerDegree >= minPixels) chosen = step;
	return chosen;
}

/** A tile's address from a template with {z}, {x} and {y} (and {s}, given "a"). */
export function tileUrl(template: string, tile: { x: number; y: number; z: number }): string {
	return template.replaceAll('{z}', String(tile.z)).replaceAll('{x}', String(tile.x)).replaceAll('{y}', String(tile.y)).replaceAll('{s}', 'a');
}

/** A tile template the app may load: absolute http(s), or a path on this server, with {z}, {x} and {y}. */
export function isTileTemplate(template: string): boolean {
	if (template.length > 500 || !['{z}', '{x}', '{y}'].every((part) => template.includes(part))) return false;
	if (template.startsWith('/') && !template.startsWith('//')) return true;
	try {
		const url = new URL(tileUrl(template, { x: 0, y: 0, z: 0 }));
		return url.protocol === 'https:' || url.protocol === 'http:';
	} catch {
		return false;
	}
}

/** The view's north-west corner on the world map: where pixel (0, 0) of the view falls. */
function viewOrigin(centre: GeoPoint, zoom: number, width: number, height: number): { x: number; y: number } {
	const middle = project(centre, zoom);
	return { x: middle.x - width / 2, y: middle.y - height / 2 };
}

/** A point's pixel in the view. */
export function toView(point: GeoPoint, centre: GeoPoint, zoom: number, width: number, height: number): { x: number; y: number } {
	const origin = viewOrigin(centre, zoom, width, height);
	const at = project(point, zoom);
	return { x: at.x - origin.x, y: at.y - origin.y };
}

/** The point under a pixel of the view. */
export function fromView(pixel: { x: number; y: number }, centre: GeoPoint, zoom: number, width: number, height: number): GeoPoint {
	const origin = viewOrigin(centre, zoom, width, height);
	return unproject({ x: origin.x + pixel.x, y: origin.y + pixel.y }, zoom);
}

/** Lines of a coordinate grid across the view, at round degrees, each with its value. */
export function gridLines(centre: GeoPoint, zoom: number, width: number, height: number): { meridians: { x: number; lng: number }[]; parallels: { y: number; lat: number }[] } {
	const step = gridStep(zoom);
	const nw = fromView({ x: 0, y: 0 }, centre, zoom, width, height);
	const se = fromView({ x: width, y: height }, centre, zoom, width, height);
	const meridians = [];
	const parallels = [];
	// Whole steps, counted in integers so 50.1 + 0.1 does not drift to 50.199999.
	for (let i = Math.ceil(nw.lng / step); i * step <= se.lng && meridians.length < 100; i++) {
		const lng = Number((i * step).toFixed(6));
		meridians.push({ x: toView({ lat: centre.lat, lng }, centre, zoom, width, height).x, lng });
	}
	for (let i = Math.ceil(se.lat / step); i * step <= nw.lat && parallels.length < 100; i++) {
		const lat = Number((i * step).toFixed(6));
		parallels.push({ y: toView({ lat, lng: centre.lng }, centre, zoom, width, height).y, lat });
	}
	return { meridians, parallels };
}

/** Items near each other at `zoom` (in the same `cellPixels` square of the world map) grouped
 * under their mean point: a simple clustering that keeps a few hundred cases readable. */
export function cluster<T>(items: T[], pointOf: (item: T) => GeoPoint, zoom: number, cellPixels = 48): { point: GeoPoint; items: T[] }[] {
	const cells = new Map<string, T[]>();
	for (const item of items) {
		const at = project(pointOf(item), zoom);
		const key = `${Math.floor(at.x / cellPixels)}:${Math.floor(at.y / cellPixels)}`;
		const cell = cells.get(key);
		if (cell) cell.push(item);
		else cells.set(key, [item]);
	}
	return [...cells.values()].map((group) => {
		const points = group.map(pointOf);
		return {
			point: { lat: points.reduce((sum, p) => sum + p.lat, 0) / points.length, lng: points.reduce((sum, p) => sum + p.lng, 0) / points.length },
			items: group
		};
	});
}
