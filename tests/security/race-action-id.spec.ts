/** Issue 10, findings 3 and 4: one action id holds one body whatever the concurrency, and no
 * device can write into the server's own id space. Twenty writers race on raw `_bulk_docs`
 * (both protocols) and through real PouchDB replication; afterwards `intake` holds exactly one
 * revision of the id, no conflict, and every writer but the winner was told `duplicate_action`. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import { serverActionId } from '../../sync-server/src/gate/action-ids.js';
import { answeredCase, form, GOOD } from '../integration/rating-helpers.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;
let agent: Session;

const WRITERS = 20;
const RATING_PHONE = '+97336100101';

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, RATING_PHONE);
	agent = await signInStaff(server.base, 'agent.works');
});

afterAll(async () => {
	await server?.stop();
});

async function bulkDocs(session: Session, docs: unknown[], newEdits: boolean): Promise<{ status: number; body: unknown }> {
	const response = await fetch(`${server.base}/db/intake/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body: JSON.stringify({ docs, new_edits: newEdits })
	});
	return { status: response.status, body: await response.json() };
}

/** What the store holds under the id: every leaf revision, conflicts included. */
async function storedRevisions(id: string): Promise<{ winner: Record<string, unknown>; leaves: string[] }> {
	const response = await server.store.fetch(`/intake/${encodeURIComponent(id)}?open_revs=all`, { headers: { accept: 'application/json' } });
	const leaves = (await response.json()) as { ok?: Record<string, unknown> }[];
	const winner = (await (await server.store.fetch(`/intake/${encodeURIComponent(id)}`)).json()) as Record<string, unknown>;
	return { winner, leaves: leaves.filter((l) => l.ok).map((l) => String(l.ok!._rev)) };
}

/** A device-style first revision of `doc`, as PouchDB would send it with new_edits=false. */
function asReplicated(doc: Record<string, unknown>, n: number) {
	const hash = (n + 1).toString(16).padStart(32, '0');
	return { ...doc, _rev: `1-${hash}`, _revisions: { start: 1, ids: [hash] } };
}

describe('one action id, one body (finding 4)', () => {
	it.each([
		['new_edits=false (replication)', false],
		['new_edits=true', true]
	])('twenty parallel writers with different bodies, %s: one wins, the rest are duplicate_action', async (_label, newEdits) => {
		const base = submitAction();
		const bodies = Array.from({ length: WRITERS }, (_, n) => ({ ...base, subject: `Pothole number ${n} on Road 42` }));
		const answers = await Promise.all(bodies.map((doc, n) => bulkDocs(citizen, [newEdits ? doc : asReplicated(doc, n)], newEdits)));
		for (const answer of answers) expect(answer.status).toBe(201);

		const { winner, leaves } = await storedRevisions(base._id);
		expect(leaves).toHaveLength(1);
		const refused = answers.filter((a) => (a.body as { reason?: string }[]).some((r) => r.reason === 'duplicate_action'));
		expect(refused).toHaveLength(WRITERS - 1);
		// The writer that was not refused is the one whose body is stored.
		const winnerIndex = answers.findIndex((a) => !refused.includes(a));
		expect(winner.subject).toBe(`Pothole number ${winnerIndex} on Road 42`);
	});

	it('the same body sent again by twenty writers at once is one action and twenty successes', async () => {
		const doc = submitAction();
		const answers = await Promise.all(Array.from({ length: WRITERS }, () => bulkDocs(citizen, [doc], true)));
		const results = answers.map((a) => (a.body as { ok?: boolean; error?: string }[])[0]);
		expect(results.every((r) => r.ok === true && !r.error)).toBe(true);
		expect((await storedRevisions(doc._id)).leaves).toHaveLength(1);
	});

	it('twenty devices replicating one id with different bodies through PouchDB leave one revision', async () => {
		const base = submitAction();
		const devices = Array.from({ length: WRITERS }, () => local('outbox'));
		await Promise.all(devices.map((db, n) => db.put({ ...base, body: `Device ${n} says the pothole near the school gate is deep.` })));
		const outcomes = await Promise.all(devices.map((db) => db.replicate.to(remote(server.base, 'intake', citizen)).catch((e: Error) => e)));
		for (const outcome of outcomes) expect(outcome).not.toBeInstanceOf(Error);
		const { leaves, winner } = await storedRevisions(base._id);
		expect(leaves).toHaveLength(1);
		expect(String(winner.body)).toMatch(/^Device \d+ says/);
		// The engine takes the one body in: the case exists once, with that text.
		const caseDoc = await waitFor(
			() =>
				server.store
					.use('cases')
					.get(`case:${base.case_key}`)
					.catch(() => undefined),
			20_000,
			'case'
		);
		expect(caseDoc.body).toBe(winner.body);
	});
});

