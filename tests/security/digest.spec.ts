/** The managers' daily digest under attack (issue 16): the SMS choice is a switch, so a flood of
 * it from one manager is cut at the per-minute quota with a localised 429; an oversized or
 * malformed body is refused before anything is written; and the `digests` database is not a
 * door — no one replicates or reads it but through GET /api/sla/digest, which names no manager. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_CHOICES_PER_MINUTE } from '../../sync-server/src/http/digest-routes.js';
import { getAccount } from '../../sync-server/src/auth/accounts.js';
import { signInStaff, startInProcess, type Session } from '../integration/harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let manager: Session;
let agent: Session;

beforeAll(async () => {
	server = await startInProcess();
	[manager, agent] = await Promise.all([signInStaff(server.base, 'manager.works'), signInStaff(server.base, 'agent.works')]);
}, 60_000);
afterAll(() => server?.stop());

const send = (session: Session, method: string, path: string, body?: string) =>
	fetch(`${server.base}${path}`, { method, headers: { cookie: session.cookie, 'content-type': 'application/json' }, body });

describe('the daily digest under attack', () => {
	it('refuses an oversized or malformed choice and writes nothing', async () => {
		const huge = await send(manager, 'PUT', '/api/sla/digest/sms', JSON.stringify({ enabled: true, locale: 'en', pad: 'x'.repeat(64 * 1024) }));
		expect(huge.status).toBe(413);
		for (const body of ['{"enabled":true', 'null', '"yes"', '{"enabled":1,"locale":"en"}', '{"enabled":true,"locale":"en","digest_sms":true,"role":"coordinator"}']) {
			const answer = await send(manager, 'PUT', '/api/sla/digest/sms', body);
			expect(answer.status, body).toBe(400);
			await answer.arrayBuffer();
		}
		const account = await getAccount(server.store, manager.user.user_id);
		expect(account?.digest_sms).toBeUndefined();
		expect(account?.role).toBe('manager');
	});

	it('cuts a parallel flood of choices at the quota with a localised 429', async () => {
		const answers = await Promise.all(
			Array.from({ length: SMS_CHOICES_PER_MINUTE + 10 }, (_, i) => send(manager, 'PUT', '/api/sla/digest/sms', JSON.stringify({ enabled: i % 2 === 0, locale: 'ar' })))
		);
		const statuses = answers.map((a) => a.status);
		const refused = answers.filter((a) => a.status === 429);
		// The minute may turn during the flood; at most two minutes' worth are served.
		expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2 * SMS_CHOICES_PER_MINUTE);
		expect(refused.length).toBeGreaterThanOrEqual(10);
		expect((await refused[0].json()).error).toMatchObject({ code: 'rate_limited', message_key: 'errors.rate_limited' });
		await Promise.all(answers.filter((a) => a.status !== 429).map((a) => a.arrayBuffer()));
	});

	it('keeps the digests database closed to every device', async () => {
		for (const session of [manager, agent]) {
			for (const path of ['/db/digests/_all_docs', '/db/digests/_changes', '/db/digests/']) {
				const answer = await send(session, 'GET', path);
				expect(answer.status, path).toBe(403);
				await answer.arrayBuffer();
			}
		}
	});
});
