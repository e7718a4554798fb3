/** gate.reject_oversize_ms: how long the gate takes to refuse a 60 MB `_bulk_docs` (time from the
 * request's start to the 413), and how much the server process's memory grows meanwhile
 * (gate.reject_oversize_rss_mb, peak resident size sampled during the requests minus before).
 * The server runs in this process; the client streams the 60 MB from one reused 64 KB buffer, so
 * what grows is the server's. Targets: < 100 ms, < 20 MB (ARCHITECTURE §3, hostile input). */
import { signInCitizen, startInProcess } from '../tests/integration/harness.js';
import { uploadHuge } from '../tests/security/gate-helpers.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 9);
const SIZE = 60 * 1024 * 1024;

const residentBytes = () => process.memoryUsage.rss();

export async function benchGate(): Promise<void> {
	const place = benchPlace('gate');
	const server = await startInProcess({ ...benchServerEnv(place) });
	try {
		const citizen = await signInCitizen(server.base, '+97336900001');
		// One refusal first, so lazily loaded code is not counted as growth.
		await uploadHuge(server.base, '/db/intake/_bulk_docs', citizen.cookie, SIZE);
		const before = residentBytes();
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, residentBytes())), 2);
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const outcome = await uploadHuge(server.base, '/db/intake/_bulk_docs', citizen.cookie, SIZE);
			if (outcome.status !== 413) throw new Error(`expected 413, got ${outcome.status}: ${outcome.body}`);
			times.push(outcome.ms);
		}
		clearInterval(sampler);
		// The same request with an empty list of actions: what any answer costs on this machine now.
		const baseline: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const started = performance.now();
			const response = await fetch(`${server.base}/db/intake/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: citizen.cookie }, body: '{"docs":[]}' });
			await response.text();
			baseline.push(performance.now() - started);
		}
		peak = Math.max(peak, residentBytes());
		emit({
			name: 'gate.reject_oversize_ms',
			value: Number(percentile(times, 50).toFixed(1)),
			unit: 'ms',
			max: Number(Math.max(...times).toFixed(1)),
			runs: RUNS,
			bytes: SIZE,
			target: 100,
			empty_request_ms: Number(percentile(baseline, 50).toFixed(1))
		});
		emit({ name: 'gate.reject_oversize_rss_mb', value: Number(((peak - before) / (1024 * 1024)).toFixed(1)), unit: 'MB', runs: RUNS, target: 20 });
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
