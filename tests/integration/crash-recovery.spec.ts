/** A kill -9 of the server while the rules engine is in the middle of a burst, then a restart
 * on the same data: every submission becomes exactly one case with one reference number. */
import { afterAll, describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { crashMidBurst, local, remote, tempDir, waitFor, type Child } from './harness.js';

const BURST = 600;
let child: Child | null = null;

afterAll(async () => {
	await child?.kill('SIGKILL');
});

describe('crash recovery', () => {
	it('routes every case exactly once across a kill -9 in the middle of processing', async () => {
		const dataDir = tempDir();
		// Small batches so the kill lands between and inside batches, not after one big one.
		const env = { DATA_DIR: dataDir, ENGINE_BATCH_SIZE: '25', ENGINE_INSTANCE: 'crash-test' };
		const { citizen, docs, processedAtKill } = await crashMidBurst({ env, phone: '+97336000222', outbox: 'crash-outbox', burst: BURST, killAfter: 50, started: (started) => (child = started) });
		// The kill must land while work is still outstanding, or this test proves nothing.
		expect(processedAtKill).toBeLessThan(BURST);

		const mirror = local('crash-mirror');
		const cases = await waitFor(
			async () => {
				const response = await fetch(`${child!.base}/healthz`);
				const health = await response.json();
				if (health.engine.last_error) return undefined;
				// Read through the citizen's own database, as their device would.
				await mirror.replicate.from(remote(child!.base, `u_${citizen.user.user_id}`, citizen));
				const all = await mirror.allDocs({ include_docs: true, startkey: 'case:', endkey: 'case:\uffff' });
				return all.rows.length === BURST ? all.rows.map((r: { doc: unknown }) => r.doc) : undefined;
			},
			90_000,
			'all cases after restart'
		);
		const refs = cases.map((c: { ref: string }) => c.ref);
		expect(new Set(refs).size).toBe(BURST);
		expect(refs.every(isValidReference)).toBe(true);
		const submitIds = new Set(docs.map((d) => d._id));
		for (const c of cases as { applied: string[]; timeline: { kind: string }[] }[]) {
			expect(c.applied.filter((id) => submitIds.has(id))).toHaveLength(1);
			expect(c.timeline.filter((e) => e.kind === 'submit')).toHaveLength(1);
		}
	}, 180_000);
});
