/** The intake database replaced under the engine: restored from a backup, or deleted and filled
 * again by the devices' replication. Its sequence starts again, so the engine's saved position
 * belongs to another database: the engine replays the new feed from the start, routes what is
 * new, and applies nothing twice. */
import { afterAll, describe, expect, it } from 'vitest';
import { local, openLaneStore, remote, signInCitizen, startInProcess, submitAction, tempDir, waitFor } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server | null = null;

afterAll(async () => {
	await server?.stop();
});

interface CaseDoc {
	_id: string;
	_rev: string;
	ref: string;
	applied: string[];
}

describe('intake replaced', () => {
	it('routes actions written after the feed was replaced, and leaves the cases already routed as they were', async () => {
		const dataDir = tempDir();
		server = await startInProcess({ DATA_DIR: dataDir });
		const citizen = await signInCitizen(server.base, '+97336400001');
		const outbox = local('restore-outbox');
		const before = Array.from({ length: 10 }, () => submitAction());
		await outbox.bulkDocs(before);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const mirror = local('restore-mirror');
		const casesIn = async (base: string, count: number): Promise<CaseDoc[]> =>
			waitFor(
				async () => {
					await mirror.replicate.from(remote(base, `u_${citizen.user.user_id}`, citizen));
					const all = await mirror.allDocs({ include_docs: true, startkey: 'case:', endkey: 'case:\uffff' });
					return all.rows.length === count ? all.rows.map((r: { doc?: CaseDoc }) => r.doc!) : undefined;
				},
				60_000,
				`${count} cases`
			);
		const routed = await casesIn(server.base, 10);
		await server.stop();
		server = null;

		// The operator replaces intake: an empty database under the same name.
		const store = await openLaneStore(dataDir);
		await store.dropDb('intake');
		await store.ensureDb('intake');
		await store.close();

		server = await startInProcess({ DATA_DIR: dataDir });
		// Another device of the citizen's files one new case: the new feed's sequence is far below
		// the old position.
		const later = submitAction();
		const phone = local('restore-phone');
		await phone.put(later);
		await phone.replicate.to(remote(server.base, 'intake', citizen));
		const after = await casesIn(server.base, 11);
		// The first device pushes all it has again: replayed, nothing applied twice.
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		// Caught up: the engine's position is intake's latest (CouchDB's positions compared by number).
		const position = (seq: string | number) => Number(String(seq).split('-')[0]);
		await waitFor(
			async () => {
				const health = await (await fetch(`${server!.base}/healthz`)).json();
				const info = await server!.store.dbInfo('intake');
				return info && position(health.engine.last_seq) === position(info.update_seq) ? true : undefined;
			},
			30_000,
			'the engine caught up'
		);
		expect(await casesIn(server.base, 11)).toHaveLength(11);

		const byId = new Map(after.map((c) => [c._id, c]));
		for (const old of routed) {
			// Replayed, not applied again: same reference, same revision.
			expect(byId.get(old._id)).toMatchObject({ ref: old.ref, _rev: old._rev });
		}
		const added = after.find((c) => !routed.some((old) => old._id === c._id))!;
		expect(added.applied).toEqual([later._id]);
		expect(new Set(after.map((c) => c.ref)).size).toBe(11);
	}, 180_000);
});
