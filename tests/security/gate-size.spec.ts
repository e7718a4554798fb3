/** Issue 10, finding 1: one citizen pushing multi-megabyte actions in parallel stopped the rules
 * engine for good. The gate now applies the field limits and a per-action size limit before
 * anything reaches intake, and refuses an oversized request from its length, without reading it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/lib/domain/limits';
import { signInCitizen, startInProcess, submitAction, waitFor, type Session } from '../integration/harness';
import { caseOf, engineAdvances, expectRefused, pushRaw, stored, uploadHuge, type Server } from './gate-helpers';

let server: Server;
let citizen: Session;
let other: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336100001');
	other = await signInCitizen(server.base, '+97336100002');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

describe('multi-megabyte actions pushed in parallel', () => {
	it('are refused with a reason, while valid actions pushed alongside are routed once', async () => {
		const MB = 1024 * 1024;
		// Each under the old 16 MB per-action cap and together under the old 64 MB request cap.
		const huge = Array.from({ length: 6 }, (_, i) => submitAction({ body: `${i}`.repeat(3 * MB) }));
		const tooLongSubject = submitAction({ subject: 'S'.repeat(LIMITS.SUBJECT_MAX + 1) });
		const padded = submitAction({ locale: 'en', body: 'Valid length', subject: 'Valid', category_id: 'works-potholes', case_type: 'complaint', extra: 'x'.repeat(300 * 1024) });
		const valid = Array.from({ length: 6 }, (_, i) => submitAction({ subject: `Valid ${i}`, body: 'A valid complaint pushed beside the attack.' }));
		const answers = await Promise.all([...huge.map((doc, i) => pushRaw(server.base, citizen, [doc, valid[i]])), pushRaw(server.base, other, [tooLongSubject, padded])]);
		for (const [i, doc] of huge.entries()) {
			await expectRefused(server, answers[i], [doc._id], 'payload_too_large');
			expect(answers[i].results.find((r) => r.id === valid[i]._id)?.ok, answers[i].text).toBe(true);
		}
		await expectRefused(server, answers[6], [tooLongSubject._id], 'too_long');
		expect(answers[6].results[0].field).toBe('subject');
		await expectRefused(server, answers[6], [padded._id], 'payload_too_large');

		for (const doc of valid) {
			const routed = await waitFor(() => caseOf(server, doc.case_key), 30_000, `case ${doc.subject}`);
			expect(routed.applied).toEqual([doc._id]);
			expect(routed.timeline).toHaveLength(1);
		}
		for (const doc of [...huge, tooLongSubject, padded]) expect(await caseOf(server, doc.case_key)).toBeUndefined();
		await engineAdvances(server, citizen, 'after parallel huge actions');
	});

	it('a 60 MB request is refused from its length, with a reason, before the body is read', async () => {
		const before = process.memoryUsage().rss;
		const outcome = await uploadHuge(server.base, '/db/intake/_bulk_docs', citizen.cookie, 60 * 1024 * 1024);
		expect(outcome.status).toBe(413);
		expect(JSON.parse(outcome.body)).toEqual({ error: 'too_large', reason: 'payload_too_large', message_key: 'errors.payload_too_large' });
		// The answer came long before the client could send 60 MB: the gate did not wait for it.
		expect(outcome.sentBytes).toBeLessThan(30 * 1024 * 1024);
		expect(process.memoryUsage().rss - before).toBeLessThan(60 * 1024 * 1024);
		await engineAdvances(server, citizen, 'after a 60 MB request');
	});

	it('a request a little over the limit gets an answer its client can read, even while still sending', async () => {
		const body = JSON.stringify({ docs: [submitAction({ body: 'x'.repeat(LIMITS.REQUEST_BYTES_MAX) })] });
		const response = await fetch(`${server.base}/db/intake/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: citizen.cookie }, body });
		expect(response.status).toBe(413);
		expect((await response.json()).message_key).toBe('errors.payload_too_large');
	});

	it('a body without a length is refused once it passes the limit', async () => {
		const total = LIMITS.REQUEST_BYTES_MAX + 48 * 1024 * 1024;
		const outcome = await uploadHuge(server.base, '/db/intake/_bulk_docs', citizen.cookie, total, false);
		expect(outcome.status).toBe(413);
		expect(JSON.parse(outcome.body).reason).toBe('payload_too_large');
		// Socket buffers hold a few megabytes, not 48: the gate stopped reading at the limit.
		expect(outcome.sentBytes).toBeLessThan(total);
	});

	it('other replication requests have a small limit of their own', async () => {
		const outcome = await uploadHuge(server.base, '/db/intake/_revs_diff', citizen.cookie, 8 * 1024 * 1024);
		expect(outcome.status).toBe(413);
		expect(JSON.parse(outcome.body).reason).toBe('payload_too_large');
	});

	it('an encoded body, which could inflate past any limit, is refused with a reason', async () => {
		const lying = await fetch(`${server.base}/db/intake/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: citizen.cookie, 'content-encoding': 'gzip' },
			body: '{"docs":[]}'
		});
		expect(lying.status).toBe(400);
		expect((await lying.json()).reason).toBe('invalid_format');
		const fine = await pushRaw(server.base, citizen, []);
		expect(fine.status).toBe(201);
		expect(await stored(server, 'intake', 'nothing')).toBeUndefined();
	});
});
