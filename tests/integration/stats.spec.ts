/** The statistics through the real server: actions into `intake`, the rules engine saves cases,
 * its stats step counts them; a replay of the whole feed, or a kill -9 in the middle of a burst,
 * counts nothing twice; the counters hold no personal data; a rebuild from the cases finds every
 * bucket already right. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { NATIONAL, STATS_DB, type StatsDoc } from '../../src/lib/domain/stats/model.js';
import { allDocs, rebuildStats } from '../../sync-server/src/stats/rebuild.js';
import { crashMidBurst, local, openLaneStore, remote, startInProcess, tempDir, waitFor, type Child } from './harness.js';

const CASES = 40;
let server: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
	server = await startInProcess({ SEED_DEMO: 'false' });
});
afterAll(() => server?.stop());

const citizen = (i: number) => ({ user_id: `cstats${String(i).padStart(4, '0')}`, role: 'citizen' as const });
const agent = { user_id: 'sstats0001', role: 'agent' as const, entity_id: 'works' };

function action(kind: string, caseKey: string, author: object, fields: Record<string, unknown> = {}) {
	const now = new Date().toISOString();
	return { _id: `act:${randomUUID()}`, type: 'action', kind, case_key: caseKey, client_time: now, device_id: 'stats-test', author, received_at: now, ...fields };
}

async function stats(): Promise<Map<string, StatsDoc>> {
	const out = new Map<string, StatsDoc>();
	for await (const page of allDocs<StatsDoc>(server.store, STATS_DB)) for (const doc of page) out.set(doc._id, doc);
	return out;
}

const year = () => localDateOf(new Date(), 'Asia/Bahrain').slice(0, 4);

describe('statistics in the running server', () => {
	const keys = Array.from({ length: CASES }, () => randomUUID());

	it('counts every case the engine saves, and every first reply', async () => {
		const intake = server.store.use(DB.INTAKE);
		await intake.bulk({
			docs: keys.map((key, i) =>
				action('submit', key, citizen(i), {
					case_type: i % 4 === 0 ? 'suggestion' : 'complaint',
					category_id: 'works-potholes',
					subject: `Pothole ${i}`,
					body: 'A deep pothole near the school gate has damaged several cars.',
					locale: 'en'
				})
			) as never[]
		});
		await waitFor(async () => ((await stats()).get(`y:${NATIONAL}:${year()}`)?.cells['complaint|works']?.received === 30 ? true : undefined), 30_000, 'submissions counted');
		await intake.bulk({ docs: keys.slice(0, 10).map((key) => action('reply', key, agent, { body: 'Scheduled for repair.' })) as never[] });
		const national = await waitFor(
			async () => {
				const doc = (await stats()).get(`y:${NATIONAL}:${year()}`);
				const replied = (doc?.cells['complaint|works']?.replied ?? 0) + (doc?.cells['suggestion|works']?.replied ?? 0);
				return replied === 10 ? doc : undefined;
			},
			30_000,
			'replies counted'
		);
		// The ten replies answered 7 complaints and 3 suggestions: those are no longer open (issue 16).
		expect(national.cells['complaint|works']).toMatchObject({ received: 30, open: 23 });
		expect(national.cells['suggestion|works']).toMatchObject({ received: 10, open: 7, sg_new: 10 });
		const within = (national.cells['complaint|works'].within ?? 0) + (national.cells['suggestion|works'].within ?? 0);
		expect(within).toBe(10);
	});

	it('holds no personal data', async () => {
		const text = JSON.stringify([...(await stats()).values()]);
		const cases = (await server.store.use<CaseDoc>(DB.CASES).list({ include_docs: true })).rows.map((r) => r.doc!);
		for (const c of cases) {
			for (const personal of [c.citizen_id, c.case_key, c.ref, c.subject]) expect(text).not.toContain(personal);
		}
	});

	it('counts nothing twice when the engine replays its whole feed', async () => {
		const before = await stats();
		// As after a crash that lost the checkpoint: every action of the feed comes again.
		const feed = await (await server.store.fetch(`/${DB.INTAKE}/_changes?include_docs=true`)).json();
		await server.engine.processBatch(feed.results);
		const after = await stats();
		expect([...after.entries()].map(([id, d]) => [id, d.cells])).toEqual([...before.entries()].map(([id, d]) => [id, d.cells]));
	});

	it('rebuilds from the cases to the very same numbers', async () => {
		const before = await stats();
		// The engine is idle (everything is processed); forced because its lease is still held.
		const result = await rebuildStats(server.store, { force: true });
		expect(result).toMatchObject({ cases: CASES, written: 0, deleted: 0 });
		const after = await stats();
		expect([...after.entries()].map(([id, d]) => [id, d.cells])).toEqual([...before.entries()].map(([id, d]) => [id, d.cells]));
	});
});

describe('statistics across a kill -9', () => {
	let child: Child | null = null;
	afterAll(async () => {
		await child?.kill('SIGKILL');
	});

	it('count every case exactly once when the server dies in the middle of a burst', async () => {
		const BURST = 300;
		const dataDir = tempDir();
		const env = { DATA_DIR: dataDir, ENGINE_BATCH_SIZE: '25', ENGINE_INSTANCE: 'stats-crash-test' };
		const { citizen, processedAtKill } = await crashMidBurst({ env, phone: '+97336000333', outbox: 'stats-crash-outbox', burst: BURST, killAfter: 40, started: (started) => (child = started) });
		// The kill must land while work is still outstanding, or this test proves nothing.
		expect(processedAtKill).toBeLessThan(BURST);
		const mirror = local('stats-crash-mirror');
		await waitFor(
			async () => {
				await mirror.replicate.from(remote(child!.base, `u_${citizen.user.user_id}`, citizen));
				return (await mirror.allDocs({ startkey: 'case:', endkey: 'case:\uffff' })).rows.length === BURST ? true : undefined;
			},
			90_000,
			'all cases after restart'
		);
		// SIGTERM lets the engine finish its batch, stats step included; then read the counters
		// the way the report does, with the server gone.
		await child!.kill('SIGTERM');
		child = null;
		const store = await openLaneStore(dataDir);
		try {
			const national = await store.use<StatsDoc>(STATS_DB).get(`y:${NATIONAL}:${year()}`);
			expect(national.cells['complaint|works']).toMatchObject({ received: BURST, open: BURST });
			const result = await rebuildStats(store);
			expect(result).toMatchObject({ cases: BURST, written: 0, deleted: 0 });
		} finally {
			await store.close();
		}
	}, 180_000);
});
