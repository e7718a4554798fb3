/** Hostile staff against the duplicate links (issue 13): the server's own kinds and fields pushed
 * by a device, chosen and oversized case keys, the server's id namespace, an agent undoing a link,
 * and two links of one case raced in parallel. The gate refuses what is not a link's shape; the
 * engine decides the rest, and keeps advancing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverActionId } from '../../sync-server/src/gate/action-ids.js';
import { followUp, settled, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness';
import { caseOf, engineAdvances, expectRefused, pushRaw, type Server } from './gate-helpers';

let server: Server;
let citizen: Session;
let agent: Session;
let manager: Session;
const keys: string[] = [];

beforeAll(async () => {
	server = await startInProcess();
	[citizen, agent, manager] = await Promise.all([signInCitizen(server.base, '+97336300801'), signInStaff(server.base, 'agent.works'), signInStaff(server.base, 'manager.works')]);
	const submits = Array.from({ length: 4 }, (_, i) => submitAction({ subject: `Duplicate attack case ${i}` }));
	expect((await pushRaw(server.base, citizen, submits)).status).toBe(201);
	for (const s of submits) keys.push(s.case_key);
	await Promise.all(keys.map((key) => waitFor(() => caseOf(server, key), 30_000, 'case')));
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

describe('duplicate links from a hostile device', () => {
	it("refuses the server's kinds and fields, chosen keys and the server's ids at the gate", async () => {
		const attempts: [Session, Record<string, unknown>, string | RegExp][] = [
			[manager, followUp(keys[0], 'duplicate_added', { duplicate_key: keys[1] }), /not_allowed|forbidden/],
			[agent, followUp(keys[0], 'duplicate_removed', { duplicate_key: keys[1] }), /not_allowed|forbidden/],
			[agent, followUp(keys[0], 'unlink'), /not_allowed|forbidden/],
			[agent, followUp(keys[1], 'reply', { body: "A reply posing as the primary's copy.", primary_key: keys[0] }), 'unknown_field'],
			[agent, followUp(keys[1], 'link', { primary_key: `case:${keys[0]}` }), 'invalid_format'],
			[agent, followUp(keys[1], 'link', { primary_key: '../../_users' }), 'invalid_format'],
			[agent, followUp(keys[1], 'link', { primary_key: 'a'.repeat(200_000) }), /invalid_format|too_large|payload_too_large/],
			[agent, followUp(keys[1], 'link', { primary_key: { $gt: null } }), 'invalid_format'],
			[agent, followUp(keys[1], 'link', { primary_key: keys[0], duplicate_key: keys[2] }), 'unknown_field'],
			[agent, followUp(keys[1], 'link'), 'required'],
			[agent, { ...followUp(keys[1], 'link', { primary_key: keys[0] }), _id: serverActionId(`reply:x:${keys[1]}`) }, /reserved_id|invalid_format/]
		];
		for (const [session, doc, reason] of attempts) {
			const answer = await pushRaw(server.base, session, [doc]);
			await expectRefused(server, answer, [String(doc._id)], reason);
		}
		await engineAdvances(server, citizen, 'after refused links');
		for (const key of keys) expect((await caseOf(server, key))!.linked_to).toBeUndefined();
	});

	it('decides two links of one case raced in parallel once: one applied, the other already_linked', async () => {
		const first = followUp(keys[3], 'link', { primary_key: keys[0] });
		const second = followUp(keys[3], 'link', { primary_key: keys[1] });
		const answers = await Promise.all([pushRaw(server.base, agent, [first]), pushRaw(server.base, manager, [second])]);
		for (const answer of answers) expect(answer.results[0]?.ok, answer.text).toBe(true);
		await settled(server);
		const linked = (await caseOf(server, keys[3]))!;
		const winner = linked.linked_to.case_key === keys[0] ? first : second;
		const loser = winner === first ? second : first;
		expect(linked.applied).toContain(winner._id);
		expect(linked.rejected).toContain(loser._id);
		const primaries = await Promise.all([caseOf(server, keys[0]), caseOf(server, keys[1])]);
		expect(primaries.flatMap((p) => p!.duplicates ?? []).map((d: { case_key: string }) => d.case_key)).toEqual([keys[3]]);
	});
});
