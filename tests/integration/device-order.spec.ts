/** Replication sends one upload's documents in no particular order; the gate writes them in the
 * order the device made them, so the rules engine applies a note before the reply that followed
 * it even when the feed hands it one change at a time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let citizen: Session;
let agent: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336000555');
	agent = await signInStaff(server.base, 'agent.works');
});

afterAll(async () => {
	await server?.stop();
});

describe('device order', () => {
	it('writes one upload in the order its actions were made, whatever order it arrives in', async () => {
		const submit = submitAction();
		const outbox = local('outbox');
		await outbox.put(submit);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const note = followUp(submit.case_key, 'note', { body: 'Ask the depot first.', client_time: '2026-01-01T10:00:00.000Z' });
		const reply = followUp(submit.case_key, 'reply', { body: 'Repaired today.', client_time: '2026-01-01T10:00:05.000Z' });
		const ask = followUp(submit.case_key, 'request_info', { body: 'Which lamp post?', client_time: '2026-01-01T10:00:03.000Z' });
		const response = await fetch(`${server.base}/db/intake/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: agent.cookie },
			body: JSON.stringify({ docs: [reply, note, ask].map((d) => ({ ...d, _rev: `1-${'a'.repeat(32)}` })), new_edits: false })
		});
		expect(response.status).toBe(201);
		const intake = await server.store.use('intake').changes({ since: 0 } as never);
		const order = (intake.results as { id: string }[]).map((r) => r.id).filter((id) => [note._id, reply._id, ask._id].includes(id));
		expect(order).toEqual([note._id, ask._id, reply._id]);
		const view = local('inbox');
		const settled = await waitFor(async () => {
			await view.replicate.from(remote(server.base, 'e_works', agent));
			const doc = await view.get(`case:${submit.case_key}`);
			return doc.timeline.length === 4 ? doc : undefined;
		});
		expect(settled.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'note', 'request_info', 'reply']);
	});
});
