/** Duplicates linked to a primary case through the real server (issue 13): staff push `link`
 * through the gate, the engine checks both cases and records the link on each; the primary's
 * final reply answers and closes every linked case, each citizen gets their own rating SMS once,
 * even when the engine replays its whole feed after a restart; managers undo a link, agents
 * cannot; links across entities, to the case itself, or twice are refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { followUp, signInCitizen, signInStaff, startInProcess, settled, submitAction, tempDir, waitFor, type Session } from './harness.js';
import { push } from './rating-helpers.js';

let server: Awaited<ReturnType<typeof startInProcess>> | null = null;
const dataDir = tempDir();
const PHONES = ['+97336000701', '+97336000702', '+97336000703', '+97336000704'];
const who = {} as Record<'agent' | 'manager' | 'healthAgent', Session> & { citizens: Session[] };

const base = () => server!.base;
const caseOf = (key: string) => server!.store.use<CaseDoc>(DB.CASES).get(`case:${key}`);

async function fileCase(citizen: Session, subject: string): Promise<string> {
	const submit = submitAction({ subject, body: 'A deep pothole on Road 4417 by house 12 has damaged several cars this week.' });
	await push(base(), citizen, [submit]);
	await waitFor(() => caseOf(submit.case_key).then((c) => c.ref), 20_000, 'case routed');
	return submit.case_key;
}

/** Pushes one action as `session` and waits until the engine has decided it. */
async function act(session: Session, caseKey: string, kind: string, fields: Record<string, unknown> = {}) {
	const action = followUp(caseKey, kind, fields);
	await push(base(), session, [action]);
	await settled(server!);
	return action;
}

async function refusal(session: Session, actionId: string): Promise<string | undefined> {
	const db = server!.store.use<{ code: string }>(`u_${session.user.user_id}`);
	return waitFor(() => db.get(`rejection:${actionId}`).then((r) => r.code), 20_000, 'rejection');
}

async function ratingJobs(): Promise<Map<string, number>> {
	const jobs = await server!.store.use<{ purpose: string; to: string }>('sms').list({ include_docs: true, startkey: 'job:', endkey: 'job:\uffff' });
	const byPhone = new Map<string, number>();
	for (const row of jobs.rows) if (row.doc?.purpose === 'rating') byPhone.set(row.doc.to, (byPhone.get(row.doc.to) ?? 0) + 1);
	return byPhone;
}

beforeAll(async () => {
	server = await startInProcess({ DATA_DIR: dataDir });
	const [agent, manager, healthAgent, ...citizens] = await Promise.all([
		signInStaff(base(), 'agent.works'),
		signInStaff(base(), 'manager.works'),
		signInStaff(base(), 'agent.health'),
		...PHONES.map((phone) => signInCitizen(base(), phone))
	]);
	Object.assign(who, { agent, manager, healthAgent, citizens });
}, 90_000);
// Stopping waits for the engine, the aggregator and the SMS sender to finish what they hold.
afterAll(() => server?.stop(), 120_000);