describe('ordinary replication still delivers once', () => {
	it('a device pushes, then pushes again from scratch: nothing is sent twice', async () => {
		const outbox = local('outbox');
		const docs = [submitAction(), submitAction()];
		await outbox.bulkDocs(docs);
		const first = await outbox.replicate.to(remote(server.base, 'intake', citizen));
		expect(first.docs_written).toBe(2);
		// A new replication (no checkpoint shared) asks _revs_diff: everything is already there.
		const again = await outbox.replicate.to(remote(server.base, 'intake', citizen), { checkpoint: false });
		expect(again.docs_written).toBe(0);
		for (const doc of docs) expect((await storedRevisions(doc._id)).leaves).toHaveLength(1);
	});
});

describe("the server's id space (finding 3)", () => {
	it('refuses an action under an id of the server namespace, from any role and either protocol', async () => {
		const reply = `act:${randomUUID()}`;
		const note = {
			_id: serverActionId(`rate:${reply}`),
			type: 'action',
			kind: 'note',
			case_key: randomUUID(),
			client_time: new Date().toISOString(),
			device_id: 'x',
			body: 'taking the rating id first'
		};
		for (const [session, doc] of [
			[agent, note],
			[citizen, { ...note, kind: 'provide_info' }]
		] as const) {
			const plain = await bulkDocs(session, [doc], true);
			expect((plain.body as { reason?: string }[])[0]).toMatchObject({ error: 'forbidden' });
			const replicated = await bulkDocs(session, [asReplicated(doc, 1)], false);
			expect((replicated.body as { error?: string }[])[0]).toMatchObject({ error: 'forbidden' });
		}
		const stored = await server.store.fetch(`/intake/${encodeURIComponent(note._id)}`);
		expect(stored.status).toBe(404);
	});
});

describe('a rating the agent tried to pre-empt (finding 3)', () => {
	it('the agent cannot write the rating id first, and the citizen is told "rated" only once the rating is there', async () => {
		const answered = await answeredCase(server.base, citizen, agent, RATING_PHONE);
		for (const seed of [`rate:${answered.replyId}`, `reopen:${answered.replyId}`]) {
			const note = { _id: serverActionId(seed), type: 'action', kind: 'note', case_key: answered.caseKey, client_time: new Date().toISOString(), device_id: 'x', body: 'first' };
			const [refused] = (await bulkDocs(agent, [note], true)).body as { error?: string; reason?: string }[];
			expect(refused).toMatchObject({ error: 'forbidden', reason: 'reserved_id' });
		}
		const rated = await fetch(`${server.base}/r/${answered.token}`, form(GOOD));
		expect(rated.status).toBe(201);
		const stored = await server.store.use<{ kind: string; reply_action_id: string }>('intake').get(serverActionId(`rate:${answered.replyId}`));
		expect(stored).toMatchObject({ kind: 'rate', reply_action_id: answered.replyId });
		// The engine takes the rating into the case: nothing made it vanish.
		await waitFor(
			async () => {
				const caseDoc = await server.store.use<{ applied: string[] }>('cases').get(`case:${answered.caseKey}`);
				return caseDoc.applied.includes(stored._id) ? true : undefined;
			},
			20_000,
			'rating applied'
		);
	});
});
