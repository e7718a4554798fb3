/** Issue 12: signing in at a kiosk from one's own phone. The kiosk shows a QR code of a link; the
 * citizen opens it on their phone, signed in there (eKey or the phone's code, see oidc.spec.ts
 * for eKey), and confirms; the kiosk, asking, opens its session for that citizen and files for
 * them. A link opens one session once, only for its own kiosk, and only a citizen can confirm it;
 * each refusal is replayed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDocId, userDb } from '../../src/lib/domain/doc-types.js';
import { remote, signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';
import { complaint, errorCode, kioskClient } from './kiosk-client.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let coordinator: Session;

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

const { admin, enrolledKiosk, receiptOf, showLink, onPhone, poll, choose, pickPhoneNumber } = kioskClient(
	() => server,
	() => coordinator
);

describe('signing in at a kiosk from one’s own phone', () => {
	it('the phone sees the kiosk and confirms; the kiosk opens the session and files for that citizen', async () => {
		const kiosk = await enrolledKiosk('Kiosk by phone');
		const link = await showLink(kiosk);
		const url = new URL(link.url);
		expect(url.origin + url.pathname).toBe(new URL('/kiosk-link', server.env.publicUrl).toString());
		expect(url.searchParams.get('t')).toBe(link.token);
		expect(Date.parse(link.expires_at) - Date.now()).toBeGreaterThan(60_000);
		expect(await poll(kiosk, link.token)).toEqual({ status: 'waiting' });

		const phone = '+97336100301';
		const citizen = await signInCitizen(server.base, phone);
		const viewed = await onPhone(citizen, 'view', link.token);
		expect(viewed.headers.get('cache-control')).toBe('no-store');
		expect(await viewed.json()).toMatchObject({ kiosk: { name: 'Kiosk by phone', centre: 'Muharraq service centre' }, status: 'waiting' });
		const confirmed = await onPhone(citizen, 'confirm', link.token);
		expect(confirmed.status).toBe(200);
		const { check } = await confirmed.json();
		expect(check).toBeGreaterThanOrEqual(10);
		expect(check).toBeLessThan(100);

		const opened = await pickPhoneNumber(kiosk, link.token, check);
		expect(opened).toMatchObject({ status: 'confirmed', session: { identified: true, phone_end: '0301' } });
		expect(typeof opened.session?.grant).toBe('string');
		// The answer lost on the way: the same pick a moment later gets the same citizen's session.
		expect(await choose(kiosk, link.token, check)).toMatchObject({ status: 'confirmed', session: { phone_end: '0301' } });
		// One link, one session: no other pick opens it, nor can the phone confirm it again.
		expect(await poll(kiosk, link.token)).toEqual({ status: 'used' });
		const other = [10, 11, 12].find((n) => n !== check)!;
		expect(await choose(kiosk, link.token, other)).toEqual({ status: 'used' });
		const again = await onPhone(citizen, 'confirm', link.token);
		expect([again.status, await errorCode(again)]).toEqual([409, 'kiosk_link_expired']);

		const filed = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect(filed.status).toBe(202);
		const { case_key } = await filed.json();
		const { body } = await receiptOf(kiosk, case_key);
		expect(body.receipt.sms).toBe(true);
		const mine = await waitFor(() => remote(server.base, userDb(citizen.user.user_id), citizen).get(caseDocId(case_key)), 15_000, 'citizen replica');
		expect(mine).toMatchObject({ citizen_id: citizen.user.user_id, kiosk: { name: 'Kiosk by phone' } });
		expect((await kiosk.call('POST', '/api/kiosk/finish')).status).toBe(200);
	}, 60_000);

	it('a number other than the phone’s opens nothing: someone else confirming a photographed code gets nowhere', async () => {
		const kiosk = await enrolledKiosk('Kiosk wrong number');
		const link = await showLink(kiosk);
		const stranger = await signInCitizen(server.base, '+97336100307');
		const { check } = await (await onPhone(stranger, 'confirm', link.token)).json();
		const { choices } = await poll(kiosk, link.token);
		const wrong = choices!.find((n) => n !== check)!;
		expect(await choose(kiosk, link.token, wrong)).toEqual({ status: 'declined' });
		// One pick only: the right number afterwards opens nothing either.
		expect(await choose(kiosk, link.token, check)).toEqual({ status: 'declined' });
		const filing = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect([filing.status, await errorCode(filing)]).toEqual([409, 'kiosk_no_citizen']);
		const bad = await kiosk.call('POST', '/api/kiosk/session/link/choose', { token: link.token, choice: '12' });
		expect(bad.status).toBe(400);
	}, 60_000);

	it('a declined link opens nothing, and a new QR code replaces the one before', async () => {
		const kiosk = await enrolledKiosk('Kiosk declined');
		const citizen = await signInCitizen(server.base, '+97336100302');
		const first = await showLink(kiosk);
		expect((await onPhone(citizen, 'decline', first.token)).status).toBe(200);
		expect(await poll(kiosk, first.token)).toEqual({ status: 'declined' });
		const filing = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect([filing.status, await errorCode(filing)]).toEqual([409, 'kiosk_no_citizen']);

		const second = await showLink(kiosk);
		const third = await showLink(kiosk);
		for (const stale of [first, second]) {
			const refused = await onPhone(citizen, 'view', stale.token);
			expect(refused.status).toBe(404);
			expect(await poll(kiosk, stale.token)).toEqual({ status: 'expired' });
		}
		const { check } = await (await onPhone(citizen, 'confirm', third.token)).json();
		expect((await pickPhoneNumber(kiosk, third.token, check)).status).toBe('confirmed');
	}, 60_000);

	it('refuses what is not a citizen’s answer to a waiting link of this kiosk', async () => {
		const kiosk = await enrolledKiosk('Kiosk refusals');
		const other = await enrolledKiosk('Kiosk other');
		const link = await showLink(kiosk);
		const citizen = await signInCitizen(server.base, '+97336100303');

		// No session, a staff session: 401, 403.
		expect((await onPhone(null, 'confirm', link.token)).status).toBe(401);
		const agent = await signInStaff(server.base, 'agent.works');
		const staff = await onPhone(agent, 'confirm', link.token);
		expect([staff.status, await errorCode(staff)]).toEqual([403, 'forbidden']);
		// Not a token, a guessed secret, another kiosk's token.
		for (const token of [undefined, 42, 'x'.repeat(81), 'kiosk-0000000000000000', `${kiosk.id}.${'A'.repeat(24)}`]) {
			const response = await onPhone(citizen, 'confirm', token);
			expect([400, 404]).toContain(response.status);
		}
		const foreign = await other.call('POST', '/api/kiosk/session/link/poll', { token: link.token });
		expect([foreign.status, await errorCode(foreign)]).toEqual([400, 'invalid_format']);
		// A body that is not JSON.
		const garbage = await fetch(`${server.base}/api/kiosk-link/confirm`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: citizen.cookie }, body: '{' });
		expect(garbage.status).toBe(400);
		// None of it moved the link.
		expect(await poll(kiosk, link.token)).toEqual({ status: 'waiting' });

		// A revoked kiosk's link is nobody's to confirm.
		expect((await admin('POST', `/api/admin/kiosk-devices/${kiosk.id}/revoke`)).status).toBe(200);
		expect((await onPhone(citizen, 'confirm', link.token)).status).toBe(404);
	}, 60_000);

	it('a link past its five minutes can no longer be confirmed, nor opens the kiosk', async () => {
		const kiosk = await enrolledKiosk('Kiosk expired link');
		const link = await showLink(kiosk);
		const citizen = await signInCitizen(server.base, '+97336100305');
		const auth = server.store.use<any>('auth');
		const doc = await auth.get(`kiosk_link:${kiosk.id}`);
		await auth.insert({ ...doc, expires_at: new Date(Date.now() - 1_000).toISOString() });
		expect(await (await onPhone(citizen, 'view', link.token)).json()).toMatchObject({ status: 'expired' });
		const late = await onPhone(citizen, 'confirm', link.token);
		expect([late.status, await errorCode(late)]).toEqual([409, 'kiosk_link_expired']);
		expect(await poll(kiosk, link.token)).toEqual({ status: 'expired' });
	}, 60_000);

	it('a confirmed link the kiosk did not take in time opens nothing, and "finish" ends a link shown', async () => {
		const kiosk = await enrolledKiosk('Kiosk late link');
		const citizen = await signInCitizen(server.base, '+97336100306');
		const link = await showLink(kiosk);
		expect((await onPhone(citizen, 'confirm', link.token)).status).toBe(200);
		const auth = server.store.use<any>('auth');
		const doc = await auth.get(`kiosk_link:${kiosk.id}`);
		await auth.insert({ ...doc, expires_at: new Date(Date.now() - 1_000).toISOString() });
		expect(await poll(kiosk, link.token)).toEqual({ status: 'expired' });

		// The kiosk timed out (or the citizen pressed "finish") while the phone was signing in.
		const next = await showLink(kiosk);
		expect((await kiosk.call('POST', '/api/kiosk/finish')).status).toBe(200);
		const after = await onPhone(citizen, 'confirm', next.token);
		expect([after.status, await errorCode(after)]).toEqual([409, 'kiosk_link_expired']);
		expect(await poll(kiosk, next.token)).toEqual({ status: 'declined' });
	}, 60_000);

	it('limits how many links one citizen can try in a minute', async () => {
		const kiosk = await enrolledKiosk('Kiosk tries');
		const link = await showLink(kiosk);
		const citizen = await signInCitizen(server.base, '+97336100304');
		const answers = await Promise.all(Array.from({ length: 30 }, () => onPhone(citizen, 'view', link.token)));
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 200).length).toBe(20);
		expect(statuses.filter((s) => s === 429).length).toBe(10);
	}, 60_000);
});
