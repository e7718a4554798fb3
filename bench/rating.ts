/** rating.submit_p95_ms: a citizen's POST of the rating form through the real server — the
 * token looked up by its hash, the window checked, `rating:<reply>` created once, the `rate`
 * action and the dashboard fact written — measured from request to the thank-you page. */
import { signInCitizen, signInStaff, startInProcess } from '../tests/integration/harness.js';
import { followUp, submitAction } from '../tests/integration/harness.js';
import { listOutbox } from '../sync-server/src/sms/outbox.js';
import { form, GOOD, push, pullDoc } from '../tests/integration/rating-helpers.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

// Under the per-address brake of the link (120 POSTs a minute), as the bench posts from one address.
const RATINGS = Number(process.env.BENCH_RATINGS ?? 100);

export async function benchRating(): Promise<void> {
	const place = benchPlace('rating');
	const server = await startInProcess({ ...benchServerEnv(place), SMS_PER_NUMBER_PER_HOUR: '10000' });
	try {
		const phone = '+97336000998';
		const citizen = await signInCitizen(server.base, phone);
		const agent = await signInStaff(server.base, 'agent.works');
		const submits = Array.from({ length: RATINGS }, () => submitAction());
		await push(server.base, citizen, submits);
		await pullDoc(server.base, agent, 'e_works', `case:${submits.at(-1)!.case_key}`);
		await push(
			server.base,
			agent,
			submits.map((s) => followUp(s.case_key, 'reply', { body: 'Done.' }))
		);
		let tokens: string[] = [];
		const deadline = Date.now() + 120_000;
		while (tokens.length < RATINGS) {
			if (Date.now() > deadline) throw new Error('rating bench: invitations did not arrive');
			await new Promise((r) => setTimeout(r, 250));
			// Read in process: the development endpoint lists 100 at most.
			tokens = (await listOutbox(server.store, { phone, limit: 1000 })).flatMap((m) => /\/r\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1] ?? []);
		}
		const latencies: number[] = [];
		for (const token of tokens.slice(0, RATINGS)) {
			const start = performance.now();
			const response = await fetch(`${server.base}/r/${token}`, form({ ...GOOD, comment: 'Quick and clear.' }));
			await response.text();
			if (response.status !== 201) throw new Error(`rating bench: ${response.status}`);
			latencies.push(performance.now() - start);
		}
		emit({ name: 'rating.submit_p95_ms', value: Math.round(percentile(latencies, 95)), unit: 'ms', p50: Math.round(percentile(latencies, 50)), samples: latencies.length });
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
