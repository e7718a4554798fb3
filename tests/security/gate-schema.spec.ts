/** Issue 10, finding 7 (a location with an extra 3 MB field reached entity databases) and the
 * smaller points of finding 11 the gate answers: bidi controls in text, and the intake
 * database's figures shown to any signed-in person. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUp, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness';
import { caseOf, engineAdvances, expectRefused, pushRaw, stored, type Server } from './gate-helpers';

let server: Server;
let citizen: Session;
let agent: Session;
let caseKey: string;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336300001');
	agent = await signInStaff(server.base, 'agent.works');
	const first = submitAction({ subject: 'Schema case', body: 'The case the follow-ups of this file are about.' });
	expect((await pushRaw(server.base, citizen, [first])).results[0].ok).toBe(true);
	caseKey = first.case_key;
	await waitFor(() => caseOf(server, caseKey), 30_000, 'schema case');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

describe('one strict schema per action kind', () => {
	it('a location with extra fields is refused, small or large, and a valid one is stored exactly', async () => {
		const small = submitAction({ location: { lat: 26.2, lng: 50.5, accuracy: 3 } });
		const large = submitAction({ location: { lat: 26.2, lng: 50.5, pad: 'x'.repeat(3 * 1024 * 1024) } });
		const nested = submitAction({ location: { lat: 26.2, lng: { deg: 50, min: 30 } } });
		const valid = submitAction({ subject: 'Exact location', location: { lat: 26.2235, lng: 50.5876 } });
		const [a, b, c, d] = await Promise.all([small, large, nested, valid].map((doc) => pushRaw(server.base, citizen, [doc])));
		await expectRefused(server, a, [small._id], 'unknown_field');
		expect(a.results[0].field).toBe('location.accuracy');
		await expectRefused(server, b, [large._id], 'payload_too_large');
		await expectRefused(server, c, [nested._id], 'invalid_location');
		expect(d.results[0].ok, d.text).toBe(true);
		await waitFor(() => caseOf(server, valid.case_key), 30_000, 'valid location');
		const projected = await waitFor(() => stored(server, 'e_works', `case:${valid.case_key}`), 30_000, 'entity copy');
		expect(projected.location).toEqual({ lat: 26.2235, lng: 50.5876 });
		for (const doc of [small, large, nested]) expect(await stored(server, 'e_works', `case:${doc.case_key}`)).toBeUndefined();
	});

	it('every kind refuses a field it does not have, and the valid twin pushed beside it is applied', async () => {
		const citizenKinds = [
			submitAction({ priority: 'urgent' }),
			followUp(caseKey, 'reopen', { reason: 'Still broken.', reply_action_id: 'act:x' }),
			followUp(caseKey, 'provide_info', { body: 'More details.', subject: 'Changed subject' })
		];
		const agentKinds = [
			followUp(caseKey, 'note', { body: 'Internal.', visibility: 'public' }),
			followUp(caseKey, 'request_info', { body: 'Which road?', due_at: '2030-01-01T00:00:00Z' }),
			followUp(caseKey, 'reply', { body: 'Answer.', status: 'closed' }),
			followUp(caseKey, 'transfer', { to_entity_id: 'health', reason: 'Theirs.', sla: { due_at: 'never' } }),
			followUp(caseKey, 'close', { body: 'Done.', ref: '26-000001-1' }),
			followUp(caseKey, 'suggestion_status', { suggestion_state: 'accepted', case_type: 'suggestion' })
		];
		const twin = followUp(caseKey, 'note', { body: 'A valid note beside the refused ones.' });
		const answers = await Promise.all([
			...citizenKinds.map((doc) => pushRaw(server.base, citizen, [doc])),
			...agentKinds.map((doc) => pushRaw(server.base, agent, [doc])),
			pushRaw(server.base, agent, [twin])
		]);
		for (const [i, doc] of [...citizenKinds, ...agentKinds].entries()) await expectRefused(server, answers[i], [doc._id], 'unknown_field');
		expect(answers.at(-1)!.results[0].ok).toBe(true);
		const after = await waitFor(
			async () => {
				const doc = await caseOf(server, caseKey);
				return doc?.applied.includes(twin._id) ? doc : undefined;
			},
			30_000,
			'the valid note'
		);
		expect(after.timeline.filter((e: { action_id: string }) => e.action_id === twin._id)).toHaveLength(1);
		for (const doc of [...citizenKinds, ...agentKinds]) expect([...after.applied, ...after.rejected]).not.toContain(doc._id);
		await engineAdvances(server, citizen, 'after unknown fields');
	});

	it('wrong types and out-of-range values are refused with the field and a code', async () => {
		const docs = [
			[submitAction({ subject: ['a', 'list'] }), 'subject', 'invalid_format'],
			[submitAction({ case_type: 'praise' }), 'case_type', 'invalid_case_type'],
			[submitAction({ category_id: '../../config' }), 'category_id', 'invalid_format'],
			[submitAction({ client_time: 'tomorrow' }), 'client_time', 'invalid_format'],
			[submitAction({ body: 'short' }), 'body', 'too_short'],
			[submitAction({ locale: 'fr' }), 'locale', 'invalid_format']
		] as const;
		const answers = await Promise.all(docs.map(([doc]) => pushRaw(server.base, citizen, [doc])));
		for (const [i, [doc, field, code]] of docs.entries()) {
			await expectRefused(server, answers[i], [doc._id], code);
			expect(answers[i].results[0].field).toBe(field);
		}
	});
});

describe('finding 11 at the gate', () => {
	it('bidi controls are removed from text before it is stored and projected', async () => {
		const doc = submitAction({ subject: 'Invoice \u202Egpj.exe', body: '\u2067Street light\u2069 out since Monday\u200F, please fix.' });
		expect((await pushRaw(server.base, citizen, [doc])).results[0].ok).toBe(true);
		const kept = await stored(server, 'intake', doc._id);
		expect(kept?.subject).toBe('Invoice gpj.exe');
		const projected = await waitFor(() => stored(server, 'e_works', `case:${doc.case_key}`), 30_000, 'bidi case');
		expect(projected.subject).toBe('Invoice gpj.exe');
		expect(projected.body).toBe('Street light out since Monday, please fix.');
		const own = await waitFor(() => stored(server, `u_${citizen.user.user_id}`, `case:${doc.case_key}`), 30_000, 'citizen copy');
		expect(own.subject).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/);
	});

	it("intake's info answers a replicator without the store's figures", async () => {
		const store = (await (await server.store.fetch('/intake')).json()) as { doc_count: number };
		expect(store.doc_count).toBeGreaterThan(5);
		for (const who of [citizen, agent]) {
			const response = await fetch(`${server.base}/db/intake`, { headers: { cookie: who.cookie } });
			expect(response.status).toBe(200);
			const info = await response.json();
			expect(info.db_name).toBe('intake');
			expect(info.doc_count).toBe(0);
			expect(info.update_seq).toBe('0');
			expect(JSON.stringify(info)).not.toContain(String(store.doc_count));
		}
		expect((await fetch(`${server.base}/db/intake`)).status).toBe(401);
	});
});
