/** One agent, two devices, both offline, acting on the same case: when they come back every
 * action is either applied or refused with a reason the agent can read — none is dropped — and
 * the replicas end with one revision of the case, no conflicts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336000333');
});

afterAll(async () => {
	await server?.stop();
});

function device(session: Session) {
	const outbox = local('outbox');
	const inbox = local('inbox');
	const own = local('own');
	return {
		outbox,
		inbox,
		own,
		pull: async () => {
			await inbox.replicate.from(remote(server.base, 'e_works', session));
			await own.replicate.from(remote(server.base, `u_${session.user.user_id}`, session));
		},
		push: () => outbox.replicate.to(remote(server.base, 'intake', session))
	};
}

describe('two devices of one agent', () => {
	it('applies or refuses every offline action, and the replicas never conflict', async () => {
		const submit = submitAction();
		const citizenOutbox = local('citizen');
		await citizenOutbox.put(submit);
		await citizenOutbox.replicate.to(remote(server.base, 'intake', citizen));

		const phone = device(await signInStaff(server.base, 'agent.works'));
		const laptop = device(await signInStaff(server.base, 'agent.works'));
		const caseId = `case:${submit.case_key}`;
		for (const d of [phone, laptop]) {
			await waitFor(async () => {
				await d.pull();
				return d.inbox.get(caseId).catch(() => undefined);
			});
		}

		// Both offline. The phone answers and closes; the laptop, not knowing, adds a note and asks for information.
		const reply = followUp(submit.case_key, 'reply', { body: 'The crew repaired it this morning.' });
		const close = followUp(submit.case_key, 'close', { body: 'Repaired.' });
		const note = followUp(submit.case_key, 'note', { body: 'Check again after the rain.' });
		const ask = followUp(submit.case_key, 'request_info', { body: 'Is the pothole still there?' });
		await phone.outbox.bulkDocs([reply, close]);
		await laptop.outbox.bulkDocs([note, ask]);

		await phone.push();
		await waitFor(async () => {
			await phone.pull();
			const doc = await phone.inbox.get(caseId);
			return doc.status === 'closed' ? doc : undefined;
		});
		await laptop.push();

		const settled = await waitFor(async () => {
			await laptop.pull();
			const doc = await laptop.inbox.get(caseId, { conflicts: true });
			const refusal = await laptop.own.get(`rejection:${ask._id}`).catch(() => undefined);
			return refusal ? { doc, refusal } : undefined;
		});
		expect(settled.doc.status).toBe('closed');
		expect(settled.doc._conflicts).toBeUndefined();
		expect(settled.doc.applied).toEqual(expect.arrayContaining([submit._id, reply._id, close._id]));
		// A closed case takes nothing more: both late actions come back refused, with the reason.
		expect(settled.refusal.code).toBe('invalid_transition');
		const noteRefusal = await laptop.own.get(`rejection:${note._id}`);
		expect(noteRefusal.code).toBe('invalid_transition');
		// The phone sees the laptop's refusals too: they belong to the person, not the device.
		await phone.pull();
		await expect(phone.own.get(`rejection:${ask._id}`)).resolves.toMatchObject({ code: 'invalid_transition' });
		for (const action of [reply, close, note, ask]) {
			const refused = await laptop.own.get(`rejection:${action._id}`).then(
				() => true,
				() => false
			);
			expect(settled.doc.applied.includes(action._id) !== refused).toBe(true);
		}
	});
});
