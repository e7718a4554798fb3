/** The minister's office dashboard (issue #5) over 1,000,000 generated cases spread over five
 * years, on the store the bench runs on (COUCHDB_URL, else embedded):
 * - dashboard.kpi_p95_ms: the national overview and one entity's drill-down, each with its KPIs,
 *   per-type figures, ranking (entities or categories) and a monthly trend over the five years —
 *   the code the dashboard and `npm run report` run, reading the `stats` database;
 * - report.generate_ms: the five-year report, nationally and per entity;
 * - stats.events_per_s: the incremental aggregation step (StatsAggregator, as the engine calls it)
 *   on case events in engine-sized batches, with its ratio to a raw bulk write of the same case
 *   documents into the same store in the same run.
 * The million cases are aggregated in bulk through the same facts and bucket code as the engine's
 * path (facts.ts, buckets.ts), not replayed through the engine one by one. */
import { DB, type CaseDoc, type CaseType, type CategoryDoc } from '../src/lib/domain/doc-types.js';
import type { Store } from '../sync-server/src/store.js';
import { seedStore } from '../sync-server/src/seed/seed.js';
import { StatsAggregator } from '../sync-server/src/stats/aggregator.js';
import { BucketSet } from '../sync-server/src/stats/buckets.js';
import { caseFacts } from '../sync-server/src/stats/facts.js';
import { STATS_DB } from '../src/lib/domain/stats/model.js';
import { entityDrillDown, nationalOverview } from '../src/lib/domain/stats/query.js';
import { buildReport } from '../src/lib/domain/stats/report.js';
import { entityNames, storeReader } from '../sync-server/src/stats/store-reader.js';
import { emit, percentile, seededRandom } from './emit.js';
import { benchPlace, openBenchStore, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_STATS_CASES ?? 1_000_000);
const EVENT_CASES = Number(process.env.BENCH_STATS_EVENT_CASES ?? 10_000);
const QUERIES = Number(process.env.BENCH_STATS_QUERIES ?? 40);
const FROM = '2021-01-01';
const TO = '2025-12-31';
const WRITE_BATCH = 1000;
const ENGINE_BATCH = 500;
const DAY_MS = 86_400_000;

/** Cases as the engine leaves them: most replied within a few days, some late, some still open,
 * a few transferred, reopened or rated. Only what the statistics read is realistic. */
export function* generateCases(count: number, categories: CategoryDoc[], seed: number, span: [string, string]): Generator<CaseDoc> {
	const next = seededRandom(seed);
	const start = Date.parse(`${span[0]}T00:00:00+03:00`);
	const width = Date.parse(`${span[1]}T23:59:59+03:00`) - start;
	// A few large entities take most cases, as in any government.
	const weighted = categories.flatMap((c, i) => Array.from({ length: 1 + (i % 7 === 0 ? 6 : i % 3) }, () => c));
	for (let i = 0; i < count; i++) {
		const category = weighted[Math.floor(next() * weighted.length)];
		const type: CaseType = category.case_types[Math.floor(next() * category.case_types.length)];
		const created = start + Math.floor(next() * width);
		const due = created + 7 * DAY_MS;
		const r = next();
		const stopped = r < 0.9 ? created + Math.floor(next() * (r < 0.85 ? 6 : 12) * DAY_MS) : null;
		const at = new Date(created).toISOString();
		const timeline: CaseDoc['timeline'] = [{ action_id: `a${i}`, kind: 'submit', at, author_role: 'citizen', author_id: 'c' }];
		if (stopped) timeline.push({ action_id: `r${i}`, kind: 'reply', at: new Date(stopped).toISOString(), author_role: 'agent', author_id: 's' });
		if (next() < 0.03) timeline.push({ action_id: `t${i}`, kind: 'transfer', at, author_role: 'agent', author_id: 's' });
		const rated = stopped && next() < 0.3;
		yield {
			_id: `case:bench-${seed}-${i}`,
			type: 'case',
			case_key: `bench-${seed}-${i}`,
			ref: '',
			case_type: type,
			status: stopped ? (next() < 0.7 ? 'closed' : 'answered') : 'open',
			entity_id: category.entity_id,
			category_id: category.category_id,
			subject: 'Bench case',
			body: 'Generated for the dashboard benchmark.',
			location: null,
			locale: 'ar',
			citizen_id: 'cbench',
			created_at: at,
			routed_at: at,
			updated_at: at,
			sla: { started_at: at, due_at: new Date(due).toISOString(), paused_at: null, stopped_at: stopped ? new Date(stopped).toISOString() : null, paused_ms: 0 },
			timeline,
			applied: [],
			rejected: [],
			version: stopped ? 2 : 1,
			...(rated ? { ratings: [{ reply_action_id: `r${i}`, scores: { handling: 4, clarity: 5, courtesy: 4, ease_of_use: 3 }, at, low: false }] } : {})
		};
	}
}

