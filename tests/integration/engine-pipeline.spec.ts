/** The rules engine works on two batches at once: the next batch is decided and its cases saved
 * while the previous batch's projections and counters are written. A failure in that second half
 * replays both batches from the checkpoint; afterwards every case exists once, with its own
 * reference, in the citizen's and the entity's databases, and the dashboard counted it once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { RulesEngine, type CaseSink } from '../../sync-server/src/engine/engine.js';
import { RULES } from '../../sync-server/src/rules/index.js';
import { StatsAggregator } from '../../sync-server/src/stats/aggregator.js';
import { NATIONAL, STATS_DB, type StatsDoc } from '../../src/lib/domain/stats/model.js';
import { submitAction, waitFor } from './harness.js';
import { seededEngineStore } from './engine-store.js';

const CASES = 60;
const BATCH = 10;
const citizen = (i: number) => `cpipe${String(i % 7).padStart(4, '0')}`;

const lane = seededEngineStore('tawasul-pipeline-');

describe('rules engine: two batches under way', () => {
	it('decides the next batch while one is written, and replays both after a failure', async () => {
		const now = Date.now();
		const docs = Array.from({ length: CASES }, (_, i) =>
			submitAction({
				author: { user_id: citizen(i), role: 'citizen' },
				received_at: new Date(now + i).toISOString(),
				subject: `Pothole ${i}`
			})
		);
		await lane.store.use(DB.INTAKE).bulk({ docs: docs as never[] });
		const { update_seq: lastSeq } = (await lane.store.dbInfo(DB.INTAKE))!;

		const stats = new StatsAggregator(lane.store);
		let calls = 0;
		let overlapped = 0;
		let engine: RulesEngine | null = null;
		// The counters' step is slow, and fails once, on its third batch.
		const flaky: CaseSink = {
			name: 'stats',
			async casesSaved(cases) {
				calls++;
				const decidedBefore = engine!.status().processed;
				await new Promise((r) => setTimeout(r, 150));
				if (engine!.status().processed > decidedBefore) overlapped++;
				if (calls === 3) throw new Error('counters unavailable');
				await stats.casesSaved(cases);
			}
		};
		engine = new RulesEngine(lane.store, { rules: RULES, sinks: [flaky], batchSize: BATCH, instanceId: `pipe-${randomUUID()}`, pollTimeoutMs: 500 });
		engine.start();
		try {
			// CouchDB's sequences are opaque strings whose tail may differ between _changes and the
			// database's info for one position; the number before the dash is the position.
			const position = (seq: string | number) => String(seq).split('-')[0];
			await waitFor(async () => (position(engine!.status().last_seq) === position(lastSeq) ? true : undefined), 60_000, 'checkpoint at the end of the feed');
		} finally {
			await engine.stop();
			await stats.stop();
		}

		expect(calls).toBeGreaterThan(CASES / BATCH);
		expect(overlapped).toBeGreaterThan(0);
		expect(engine.status()).toMatchObject({ processed: CASES, rejected: 0, dead_letters: 0 });

		const cases = (await lane.store.use<CaseDoc>(DB.CASES).list({ include_docs: true })).rows.map((r) => r.doc!).filter((c) => c.type === 'case');
		expect(cases).toHaveLength(CASES);
		expect(new Set(cases.map((c) => c.ref)).size).toBe(CASES);
		for (const c of cases) expect(c.applied).toHaveLength(1);

		for (const c of cases) {
			const own = await lane.store.use<CaseDoc>(`u_${c.citizen_id}`).get(c._id);
			expect(own.ref).toBe(c.ref);
			const staff = await lane.store.use<CaseDoc>(`e_${c.entity_id}`).get(c._id);
			expect(staff.ref).toBe(c.ref);
		}

		const year = localDateOf(new Date(), 'Asia/Bahrain').slice(0, 4);
		const national = await lane.store.use<StatsDoc>(STATS_DB).get(`y:${NATIONAL}:${year}`);
		expect(national.cells['complaint|works']).toMatchObject({ received: CASES, open: CASES });
		// Every batch is fsynced by a real CouchDB: slower than the embedded store, not different.
	}, 120_000);
});
