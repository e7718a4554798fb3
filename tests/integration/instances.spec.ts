/** Several servers on one store (issue 11 item 4, issue 10 finding 10): they start together,
 * take actions through all their gates, and the rules engine's lease makes every action count
 * exactly once, also when the instance holding the lease is killed with SIGKILL mid-burst. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { local, remote, signInCitizen, startChild, startInProcess, storeEnvOf, submitAction, tempDir, waitFor, type Child } from './harness.js';

const PER_CITIZEN = 500;
const CITIZENS = ['+97336100001', '+97336100002', '+97336100003', '+97336100004'];
const TOTAL = PER_CITIZEN * CITIZENS.length;
// Short so the surviving instance takes over within seconds of the kill.
const LEASE = { ENGINE_LEASE_MS: '5000', ENGINE_BATCH_SIZE: '50' };
const SHARED = { SECRETS_KEY: randomBytes(32).toString('base64') };

let first: Awaited<ReturnType<typeof startInProcess>> | null = null;
const children: Child[] = [];

afterAll(async () => {
	await Promise.all(children.map((c) => c.kill('SIGKILL')));
	await first?.stop();
});

interface Health {
	engine: { leader: boolean; processed: number; last_error: string | null; dead_letters: number };
}

const health = async (base: string): Promise<Health> => (await fetch(`${base}/healthz`)).json();

type CaseRow = { _id: string; ref: string; applied: string[]; rejected: string[]; timeline: { kind: string }[] };

describe('several instances on one store', () => {
	it('start together, share the work, and apply every action exactly once across a kill -9 of the leader', async () => {
		first = await startInProcess({ ...SHARED, ...LEASE });
		// Two more servers start at the same moment on the same store: neither may fail on the seed,
		// the accounts or the design documents the others are writing.
		const started = await Promise.all([1, 2].map((n) => startChild({ ...storeEnvOf(first!), ...SHARED, ...LEASE, DATA_DIR: tempDir(), ENGINE_INSTANCE: `child-${n}` })));
		children.push(...started);
		// Hand the feed from the in-process server to a child, the one this test can kill.
		await first.engine.stop();
		const leader = await waitFor(
			async () => {
				const states = await Promise.all(children.map(async (c) => ({ child: c, h: await health(c.base) })));
				const holding = states.filter((s) => s.h.engine.leader);
				return holding.length === 1 ? holding[0].child : undefined;
			},
			20_000,
			'a child to take the lease'
		);
		const survivor = children.find((c) => c !== leader)!;

		// Each citizen pushes through a different gate: the in-process server, the leader, the other child.
		const gates = [first.base, leader.base, survivor.base, first.base];
		const sessions = await Promise.all(CITIZENS.map((phone, i) => signInCitizen(gates[i], phone)));
		const outboxes = CITIZENS.map((_, i) => local(`instances-outbox-${i}`));
		const submitted = new Set<string>();
		for (const outbox of outboxes) {
			const docs = Array.from({ length: PER_CITIZEN }, () => submitAction());
			docs.forEach((d) => submitted.add(d._id));
			await outbox.bulkDocs(docs);
		}
		const pushes = outboxes.map((outbox, i) => outbox.replicate.to(remote(gates[i], 'intake', sessions[i])).catch(() => null));

		let last: Health | null = null;
		const before = await waitFor(
			async () => {
				last = await health(leader.base);
				return last.engine.processed >= 200 ? last.engine.processed : undefined;
			},
			60_000,
			'the leader to make progress'
		).catch((error) => {
			throw new Error(`${error.message}: ${JSON.stringify(last)}`);
		});
		await leader.kill('SIGKILL');
		// The kill must land while work is outstanding, or this test proves nothing.
		expect(before).toBeLessThan(TOTAL);
		await Promise.all(pushes);
		// Whatever did not reach the killed gate goes through the survivor's.
		await outboxes[1].replicate.to(remote(survivor.base, 'intake', sessions[1]));
		await Promise.all(outboxes.map((outbox, i) => (i === 1 ? null : outbox.replicate.to(remote(gates[i], 'intake', sessions[i])))));

		const cases = await waitFor(
			async () => {
				const all = await first!.store.use<CaseRow>('cases').list({ include_docs: true, startkey: 'case:', endkey: 'case:\uffff' });
				const docs = all.rows.map((r) => r.doc!);
				return docs.length === TOTAL ? docs : undefined;
			},
			150_000,
			'every case'
		);
		const h = await health(survivor.base);
		expect(h.engine.leader).toBe(true);
		expect(h.engine.dead_letters).toBe(0);

		const refs = cases.map((c) => c.ref);
		expect(new Set(refs).size).toBe(TOTAL);
		expect(refs.every(isValidReference)).toBe(true);
		for (const c of cases) {
			expect(c.applied.filter((id) => submitted.has(id))).toHaveLength(1);
			expect(c.rejected).toHaveLength(0);
			expect(c.timeline.filter((e) => e.kind === 'submit')).toHaveLength(1);
		}
		// Every citizen's own database holds exactly their cases, once each.
		for (const [i, session] of sessions.entries()) {
			const gate = i === 1 ? survivor.base : gates[i];
			const mirror = local(`instances-mirror-${i}`);
			await mirror.replicate.from(remote(gate, `u_${session.user.user_id}`, session));
			const mine = await mirror.allDocs({ startkey: 'case:', endkey: 'case:\uffff' });
			expect(mine.rows).toHaveLength(PER_CITIZEN);
		}
	}, 300_000);
});
