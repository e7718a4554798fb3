/** Open311 reads (issue 14): `open311.requests_get_p95_ms`, GET /open311/v2/requests.json over
 * HTTP on the real server, the mix a dashboard or a city app sends: the last 90 days, one service,
 * one status, a service and a status, a page further in, in JSON and XML. The cases are written
 * straight into `cases` in bulk (what the engine would leave, ready to read); the first read
 * builds the view, timed apart as `open311.index_build_ms`. The store follows the harness: the
 * embedded store, or TAWASUL_TEST_COUCHDB. */
import { DB, type CaseDoc, type CategoryDoc } from '../src/lib/domain/doc-types.js';
import { startInProcess } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_OPEN311_CASES ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_OPEN311_QUERIES ?? 200);
const WRITE_BATCH = 2000;
const DAY_MS = 86_400_000;

function* cases(count: number, categories: CategoryDoc[], now: number): Generator<CaseDoc> {
	for (let i = 0; i < count; i++) {
		const category = categories[(i * 7919) % categories.length];
		// A year of cases, the newest now.
		const created = new Date(now - Math.floor((i / count) * 365 * DAY_MS)).toISOString();
		const status = i % 10 < 7 ? 'closed' : i % 10 < 9 ? 'answered' : 'open';
		yield {
			_id: `case:bench-${i}`,
			type: 'case',
			case_key: `bench-${i}`,
			ref: `26-${String(1_000_000 + i)}-0`,
			case_type: category.case_types[0],
			status,
			entity_id: category.entity_id,
			category_id: category.category_id,
			subject: 'Bench case',
			body: 'Generated for the Open311 benchmark.',
			location: null,
			locale: 'ar',
			citizen_id: 'cbench',
			created_at: created,
			routed_at: created,
			updated_at: created,
			sla: { started_at: created, due_at: new Date(Date.parse(created) + 7 * DAY_MS).toISOString(), paused_at: null, stopped_at: null, paused_ms: 0 },
			timeline: [],
			applied: [],
			rejected: [],
			version: 1
		};
	}
}

export async function benchOpen311(): Promise<void> {
	const place = benchPlace('open311');
	const server = await startInProcess(benchServerEnv(place));
	try {
		const config = await server.store.use<CategoryDoc>(DB.CONFIG).list({ startkey: 'category:', endkey: 'category:\ufff0', include_docs: true });
		const categories = config.rows.map((row) => row.doc!);
		const db = server.store.use<CaseDoc>(DB.CASES);
		let batch: CaseDoc[] = [];
		for (const doc of cases(CASES, categories, Date.now())) {
			batch.push(doc);
			if (batch.length === WRITE_BATCH) {
				await db.bulk({ docs: batch });
				batch = [];
			}
		}
		if (batch.length) await db.bulk({ docs: batch });

		const base = `${server.base}/open311/v2`;
		const code = categories[0].category_id;
		const started = performance.now();
		const first = await fetch(`${base}/requests.json?page_size=1`);
		if (!first.ok) throw new Error(`first read answered ${first.status}`);
		emit({ name: 'open311.index_build_ms', value: Math.round(performance.now() - started), unit: 'ms', cases: CASES });

		const mix = [
			'requests.json',
			`requests.json?service_code=${code}`,
			'requests.json?status=open',
			`requests.json?service_code=${code},${categories[1].category_id}&status=closed`,
			'requests.json?page=5&page_size=100',
			'requests.xml?status=closed&page_size=1000'
		];
		const times: number[] = [];
		for (let i = 0; i < QUERIES; i++) {
			const t0 = performance.now();
			const response = await fetch(`${base}/${mix[i % mix.length]}`);
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`${mix[i % mix.length]} answered ${response.status}`);
			times.push(performance.now() - t0);
		}
		emit({
			name: 'open311.requests_get_p95_ms',
			value: Math.round(percentile(times, 95) * 10) / 10,
			unit: 'ms',
			cases: CASES,
			queries: QUERIES,
			p50_ms: Math.round(percentile(times, 50) * 10) / 10,
			target_ms: 200
		});
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
