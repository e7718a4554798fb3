/** Repeated-case clusters (issue 13), on the store the bench runs on (COUCHDB_URL, else embedded):
 * - clusters.rebuild_s: `npm run clusters:rebuild` over one year's national volume (180,000
 *   complaints and inquiries, BENCH_CLUSTER_CASES), from the moment it starts: every case read
 *   (`read_s`), sorted by entity and arrival, placed by the same `ClusterIndex` the server's
 *   follower uses, and the clusters and member documents written.
 * The cases are generated: each names one of a few dozen problems, in Arabic or English and in a
 * few spellings, at a road and block drawn so that some places are reported often, as complaints
 * about one broken light or one flooded road are. */
import { DB, type CaseDoc, type CategoryDoc } from '../src/lib/domain/doc-types.js';
import { rebuildClusters } from '../sync-server/src/clusters/rebuild.js';
import { seedStore } from '../sync-server/src/seed/seed.js';
import type { Store } from '../sync-server/src/store.js';
import { emit, seededRandom } from './emit.js';
import { benchPlace, openBenchStore, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_CLUSTER_CASES ?? 180_000);
const YEAR_START = Date.parse('2025-01-01T00:00:00+03:00');
const YEAR_MS = 365 * 86_400_000;
const WRITE_BATCH = 1000;
const PROBLEMS = [
	['الليت طافي', 'إنارة الشارع مطفأة', 'street light off'],
	['حفرة كبيرة في الشارع', 'حفره بالطريق', 'pothole in the road'],
	['الماي مقطوع', 'انقطاع المياه', 'no water since morning'],
	['تجمع مياه الامطار', 'الشارع غرقان ماي مطر', 'rain water flooding the road'],
	['القمامة ما انشالت', 'تراكم النفايات', 'garbage not collected'],
	['الرصيف مكسور', 'تكسر الرصيف', 'broken pavement'],
	['إشارة المرور عاطلة', 'الاشاره خربانه', 'traffic signal not working'],
	['تسرب مجاري', 'طفح المجاري', 'sewage overflow'],
	['كلاب ضالة', 'كلاب سائبة وايد', 'stray dogs'],
	['ضجيج ورشة في الليل', 'إزعاج من الورشة', 'workshop noise at night'],
	['انقطاع الكهرباء', 'الكهربا مقطوعة', 'power cut'],
	['سيارة مهجورة', 'سياره متروكه من شهور', 'abandoned car']
];

function* generateCases(count: number, categories: CategoryDoc[]): Generator<CaseDoc> {
	const next = seededRandom(13);
	const followed = categories.filter((c) => c.case_types.some((t) => t !== 'suggestion'));
	for (let i = 0; i < count; i++) {
		const category = followed[Math.floor(next() * followed.length)];
		const problem = PROBLEMS[Math.floor(next() * PROBLEMS.length)];
		const wording = problem[Math.floor(next() * problem.length)];
		// A cube skews the places: a few roads are reported again and again.
		const place = Math.floor(next() ** 3 * 4000);
		const road = 100 + place;
		const block = 200 + (place % 700);
		const text = wording.match(/[a-z]/) ? `${wording} Road ${road} Block ${block}` : `${wording} في طريق ${road} مجمع ${block}`;
		const at = new Date(YEAR_START + Math.floor((i / count) * YEAR_MS)).toISOString();
		yield {
			_id: `case:bench-cl-${i}`,
			type: 'case',
			case_key: `bench-cl-${i}`,
			ref: '',
			case_type: 'complaint',
			status: 'open',
			entity_id: category.entity_id,
			category_id: category.category_id,
			subject: text,
			body: text,
			location: { lat: 26 + (place % 50) / 100, lng: 50.4 + (place % 37) / 100 },
			locale: 'ar',
			citizen_id: `c${Math.floor(next() * 100_000)}`,
			created_at: at,
			routed_at: at,
			updated_at: at,
			sla: { started_at: at, due_at: at, paused_at: null, stopped_at: null, paused_ms: 0 },
			timeline: [],
			applied: [],
			rejected: [],
			version: 1
		};
	}
}

async function writeCases(store: Store, categories: CategoryDoc[]): Promise<void> {
	await store.ensureDb(DB.CASES);
	let batch: CaseDoc[] = [];
	const flush = async () => {
		const result = await store.use<CaseDoc>(DB.CASES).bulk({ docs: batch });
		if (result.some((r) => r.error)) throw new Error('bulk write into cases failed');
		batch = [];
	};
	for (const c of generateCases(CASES, categories)) {
		batch.push(c);
		if (batch.length === WRITE_BATCH) await flush();
	}
	if (batch.length) await flush();
}

export async function benchClusters(): Promise<void> {
	const place = benchPlace('clusters');
	const store = await openBenchStore(place);
	try {
		await seedStore(store, { demo: false });
		const config = await store.use<CategoryDoc>(DB.CONFIG).list({ include_docs: true });
		const categories = config.rows.flatMap((r) => (r.doc?.type === 'category' ? [r.doc] : []));
		await writeCases(store, categories);
		const started = performance.now();
		let readMs = 0;
		const result = await rebuildClusters(store, {
			force: true,
			now: new Date('2026-01-01T00:00:00Z'),
			onProgress: (cases) => {
				if (cases === CASES) readMs = performance.now() - started;
			}
		});
		const seconds = (performance.now() - started) / 1000;
		emit({
			name: 'clusters.rebuild_s',
			value: Number(seconds.toFixed(1)),
			unit: 's',
			cases: result.cases,
			clusters: result.clusters,
			repeated: result.repeated,
			entities: new Set(categories.map((c) => c.entity_id)).size,
			read_s: Number((readMs / 1000).toFixed(1)),
			target: 60
		});
	} finally {
		await store.close();
		await removeBenchPlace(place);
	}
}
