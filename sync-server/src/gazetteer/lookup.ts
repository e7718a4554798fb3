/** Which block a point lies in and which road runs nearest (issue 15), over a gazetteer held in
 * memory. A grid of cells of `CELL_DEG` lists the blocks and road segments whose bounding box
 * touches each cell, so a lookup measures only what lies around the point: Bahrain's ~2,000
 * blocks and ~20,000 roads answer in microseconds. Distances are in a local flat projection
 * around the point (equirectangular), exact to well under a metre over the `ROAD_RADIUS_M`
 * measured. */
import type { GeoPoint } from '../../../src/lib/domain/doc-types.js';
import { boundingBox, type Block, type GazetteerData, type Names, type Position } from './features.js';

/** A road farther than this from the point is not "its" road. */
export const ROAD_RADIUS_M = 60;
/** ≈ 550 m north–south: a block spans a few cells, a 60 m circle at most 2 × 2. */
const CELL_DEG = 0.005;
const COLUMNS = Math.ceil(360 / CELL_DEG) + 1;
const METRES_PER_DEG = (Math.PI * 6_371_008.8) / 180;
/** A point this close to a block's edge (in degrees, ≈ 0.1 mm) is on it, and counts as inside. */
const EDGE_DEG = 1e-9;

/** What GET /api/gazetteer answers: the block (with its area and governorate) and the road. */
export interface GazetteerPlace {
	block: number | null;
	road: number | null;
	area: Names | null;
	governorate: Names | null;
}

interface Segment {
	road: number;
	a: Position;
	b: Position;
}

const cellKey = (row: number, column: number) => row * COLUMNS + column;
const rowOf = (lat: number) => Math.floor(lat / CELL_DEG);
const columnOf = (lng: number) => Math.floor(lng / CELL_DEG);

/** Where a point is against a ring: inside, on its edge, or outside (ray casting). */
function ringSide(ring: Position[], lng: number, lat: number): 'in' | 'edge' | 'out' {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		const dx = xj - xi;
		const dy = yj - yi;
		const length = Math.hypot(dx, dy);
		const withinBox = lng >= Math.min(xi, xj) - EDGE_DEG && lng <= Math.max(xi, xj) + EDGE_DEG && lat >= Math.min(yi, yj) - EDGE_DEG && lat <= Math.max(yi, yj) + EDGE_DEG;
		if (withinBox && Math.abs(dx * (lat - yi) - dy * (lng - xi)) <= EDGE_DEG * length) return 'edge';
		if (yi > lat !== yj > lat && lng < (dx * (lat - yi)) / dy + xi) inside = !inside;
	}
	return inside ? 'in' : 'out';
}

/** Inside the outer ring (or on it) and not inside a hole: a hole's edge still belongs to the block. */
function polygonHas(polygon: Position[][], lng: number, lat: number): boolean {
	const outer = ringSide(polygon[0], lng, lat);
	if (outer === 'out') return false;
	return polygon.slice(1).every((hole) => ringSide(hole, lng, lat) !== 'in');
}

/** Metres from the origin (the point asked about) to segment ab, both in local metres. */
function distanceToSegment(ax: number, ay: number, bx: number, by: number): number {
	const dx = bx - ax;
	const dy = by - ay;
	const lengthSquared = dx * dx + dy * dy;
	const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
	return Math.hypot(ax + t * dx, ay + t * dy);
}

export class Gazetteer {
	readonly blockCount: number;
	readonly roadCount: number;
	readonly #blocks: Block[];
	/** Indexes into #blocks by cell, in file order: where blocks overlap the first in the file wins. */
	readonly #blockCells = new Map<number, number[]>();
	readonly #segmentCells = new Map<number, Segment[]>();

	constructor(data: GazetteerData) {
		this.#blocks = data.blocks;
		this.blockCount = data.blocks.length;
		this.roadCount = data.roads.length;
		data.blocks.forEach((block, index) => {
			this.#addToCells(this.#blockCells, boundingBox(block.polygons.flatMap((polygon) => polygon[0])), index);
		});
		for (const road of data.roads) {
			for (const line of road.lines) {
				for (let i = 1; i < line.length; i++) this.#addToCells(this.#segmentCells, boundingBox([line[i - 1], line[i]]), { road: road.road, a: line[i - 1], b: line[i] });
			}
		}
	}

	#addToCells<T>(cells: Map<number, T[]>, box: ReturnType<typeof boundingBox>, item: T): void {
		for (let row = rowOf(box.south); row <= rowOf(box.north); row++) {
			for (let column = columnOf(box.west); column <= columnOf(box.east); column++) {
				const key = cellKey(row, column);
				const list = cells.get(key);
				if (list) list.push(item);
				else cells.set(key, [item]);
			}
		}
	}

	/** The block and road at a point, or null when it is in no block and no road is near. */
	lookup(point: GeoPoint): GazetteerPlace | null {
		const block = this.#blockAt(point);
		const road = this.#roadNear(point);
		if (!block && road === null) return null;
		return { block: block?.block ?? null, road, area: block?.area ?? null, governorate: block?.governorate ?? null };
	}

	#blockAt({ lat, lng }: GeoPoint): Block | null {
		for (const index of this.#blockCells.get(cellKey(rowOf(lat), columnOf(lng))) ?? []) {
			const block = this.#blocks[index];
			if (block.polygons.some((polygon) => polygonHas(polygon, lng, lat))) return block;
		}
		return null;
	}

	#roadNear({ lat, lng }: GeoPoint): number | null {
		const ky = METRES_PER_DEG;
		const kx = METRES_PER_DEG * Math.cos((lat * Math.PI) / 180);
		const dLat = ROAD_RADIUS_M / ky;
		const dLng = ROAD_RADIUS_M / kx;
		let best: { road: number; metres: number } | null = null;
		for (let row = rowOf(lat - dLat); row <= rowOf(lat + dLat); row++) {
			for (let column = columnOf(lng - dLng); column <= columnOf(lng + dLng); column++) {
				for (const { road, a, b } of this.#segmentCells.get(cellKey(row, column)) ?? []) {
					const metres = distanceToSegment((a[0] - lng) * kx, (a[1] - lat) * ky, (b[0] - lng) * kx, (b[1] - lat) * ky);
					if (metres <= ROAD_RADIUS_M && (!best || metres < best.metres)) best = { road, metres };
				}
			}
		}
		return best?.road ?? null;
	}
}
