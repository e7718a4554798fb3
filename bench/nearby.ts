/** "Already reported?" (issue 15): `nearby.lookup_p95_ms`, GET /api/nearby over HTTP on the real
 * server, a citizen's pin somewhere in Bahrain and one of the public-place categories, with
 * BENCH_NEARBY_CASES cases spread over the island (a third of them still open). The cases are
 * written straight into `cases` in bulk (what the engine would leave); the first lookup builds the
 * view, timed apart as `nearby.index_build_ms`. Lookups are shared among a few citizens, each
 * within the per-person quota. The store follows the harness: the embedded store, or
 * TAWASUL_TEST_COUCHDB. */
import { DB, type CaseDoc, type CategoryDoc } from '../src/lib/domain/doc-types.js';
import { NEARBY_PER_MINUTE } from '../sync-server/src/http/nearby-routes.js';
import { signInCitizen, startInProcess, type Session } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_NEARBY_CASES ?? 200_000);
const CITIZENS = 5;
const QUERIES = CITIZENS * NEARBY_PER_MINUTE;
const WRITE_BATCH = 2000;
/** Bahrain's main island, roughly. */
const BOX = { south: 25.8, north: 26.3, west: 50.38, east: 50.65 };

/** A fixed pseudo-random sequence, so two runs measure the same cases and pins. */
function sequence(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 48271) % 2147483647;
		return state / 2147483647;
	};
}

function* cases(count: number, categories: CategoryDoc[], next: () => number): Generator<CaseDoc> {
	const created = new Date().toISOString();
	for (let i = 0; i < count; i++) {
		const category = categories[i % categories.length];
		yield {
			_id: `case:bench-${i}`,
			type: 'case',
			case_key: `bench-${i}`,
			ref: `26-${String(1_000_000 + i)}-0`,
			case_type: 'complaint',
			status: i % 3 === 0 ? 'open' : 'closed',
			entity_id: category.entity_id,
			category_id: category.category_id,
			subject: 'Bench case',
			body: 'Generated for the nearby benchmark.',
			locale: 'ar',
			citizen_id: 'cbench',
			location: { lat: BOX.south + next() * (BOX.north - BOX.south), lng: BOX.west + next() * (BOX.east - BOX.west) },
			created_at: created,
			routed_at: created,
			updated_at: created,
			sla: { started_at: created, due_at: created, paused_at: null, stopped_at: null, paused_ms: 0 },
			timeline: [],
			applied: [],
			rejected: [],
			version: 1
		};
	}
}

export async function benchNearby(): Promise<void> {
	const place = benchPlace('nearby');
	const server = await startInProcess(benchServerEnv(place));
	try {
		const config = await server.store.use<CategoryDoc>(DB.CONFIG).list({ startkey: 'category:', endkey: 'category:\ufff0', include_docs: true });
		const categories = config.rows.map((row) => row.doc!).filter((c) => c.public_place);
		const next = sequence(15);
		const db = server.store.use<CaseDoc>(DB.CASES);
		let batch: CaseDoc[] = [];
		for (const doc of cases(CASES, categories, next)) {
			batch.push(doc);
			if (batch.length === WRITE_BATCH) {
				await db.bulk({ docs: batch });
				batch = [];
			}
		}
		if (batch.length) await db.bulk({ docs: batch });

		const citizens: Session[] = [];
		for (let i = 0; i < CITIZENS; i++) citizens.push(await signInCitizen(server.base, `+9733690${String(i).padStart(4, '0')}`));
		const lookup = (session: Session) => {
			const category = categories[Math.floor(next() * categories.length)].category_id;
			const lat = (BOX.south + next() * (BOX.north - BOX.south)).toFixed(6);
			const lng = (BOX.west + next() * (BOX.east - BOX.west)).toFixed(6);
			return fetch(`${server.base}/api/nearby?category_id=${category}&lat=${lat}&lng=${lng}`, { headers: { cookie: session.cookie } });
		};
		const started = performance.now();
		const first = await lookup(citizens[0]);
		if (!first.ok) throw new Error(`first lookup answered ${first.status}`);
		emit({ name: 'nearby.index_build_ms', value: Math.round(performance.now() - started), unit: 'ms', cases: CASES });

		const times: number[] = [];
		let found = 0;
		for (let i = 1; i < QUERIES; i++) {
			const t0 = performance.now();
			const response = await lookup(citizens[i % CITIZENS]);
			if (!response.ok) throw new Error(`lookup answered ${response.status}`);
			found += ((await response.json()) as { cases: unknown[] }).cases.length;
			times.push(performance.now() - t0);
		}
		emit({
			name: 'nearby.lookup_p95_ms',
			value: Math.round(percentile(times, 95) * 10) / 10,
			unit: 'ms',
			cases: CASES,
			queries: times.length,
			p50_ms: Math.round(percentile(times, 50) * 10) / 10,
			mean_found: Math.round((found / times.length) * 10) / 10
		});
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
