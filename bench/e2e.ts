/** e2e.submit_to_inbox_p95_ms: online, a submission put into a citizen device's outbox, pushed
 * by live PouchDB replication through the gate, routed by the engine, and pulled live into an
 * agent device's replica of the entity database, on the store the bench runs on (COUCHDB_URL, else
 * embedded). A third of the submissions carry a ~300 KB photo. */
import { randomBytes } from 'node:crypto';
import { startInProcess, signInCitizen, signInStaff, remote, local, submitAction } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const SUBMISSIONS = Number(process.env.BENCH_E2E_SUBMISSIONS ?? 200);
const INTERVAL_MS = 25;
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), randomBytes(300 * 1024)]).toString('base64');

export async function benchEndToEnd(): Promise<void> {
	const place = benchPlace('e2e');
	const server = await startInProcess({ ...benchServerEnv(place) });
	try {
		const citizen = await signInCitizen(server.base, '+97336000999');
		const agent = await signInStaff(server.base, 'agent.works');
		const outbox = local('bench-outbox');
		const inbox = local('bench-inbox');
		const push = outbox.replicate.to(remote(server.base, 'intake', citizen), { live: true, retry: true });
		const pull = inbox.replicate.from(remote(server.base, 'e_works', agent), { live: true, retry: true });
		for (const replication of [push, pull]) replication.on('error', (error: Error) => process.stderr.write(`replication: ${error.message}\n`));
		const sentAt = new Map<string, number>();
		const latencies: number[] = [];
		const done = new Promise<void>((resolve) => {
			inbox.changes({ live: true, since: 'now' }).on('change', (change: { id: string }) => {
				const started = sentAt.get(change.id);
				if (started === undefined) return;
				sentAt.delete(change.id);
				latencies.push(performance.now() - started);
				if (latencies.length === SUBMISSIONS) resolve();
			});
		});
		for (let i = 0; i < SUBMISSIONS; i++) {
			const photo = i % 3 === 0 ? { _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: PHOTO } } } : {};
			const doc = submitAction({ subject: `Bench ${i}`, ...photo });
			sentAt.set(`case:${doc.case_key}`, performance.now());
			await outbox.put(doc);
			await new Promise((r) => setTimeout(r, INTERVAL_MS));
		}
		await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('e2e bench timed out')), 120_000))]);
		await Promise.all(
			[push, pull].map(
				(r) =>
					new Promise((resolve) => {
						r.on('complete', resolve);
						r.cancel();
					})
			)
		);
		emit({ name: 'e2e.submit_to_inbox_p95_ms', value: Math.round(percentile(latencies, 95)), unit: 'ms', p50: Math.round(percentile(latencies, 50)), samples: latencies.length, target: 2000 });
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