export async function bulkWrite(store: Store, db: string, docs: object[], batch = WRITE_BATCH): Promise<number> {
	await store.ensureDb(db);
	const start = performance.now();
	for (let i = 0; i < docs.length; i += batch) {
		const result = await store.use(db).bulk({ docs: docs.slice(i, i + batch) as never[] });
		if (result.some((r) => r.error)) throw new Error(`bulk write into ${db} failed`);
	}
	return performance.now() - start;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
	const start = performance.now();
	const result = await work();
	return [result, performance.now() - start];
}

export async function benchStats(): Promise<void> {
	const place = benchPlace('stats');
	const store = await openBenchStore(place);
	try {
		await seedStore(store, { demo: false });
		const config = await store.use<CategoryDoc>(DB.CONFIG).list({ include_docs: true });
		const categories = config.rows.flatMap((r) => (r.doc?.type === 'category' ? [r.doc] : []));
		const ctx = { timeZone: 'Asia/Bahrain', weekStart: 0, now: new Date(`${TO}T23:00:00Z`) };

		// The million cases, aggregated in memory by the code the engine's path and the rebuild use.
		const buckets = new BucketSet();
		const aggregateMs = (
			await timed(async () => {
				for (const c of generateCases(CASES, categories, 1, [FROM, TO])) buckets.add(caseFacts(c, ctx));
			})
		)[1];
		const docs = [...buckets.docs.values()];
		const writeMs = await bulkWrite(store, STATS_DB, docs);
		emit({ name: 'stats.bulk_aggregate_cases_per_s', value: Math.round((CASES / aggregateMs) * 1000), unit: 'cases/s', cases: CASES, documents: docs.length, write_ms: Math.round(writeMs) });

		// The dashboard: national overview, then one entity (the busiest) drilled into.
		const reader = storeReader(store);
		const query = { from: FROM, to: TO, trend: 'm' as const };
		const first = await nationalOverview(reader, query);
		const busiest = [...first.groups].sort((a, b) => b.headline.cases - a.headline.cases)[0].id;
		const latencies: number[] = [];
		let documents = 0;
		for (let i = 0; i < QUERIES + 3; i++) {
			const [[national, entity], ms] = await timed(() => Promise.all([nationalOverview(reader, query), entityDrillDown(reader, busiest, query)]));
			if (national.headline.cases !== CASES) throw new Error(`the overview counts ${national.headline.cases} cases, not ${CASES}`);
			documents = national.documents + entity.documents;
			if (i >= 3) latencies.push(ms); // the first few warm the store's caches
		}
		emit({
			name: 'dashboard.kpi_p95_ms',
			value: Math.round(percentile(latencies, 95)),
			unit: 'ms',
			p50: Math.round(percentile(latencies, 50)),
			samples: latencies.length,
			cases: CASES,
			years: 5,
			documents_read: documents,
			target: 200
		});

		const names = await entityNames(store);
		const reportTimes: number[] = [];
		for (let i = 0; i < 5; i++) reportTimes.push((await timed(() => buildReport(reader, { from: FROM, to: TO, names })))[1]);
		emit({ name: 'report.generate_ms', value: Math.round(percentile(reportTimes, 50)), unit: 'ms', from: FROM, to: TO, entities: names.size, cases: CASES });

		// The incremental step: new cases, then the same cases replied, in engine-sized batches and
		// in the order they arrive — ten days of ten times the national volume, as the feed brings them.
		const events = [...generateCases(EVENT_CASES, categories, 2, ['2026-03-01', '2026-03-10'])].sort((a, b) => a.created_at.localeCompare(b.created_at));
		const opened = events.map((c) => ({ ...c, status: 'open' as const, sla: { ...c.sla, stopped_at: null }, timeline: c.timeline.slice(0, 1), version: 1, ratings: undefined }));
		const rawMs = await bulkWrite(store, 'bench_raw', opened, ENGINE_BATCH);
		const rawRate = (opened.length / rawMs) * 1000;
		const aggregator = new StatsAggregator(store, { now: () => new Date('2026-06-01T00:00:00Z') });
		const [, statsMs] = await timed(async () => {
			for (const version of [opened, events]) {
				for (let i = 0; i < version.length; i += ENGINE_BATCH) await aggregator.apply(version.slice(i, i + ENGINE_BATCH));
			}
		});
		const rate = ((opened.length + events.length) / statsMs) * 1000;
		const ratio = Number((rate / rawRate).toFixed(3));
		emit({ name: 'stats.events_per_s', value: Math.round(rate), unit: 'events/s', events: opened.length + events.length, batch: ENGINE_BATCH, raw_write_docs_per_s: Math.round(rawRate), ratio });
	} finally {
		await store.close();
		await removeBenchPlace(place);
	}
}
