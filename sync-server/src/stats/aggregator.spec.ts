/** The incremental path against a real embedded store: replays, crashes between any two writes,
 * stale copies, two writers at once, the sweep — each must end where a rebuild from the cases
 * ends, which is where the pure bulk aggregation of the final cases ends. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import { seedStore } from '../seed/seed.js';
import type { Store } from '../store.js';
import { REBUILD_MARKER_ID, StatsAggregator, type Step } from './aggregator.js';
import { BucketSet } from './buckets.js';
import { caseFacts } from './facts.js';
import { STATS_DB, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import { rebuildStats } from './rebuild.js';
import { makeCase, replied } from '../../../tests/support/stats-cases.js';

const NOW = new Date('2019-04-01T00:00:00.000Z');
let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
	({ store, close } = await openTestStore());
	await seedStore(store, { demo: false });
});
afterAll(() => close());

async function reset(): Promise<void> {
	for (const db of [STATS_DB, 'stats_facts', DB.CASES]) {
		await store.dropDb(db);
		await store.ensureDb(db);
	}
}

/** Stores the cases in `cases` as the engine would (later versions over earlier ones). */
async function saveCases(cases: CaseDoc[]): Promise<void> {
	const db = store.use<CaseDoc>(DB.CASES);
	for (const c of cases) {
		const current = await db.get(c._id).catch(() => null);
		await db.insert({ ...c, ...(current ? { _rev: current._rev } : {}) });
	}
}

async function statsCells(): Promise<Record<string, StatsDoc['cells']>> {
	const all = await store.use<StatsDoc>(STATS_DB).list({ include_docs: true });
	return Object.fromEntries(all.rows.flatMap((r) => (r.doc && Object.keys(r.doc.cells).length ? [[r.id, r.doc.cells]] : [])));
}

function expectedCells(cases: CaseDoc[], now = NOW): Record<string, StatsDoc['cells']> {
	const buckets = new BucketSet();
	for (const c of cases) buckets.add(caseFacts(c, { timeZone: 'Asia/Bahrain', weekStart: 0, now }));
	return Object.fromEntries([...buckets.docs.values()].filter((d) => Object.keys(d.cells).length).map((d) => [d._id, d.cells]));
}

/** Three versions of each of `n` cases: received, replied (some late), some moved to another entity. */
function histories(n: number): CaseDoc[][] {
	return Array.from({ length: n }, (_, i) => {
		const v1 = makeCase({ at: `2019-03-${String(1 + (i % 28)).padStart(2, '0')}T06:00:00.000Z`, case_type: i % 5 === 0 ? 'suggestion' : 'complaint' });
		const v2 = replied(v1, new Date(Date.parse(v1.created_at) + (i % 9) * 86_400_000).toISOString());
		const v3 = i % 3 === 0 ? { ...v2, entity_id: 'health', category_id: 'health-general', version: 3 } : { ...v2, status: 'closed' as const, version: 3 };
		return [v1, v2, v3];
	});
}

const aggregator = (afterStep?: (step: Step, n: number) => void) => new StatsAggregator(store, { now: () => NOW, afterStep });

