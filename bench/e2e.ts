/** e2e.submit_to_inbox_p95_ms: online, a submission put into a citizen device's outbox, pushed
 * by live PouchDB replication through the gate, routed by the engine, and pulled live into an
 * agent device's replica of the entity database, on the store the bench runs on (COUCHDB_URL, else
 * embedded). A third of the submissions carry a ~300 KB photo. */
import sharp from 'sharp';
import { startInProcess, signInCitizen, signInStaff, remote, local, submitAction } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const SUBMISSIONS = Number(process.env.BENCH_E2E_SUBMISSIONS ?? 200);
/** Time between two submissions (BENCH_E2E_INTERVAL_MS): 25 ms is 40 a second. */
const INTERVAL_MS = Number(process.env.BENCH_E2E_INTERVAL_MS ?? 25);
/** BENCH_PHOTO_KB=0, as for `rules`: no photos. */
const WITH_PHOTOS = process.env.BENCH_PHOTO_KB !== '0';

/** A real JPEG of about 300 KB (1,600 × 1,200, grain on every pixel): the gate decodes and
 * re-encodes every photo, so anything less than an image is refused there. */
async function photo(): Promise<string> {
	const create = { width: 1600, height: 1200, channels: 3 as const, background: { r: 120, g: 150, b: 190 }, noise: { type: 'gaussian' as const, mean: 128, sigma: 16 } };
	return (await sharp({ create }).jpeg({ quality: 70 }).toBuffer()).toString('base64');
}

export async function benchEndToEnd(): Promise<void> {
	const place = benchPlace('e2e');
	const server = await startInProcess({ ...benchServerEnv(place) });
	const jpeg = await photo();
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
			const files = WITH_PHOTOS && i % 3 === 0 ? { _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: jpeg } } } : {};
			const doc = submitAction({ subject: `Bench ${i}`, ...files });
			sentAt.set(`case:${doc.case_key}`, performance.now());
			await outbox.put(doc);
			await new Promise((r) => setTimeout(r, INTERVAL_MS));
		}
		await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`e2e bench timed out: ${latencies.length} of ${SUBMISSIONS} reached the inbox`)), 120_000))]);
		await Promise.all(
			[push, pull].map(
				(r) =>
					new Promise((resolve) => {
						r.on('complete', resolve);
						r.cancel();
					})
			)
		);
		emit({
			name: 'e2e.submit_to_inbox_p95_ms',
			value: Math.round(percentile(latencies, 95)),
			unit: 'ms',
			p50: Math.round(percentile(latencies, 50)),
			samples: latencies.length,
			interval_ms: INTERVAL_MS,
			photos: WITH_PHOTOS ? Math.ceil(SUBMISSIONS / 3) : 0,
			target: 1000
		});
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
