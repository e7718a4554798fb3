/** The case lifecycle end to end: real server, embedded store, real PouchDB replication
 * through the gate, as the citizen's and the agent's devices do it. */
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;
let agent: Session;
let otherAgent: Session;
let manager: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336000111');
	agent = await signInStaff(server.base, 'agent.works');
	otherAgent = await signInStaff(server.base, 'agent.health');
	manager = await signInStaff(server.base, 'manager.works');
});

afterAll(async () => {
	await server?.stop();
});

/** Pushes actions the way the PWA does: put them in a local outbox, replicate to intake. */
async function push(session: Session, docs: Record<string, unknown>[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	const result = await outbox.replicate.to(remote(server.base, 'intake', session));
	return result;
}

async function pullCase(session: Session, db: string, caseKey: string, predicate: (doc: any) => boolean = () => true) {
	const mirror = local('mirror');
	return waitFor(
		async () => {
			await mirror.replicate.from(remote(server.base, db, session));
			const doc = await mirror.get(`case:${caseKey}`).catch(() => undefined);
			return doc && predicate(doc) ? doc : undefined;
		},
		15_000,
		`case ${caseKey} in ${db}`
	);
}

describe('case lifecycle through the gate', () => {
	it('routes a submission to the entity with a reference and a due date, and carries the reply back', async () => {
		const submit = submitAction();
		await push(citizen, [submit]);
		const mine = await pullCase(
			citizen,
			citizen.user.databases.pull.find((d) => d.startsWith('u_'))!,
			submit.case_key
		);
		expect(isValidReference(mine.ref)).toBe(true);
		expect(mine.status).toBe('open');
		expect(mine.entity_id).toBe('works');
		expect(new Date(mine.sla.due_at).getTime()).toBeGreaterThan(new Date(mine.sla.started_at).getTime() + 5 * 86_400_000);
		expect(mine.applied).toContain(submit._id);

		const inbox = await pullCase(agent, 'e_works', submit.case_key);
		expect(inbox.ref).toBe(mine.ref);
		expect(inbox.citizen_id).toBe(citizen.user.user_id);

		const note = followUp(submit.case_key, 'note', { body: 'Crew from the northern depot can check it.' });
		const reply = followUp(submit.case_key, 'reply', { body: 'A crew will repair the pothole on Tuesday.' });
		await push(agent, [note, reply]);
		const answered = await pullCase(citizen, `u_${citizen.user.user_id}`, submit.case_key, (d) => d.status === 'answered');
		expect(answered.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'reply']);
		expect(answered.sla.stopped_at).toBeTruthy();
		expect(JSON.stringify(answered)).not.toContain('northern depot');
		const staffView = await pullCase(agent, 'e_works', submit.case_key, (d) => d.status === 'answered');
		expect(staffView.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'note', 'reply']);
	});

	it('pauses the clock while waiting for the citizen and resumes it on the answer', async () => {
		const submit = submitAction();
		await push(citizen, [submit]);
		await pullCase(agent, 'e_works', submit.case_key);
		await push(agent, [followUp(submit.case_key, 'request_info', { body: 'Which side of the road is it on?' })]);
		const waiting = await pullCase(citizen, `u_${citizen.user.user_id}`, submit.case_key, (d) => d.status === 'awaiting_citizen');
		expect(waiting.sla.paused_at).toBeTruthy();
		await push(citizen, [followUp(submit.case_key, 'provide_info', { body: 'The eastbound side, by the bus stop.' })]);
		const resumed = await pullCase(agent, 'e_works', submit.case_key, (d) => d.status === 'open');
		expect(resumed.sla.paused_at).toBeNull();
		expect(new Date(resumed.sla.due_at).getTime()).toBeGreaterThanOrEqual(new Date(waiting.sla.due_at).getTime());
	});

	it('moves a transferred case out of the first entity and into the second', async () => {
		const submit = submitAction();
		await push(citizen, [submit]);
		await pullCase(agent, 'e_works', submit.case_key);
		await push(agent, [followUp(submit.case_key, 'transfer', { to_entity_id: 'health', reason: 'Standing water by a clinic: public health.' })]);
		const moved = await pullCase(otherAgent, 'e_health', submit.case_key);
		expect(moved.entity_id).toBe('health');
		const works = local('works-mirror');
		await works.replicate.from(remote(server.base, 'e_works', agent));
		await expect(works.get(`case:${submit.case_key}`)).rejects.toMatchObject({ status: 404 });
	});

	it('answers a refused action with a rejection the author can read, and keeps the case unchanged', async () => {
		const bad = submitAction({ category_id: 'no-such-category' });
		await push(citizen, [bad]);
		const mirror = local('rejections');
		const rejection = await waitFor(async () => {
			await mirror.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
			return mirror.get(`rejection:${bad._id}`).catch(() => undefined);
		});
		expect(rejection.code).toBe('unknown_category');

		const submit = submitAction();
		await push(citizen, [submit]);
		await pullCase(agent, 'e_works', submit.case_key);
		const fromWrongEntity = followUp(submit.case_key, 'reply', { body: 'Not ours to answer.' });
		await push(otherAgent, [fromWrongEntity]);
		const refused = await waitFor(async () => {
			const own = local('own');
			await own.replicate.from(remote(server.base, `u_${otherAgent.user.user_id}`, otherAgent));
			return own.get(`rejection:${fromWrongEntity._id}`).catch(() => undefined);
		});
		expect(refused.code).toBe('not_allowed');
	});

	it('moves a suggestion through study to implemented, tells the citizen, and refuses a skipped step', async () => {
		const submit = submitAction({ case_type: 'suggestion', subject: 'Shade over bus stops', body: 'Bus stops on Road 40 have no shade; people wait in the sun in summer.' });
		await push(citizen, [submit]);
		await pullCase(agent, 'e_works', submit.case_key);
		// Issue 14: the entity's managers decide on suggestions.
		const today = localDateOf(new Date(), 'Asia/Bahrain');
		const skipped = followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'implemented', body: 'Shades were installed.', implemented_on: today });
		await push(manager, [skipped]);
		const refused = await waitFor(async () => {
			const own = local('own-suggestion');
			await own.replicate.from(remote(server.base, `u_${manager.user.user_id}`, manager));
			return own.get(`rejection:${skipped._id}`).catch(() => undefined);
		});
		expect(refused.code).toBe('invalid_transition');

		await push(manager, [followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'under_study' })]);
		await pullCase(agent, 'e_works', submit.case_key, (d) => d.suggestion_state === 'under_study');
		await push(agent, [followUp(submit.case_key, 'reply', { body: 'Thank you; the roads directorate is studying it.' })]);
		await pullCase(agent, 'e_works', submit.case_key, (d) => d.suggestion_state === 'under_study' && d.status === 'answered');
		await push(agent, [followUp(submit.case_key, 'close', {})]);
		await pullCase(agent, 'e_works', submit.case_key, (d) => d.status === 'closed');
		// Months later, on the closed case.
		await push(manager, [
			followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'accepted', target_date: today }),
			followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'implemented', body: 'Shades were installed at 40 stops.', implemented_on: today })
		]);
		const mine = await pullCase(citizen, `u_${citizen.user.user_id}`, submit.case_key, (d) => d.suggestion_state === 'implemented');
		expect(mine.status).toBe('closed');
		const steps = mine.timeline.filter((e: { kind: string }) => e.kind === 'suggestion_status');
		expect(steps.map((e: { suggestion_state: string }) => e.suggestion_state)).toEqual(['under_study', 'accepted', 'implemented']);
		expect(steps[2].body).toBe('Shades were installed at 40 stops.');

		// The citizen cannot move their own suggestion.
		const own = followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'declined' });
		const pushed = await push(citizen, [own]);
		expect(pushed.docs_written).toBe(0);
	});
});