describe('stats aggregator', () => {
	it('ends where the bulk aggregation of the final cases ends, and a replay adds nothing', async () => {
		await reset();
		const h = histories(60);
		const stats = aggregator();
		for (const version of [0, 1, 2]) await stats.apply(h.map((versions) => versions[version]));
		const finals = h.map((v) => v[2]);
		expect(await statsCells()).toEqual(expectedCells(finals));
		const journal = await stats.settle();
		expect(await stats.apply(finals)).toBe(0);
		expect(await stats.apply(h.map((v) => v[1]))).toBe(0);
		expect((await stats.settle()).n).toBe(journal.n);
		expect(await statsCells()).toEqual(expectedCells(finals));
	});

	it.each<Step>(['journal', 'buckets', 'facts'])('converges after a crash right after the %s write', async (step) => {
		await reset();
		const h = histories(40);
		await aggregator().apply(h.map((v) => v[0]));
		const crashing = aggregator((at) => {
			if (at === step) throw new Error(`crash after ${step}`);
		});
		await expect(crashing.apply(h.map((v) => v[1]))).rejects.toThrow(/crash/);
		// A new process: it finishes the journal it finds, then goes on; the engine replays the batch.
		const restarted = aggregator();
		await restarted.apply(h.map((v) => v[1]));
		await restarted.apply(h.map((v) => v[2]));
		expect(await statsCells()).toEqual(expectedCells(h.map((v) => v[2])));
	});

	it('never takes a case back to an older version', async () => {
		await reset();
		const [[v1, v2]] = histories(1);
		const stats = aggregator();
		await stats.apply([v2]);
		await stats.apply([v1]);
		expect(await statsCells()).toEqual(expectedCells([v2]));
	});

	it('counts right with two writers at once (an import while the engine runs)', async () => {
		await reset();
		const h = histories(80);
		const a = aggregator();
		const b = aggregator();
		await Promise.all([
			(async () => {
				for (const version of [0, 1, 2]) await a.apply(h.slice(0, 50).map((v) => v[version]));
			})(),
			(async () => {
				for (const version of [0, 1, 2]) await b.apply(h.slice(30).map((v) => v[version]));
			})()
		]);
		expect(await statsCells()).toEqual(expectedCells(h.map((v) => v[2])));
	});

	it('turns pending cases into overdue ones when their due date passes (the sweep)', async () => {
		await reset();
		let now = new Date('2019-03-02T00:00:00.000Z');
		const open = makeCase({ at: '2019-03-01T06:00:00.000Z' });
		const answered = replied(makeCase({ at: '2019-03-01T06:00:00.000Z' }), '2019-03-01T09:00:00.000Z');
		await saveCases([open, answered]);
		const stats = new StatsAggregator(store, { now: () => now });
		await stats.apply([open, answered]);
		expect((await statsCells())['y:works:2019']['complaint|works-potholes']).not.toHaveProperty('overdue');
		now = new Date('2019-03-20T00:00:00.000Z');
		expect(await stats.sweep()).toBe(1);
		expect((await statsCells())['y:works:2019']['complaint|works-potholes']).toMatchObject({ received: 2, overdue: 1, expired: 1 });
		expect(await stats.sweep()).toBe(0);
		expect(await statsCells()).toEqual(expectedCells([open, answered], now));
	});

	it('rebuilds from the cases to the same numbers, rewriting only what is wrong', async () => {
		await reset();
		const h = histories(50);
		const finals = h.map((v) => v[2]);
		await saveCases(finals);
		const stats = aggregator();
		for (const version of [0, 1, 2]) await stats.apply(h.map((v) => v[version]));
		const incremental = await statsCells();

		const clean = await rebuildStats(store, { now: NOW });
		expect(clean).toMatchObject({ cases: 50, written: 0, deleted: 0 });
		expect(await statsCells()).toEqual(incremental);

		// Damage one bucket and add a stray one: the rebuild puts both right.
		const year = await store.use<StatsDoc>(STATS_DB).get('y:works:2019');
		await store.use<StatsDoc>(STATS_DB).insert({ ...year, cells: { 'complaint|works-potholes': { received: 1 } } });
		await store.use<StatsDoc>(STATS_DB).insert({ _id: 'd:works:2001-01-01', type: 'stats', level: 'd', scope: 'works', period: '2001-01-01', batch: 999, cells: { 'complaint|x': { received: 1 } } });
		const repaired = await rebuildStats(store, { now: NOW });
		expect(repaired).toMatchObject({ written: 1, deleted: 1 });
		expect(repaired.batch).toBeGreaterThan(999);
		expect(await statsCells()).toEqual(incremental);

		// And the incremental path carries on from the rebuild.
		const later = replied(makeCase({ at: '2019-03-05T06:00:00.000Z' }), '2019-03-06T06:00:00.000Z');
		await aggregator().apply([later]);
		expect(await statsCells()).toEqual(expectedCells([...finals, later]));
	});

	it('stands aside while a rebuild is under way', async () => {
		await reset();
		const marker = await store.use(DB.ENGINE).insert({ _id: REBUILD_MARKER_ID } as never);
		expect(await aggregator().apply([makeCase()])).toBe(0);
		await store.use(DB.ENGINE).destroy(REBUILD_MARKER_ID, marker.rev);
		expect(await statsCells()).toEqual({});
	});

	it('refuses to rebuild under a running engine unless forced', async () => {
		const lease = await store.use(DB.ENGINE).insert({ _id: 'lease:engine', owner: 'x', expires_at: Date.now() + 60_000 } as never);
		await expect(rebuildStats(store)).rejects.toThrow(/stop the server/);
		await store.use(DB.ENGINE).destroy('lease:engine', lease.rev);
	});
});
