/** The open cases of one category near a point (issue 15), from a view of `cases` keyed by
 * category and grid cell (domain/nearby.ts): a lookup reads only the cells a 250 m circle can
 * touch, never the other cases, then measures each candidate exactly. The view holds open cases
 * with a location only, and no duplicate linked to a primary (the primary stands for it). */
import { DB, type CaseStatus } from '../../../src/lib/domain/doc-types.js';
import { ageDays, cellsAround, distanceM, GRID_CELL_ES5, NEARBY_MAX, NEARBY_RADIUS_M, NEARBY_STATUSES, roundedDistance, type NearbyCase } from '../../../src/lib/domain/nearby.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

const NEARBY_DESIGN_ID = '_design/nearby';
const VIEW = 'open_by_cell';
/** Candidates read at most per lookup: a street with this many open reports of one kind within a
 * few hundred metres has more than enough to show. */
const MAX_CANDIDATES = 500;

const OPEN_BY_CELL_MAP = `function (doc) {
  if (doc.type !== 'case' || !doc.location || typeof doc.location.lat !== 'number' || typeof doc.location.lng !== 'number') return;
  if (${JSON.stringify(NEARBY_STATUSES)}.indexOf(doc.status) < 0 || doc.linked_to) return;
  ${GRID_CELL_ES5}
  emit([doc.category_id, cell], { ref: doc.ref, subject: doc.subject || '', status: doc.status, lat: doc.location.lat, lng: doc.location.lng, created_at: doc.created_at, supporters: doc.supporters || 0, citizen_id: doc.citizen_id });
}`;

export function ensureNearbyViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, NEARBY_DESIGN_ID, { views: { [VIEW]: { map: OPEN_BY_CELL_MAP } } });
}

interface CellRow {
	id: string;
	value: { ref: string; subject: string; status: CaseStatus; lat: number; lng: number; created_at: string; supporters: number; citizen_id: string };
}

export async function nearbyCases(store: Store, query: { categoryId: string; lat: number; lng: number; userId: string; now: Date }): Promise<NearbyCase[]> {
	const point = { lat: query.lat, lng: query.lng };
	const keys = cellsAround(point).map((cell) => [query.categoryId, cell]);
	const result = await store.use(DB.CASES).view<CellRow['value']>('nearby', VIEW, { keys, limit: MAX_CANDIDATES });
	const found: (NearbyCase & { exact: number })[] = [];
	for (const row of result.rows) {
		const { value } = row;
		const exact = distanceM(point, value);
		if (exact > NEARBY_RADIUS_M) continue;
		found.push({
			case_key: row.id.slice('case:'.length),
			ref: value.ref,
			subject: value.subject,
			status: value.status,
			distance_m: roundedDistance(exact),
			supporters: value.supporters,
			age_days: ageDays(value.created_at, query.now),
			mine: value.citizen_id === query.userId,
			exact
		});
	}
	// Nearest first; on a tie the one with more supporters, then the key, so the order is fixed.
	found.sort((a, b) => a.exact - b.exact || b.supporters - a.supporters || a.case_key.localeCompare(b.case_key));
	return found.slice(0, NEARBY_MAX).map(({ exact: _exact, ...shown }) => shown);
}
