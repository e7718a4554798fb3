/** The SLA early warning (issue 16, part 2) over 1,000,000 generated cases (`BENCH_SLA_CASES`),
 * most of them answered and closed long ago and a few thousand still running, against the
 * store the bench runs on (COUCHDB_URL, else embedded):
 * - sla.index_build_ms: building the `_design/sla` views over them once (CouchDB does this in the
 *   background as cases arrive; shown so the one-off cost is known);
 * - sla.warning_scan_ms: p95 of one entity's late and due-soon list, the largest entity's, as
 *   GET /api/sla/warnings reads it (`entityWarnings`), the target being < 500 ms;
 * - sla.at_risk_ms: p95 of the minister's counts for every entity (`entitiesAtRisk`). */
import { makeCalendar } from '../src/lib/domain/calendar.js';
import { DB, type CaseDoc, type CategoryDoc } from '../src/lib/domain/doc-types.js';
import { warningHorizon } from '../src/lib/domain/sla-warning.js';
import { seedStore } from '../sync-server/src/seed/seed.js';
import { entitiesAtRisk, entityWarnings } from '../sync-server/src/sla/warnings.js';
import { ensureSlaViews } from '../sync-server/src/sla/views.js';
import { emit, percentile, seededRandom } from './emit.js';
import { benchPlace, openBenchStore, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_SLA_CASES ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_SLA_QUERIES ?? 40);
/** Share of cases whose clock still runs: the national figures answer 99 % within days. */
const RUNNING_SHARE = 0.005;
const WRITE_BATCH = 2000;
const DAY_MS = 86_400_000;

/** Only what the views read is realistic: status, entity, clock, timeline authors. */
function* generateCases(count: number, categories: CategoryDoc[], now: number): Generator<CaseDoc> {
	const next = seededRandom(16);
	const weighted = categories.flatMap((c, i) => Array.from({ length: 1 + (i % 7 === 0 ? 6 : i % 3) }, () => c));
	for (let i = 0; i < count; i++) {
		const category = weighted[Math.floor(next() * weighted.length)];
		const running = next() < RUNNING_SHARE;
		// Running clocks fall due from two weeks ago to two weeks ahead; the rest over five years.
		const created = running ? now - Math.floor(next() * 21 * DAY_MS) : now - Math.floor(next() * 5 * 365 * DAY_MS);
		const due = created + 7 * DAY_MS;
		const at = (t: number) => new Date(t).toISOString();
		const handled = next() < 0.5;
		yield {
			_id: `case:bench-${i}`,
			type: 'case',
			case_key: `bench-${i}`,
			ref: `26-${String(i).padStart(7, '0')}-0`,
			case_type: 'complaint',
			status: running ? 'open' : 'closed',
			entity_id: category.entity_id,
			category_id: category.category_id,
			subject: 'Generated case',
			body: 'Generated for the benchmark.',
			location: null,
			locale: 'ar',
			citizen_id: `c${i % 50_000}`,
			created_at: at(created),
			routed_at: at(created),
			updated_at: at(created),
			sla: { started_at: at(created), due_at: at(due), paused_at: null, stopped_at: running ? null : at(created + 3 * DAY_MS), paused_ms: 0 },
			timeline: [
				{ action_id: `act:s${i}`, kind: 'submit', at: at(created), author_role: 'citizen', author_id: `c${i % 50_000}` },
				...(handled ? [{ action_id: `act:n${i}`, kind: 'note' as const, at: at(created + DAY_MS), author_role: 'agent' as const, author_id: `agent${i % 40}` }] : [])
			],
			applied: [],
			rejected: [],
			version: 1
		};
	}
}

export async function benchSla(): Promise<void> {
	const place = benchPlace('sla');
	const store = await openBenchStore(place);
	try {
		await seedStore(store, { demo: false });
		const config = await store.use<CategoryDoc>(DB.CONFIG).list({ include_docs: true });
		const categories = config.rows.flatMap((r) => (r.doc?.type === 'category' ? [r.doc] : []));
		const entities = [...new Set(categories.map((c) => c.entity_id))].sort();
		const now = new Date();
		const window = { now, horizon: warningHorizon(now, 1, makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, [])) };

		await store.ensureDb(DB.CASES);
		const perEntity = new Map<string, number>();
		let batch: CaseDoc[] = [];
		const flush = async () => {
			const result = await store.use(DB.CASES).bulk({ docs: batch as never[] });
			if (result.some((r) => r.error)) throw new Error('bulk write into cases failed');
			batch = [];
		};
		for (const c of generateCases(CASES, categories, now.getTime())) {
			if (c.status !== 'closed') perEntity.set(c.entity_id, (perEntity.get(c.entity_id) ?? 0) + 1);
			batch.push(c);
			if (batch.length >= WRITE_BATCH) await flush();
		}
		if (batch.length) await flush();
		const largest = [...perEntity.entries()].sort((a, b) => b[1] - a[1])[0][0];

		await ensureSlaViews(store);
		const buildStart = performance.now();
		await entityWarnings(store, largest, window);
		emit({ name: 'sla.index_build_ms', value: Math.round(performance.now() - buildStart), unit: 'ms', cases: CASES });

		const scans: number[] = [];
		let listed = 0;
		for (let i = 0; i < QUERIES; i++) {
			const start = performance.now();
			listed = (await entityWarnings(store, largest, window)).rows.length;
			scans.push(performance.now() - start);
		}
		emit({
			name: 'sla.warning_scan_ms',
			value: Math.round(percentile(scans, 95)),
			unit: 'ms',
			p50: Math.round(percentile(scans, 50)),
			cases: CASES,
			running: perEntity.get(largest),
			listed,
			target: 500
		});

		const risks: number[] = [];
		for (let i = 0; i < QUERIES; i++) {
			const start = performance.now();
			await entitiesAtRisk(store, entities, window);
			risks.push(performance.now() - start);
		}
		emit({ name: 'sla.at_risk_ms', value: Math.round(percentile(risks, 95)), unit: 'ms', p50: Math.round(percentile(risks, 50)), cases: CASES, entities: entities.length });
	} finally {
		await store.close();
		await removeBenchPlace(place);
	}
}