describe('linking duplicates', () => {
	const keys = {} as Record<'primary' | 'second' | 'third' | 'alone', string>;

	beforeAll(async () => {
		keys.primary = await fileCase(who.citizens[0], 'Pothole on Road 4417');
		keys.second = await fileCase(who.citizens[1], 'Pothole Road 4417 house 12');
		keys.third = await fileCase(who.citizens[2], 'Road 4417 pothole again');
		keys.alone = await fileCase(who.citizens[3], 'Pothole near house 12');
	}, 90_000);

	it('records a link by an agent on both cases, and in the audit trail with who linked', async () => {
		const link = await act(who.agent, keys.second, 'link', { primary_key: keys.primary });
		await act(who.agent, keys.third, 'link', { primary_key: keys.primary });
		await settled(server!);
		const [primary, second] = await Promise.all([caseOf(keys.primary), caseOf(keys.second)]);
		expect(second.linked_to).toEqual({ case_key: keys.primary, ref: primary.ref });
		expect(primary.duplicates?.map((d) => d.case_key)).toEqual([keys.second, keys.third]);
		expect(second.timeline.at(-1)).toMatchObject({ kind: 'link', author_id: who.agent.user.user_id, primary_key: keys.primary });
		const audit = await (await fetch(`${base()}/api/audit?limit=50`, { headers: { cookie: who.manager.cookie } })).json();
		const entry = audit.entries.find((e: { id: string }) => e.id === `audit:${link._id}`);
		expect(entry).toMatchObject({ kind: 'link', outcome: 'applied', actor: { user_id: who.agent.user.user_id }, case_key: keys.second });
		// The citizen's copy says nothing of the other citizen's case.
		const mine = await server!.store.use<Record<string, unknown>>(`u_${who.citizens[1].user.user_id}`).get(`case:${keys.second}`);
		expect(JSON.stringify(mine)).not.toContain(keys.primary);
	});

	it.each([
		['itself', () => keys.alone, () => keys.alone, 'link_self'],
		['a case already linked', () => keys.second, () => keys.alone, 'already_linked'],
		['a primary that is a duplicate', () => keys.alone, () => keys.second, 'already_linked'],
		['a case that does not exist', () => keys.alone, () => '00000000-0000-4000-8000-000000000000', 'case_not_found']
	])('refuses a link to %s', async (_name, from, to, code) => {
		const link = await act(who.agent, from(), 'link', { primary_key: to() });
		expect(await refusal(who.agent, link._id)).toBe(code);
	});

	it('refuses a link to a case of another entity, as if it did not exist', async () => {
		const submit = submitAction({ category_id: 'health-appointments', subject: 'Pothole on Road 4417' });
		await push(base(), who.citizens[3], [submit]);
		await waitFor(() => caseOf(submit.case_key).then((c) => c.ref), 20_000, 'health case');
		const link = await act(who.agent, keys.alone, 'link', { primary_key: submit.case_key });
		expect(await refusal(who.agent, link._id)).toBe('case_not_found');
		const across = await act(who.healthAgent, submit.case_key, 'link', { primary_key: keys.alone });
		expect(await refusal(who.healthAgent, across._id)).toBe('case_not_found');
		expect((await caseOf(keys.alone)).linked_to).toBeUndefined();
	});

	it("refuses an agent's unlink and a transfer of a linked case", async () => {
		const unlink = await act(who.agent, keys.third, 'unlink');
		// The gate already refuses the kind from an agent: nothing reaches the case.
		expect((await caseOf(keys.third)).linked_to?.case_key).toBe(keys.primary);
		expect((await caseOf(keys.third)).applied).not.toContain(unlink._id);
		const transfer = await act(who.agent, keys.primary, 'transfer', { to_entity_id: 'health', reason: 'Not ours to fix' });
		expect(await refusal(who.agent, transfer._id)).toBe('case_linked');
	});

	it('lets a manager undo a link: the case stands alone again and the trail says who', async () => {
		const unlink = await act(who.manager, keys.third, 'unlink');
		await settled(server!);
		const [primary, third] = await Promise.all([caseOf(keys.primary), caseOf(keys.third)]);
		expect(third.linked_to).toBeUndefined();
		expect(third.timeline.at(-1)).toMatchObject({ kind: 'unlink', author_id: who.manager.user.user_id, primary_key: keys.primary });
		expect(primary.duplicates?.map((d) => d.case_key)).toEqual([keys.second]);
		const audit = await (await fetch(`${base()}/api/audit?limit=50`, { headers: { cookie: who.manager.cookie } })).json();
		expect(audit.entries.find((e: { id: string }) => e.id === `audit:${unlink._id}`)).toMatchObject({ kind: 'unlink', actor: { user_id: who.manager.user.user_id, role: 'manager' } });
	});

	it("answers and closes every linked case with the primary's final reply, one rating SMS per citizen, also after a full replay", async () => {
		const reply = await act(who.agent, keys.primary, 'reply', { body: 'The road crew filled the pothole on Road 4417 this morning.' });
		await waitFor(async () => ((await caseOf(keys.second)).status === 'closed' ? true : undefined), 20_000, 'linked case closed');
		await settled(server!);
		const [primary, second, third] = await Promise.all([caseOf(keys.primary), caseOf(keys.second), caseOf(keys.third)]);
		expect(primary.status).toBe('answered');
		expect(primary.timeline.find((e) => e.action_id === reply._id)?.answers).toEqual([keys.second]);
		const copied = second.timeline.at(-1)!;
		expect(copied).toMatchObject({ kind: 'reply', body: 'The road crew filled the pothole on Road 4417 this morning.', primary_key: keys.primary, author_id: who.agent.user.user_id });
		expect(second.sla.stopped_at).not.toBeNull();
		// The case unlinked before the reply was not answered by it.
		expect(third.status).toBe('open');
		const once = await ratingJobs();
		expect([once.get(PHONES[0]), once.get(PHONES[1]), once.get(PHONES[2])]).toEqual([1, 1, undefined]);
		// The citizen's own copy has the reply, and nothing of the primary case.
		const mine = await server!.store.use<CaseDoc>(`u_${who.citizens[1].user.user_id}`).get(`case:${keys.second}`);
		expect(mine.status).toBe('closed');
		expect(mine.timeline.at(-1)).toMatchObject({ kind: 'reply', action_id: copied.action_id });
		expect(JSON.stringify(mine)).not.toContain(keys.primary);

		// A restart that replays the whole feed derives every effect again: nothing is sent twice.
		await server!.stop();
		server = null;
		server = await startInProcess({ DATA_DIR: dataDir });
		const engineDb = server.store.use<{ _rev: string }>(DB.ENGINE);
		await server.engine.stop();
		const checkpoint = await engineDb.get('checkpoint:intake');
		await engineDb.destroy('checkpoint:intake', checkpoint._rev);
		server.engine.start();
		await settled(server);
		const again = await ratingJobs();
		expect([again.get(PHONES[0]), again.get(PHONES[1]), again.get(PHONES[2])]).toEqual([1, 1, undefined]);
		expect((await caseOf(keys.second)).timeline.filter((e) => e.kind === 'reply')).toHaveLength(1);
	}, 120_000);
});
