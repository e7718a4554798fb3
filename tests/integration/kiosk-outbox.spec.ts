/** Issue 12, step 5, on the real server: the offline kiosk's outbox door (`POST /api/kiosk/outbox`).
 * A filing sealed by the app's own code while the network was down is sent later by the kiosk,
 * signed as the kiosk, with the grant the server gave when the citizen proved their phone; it
 * becomes one case of that citizen, however many times it is sent and through whichever door,
 * and the reference reaches them by SMS. Whatever the server cannot trust is refused. And the
 * heartbeat door's size and rate limits. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealFiling } from '../../src/lib/client/kiosk-seal.js';
import { signKioskRequest } from '../../src/lib/client/kiosk-signer.js';
import { caseDocId, userDb, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { kioskReceiptCode } from '../../src/lib/domain/kiosk-outbox.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { remote, signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';
import { complaint, errorCode, kioskClient, type Kiosk } from './kiosk-client.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let coordinator: Session;
const { admin, enrolledKiosk, identify, smsTo } = kioskClient(
	() => server,
	() => coordinator
);

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

async function sealed(kiosk: Kiosk, grant: string | null, fields: Record<string, unknown> = complaint, filingId = randomUUID()) {
	return { filing_id: filingId, sealed: await sealFiling(kiosk.outboxKey!, kiosk.id, filingId, { grant, fields }) };
}

async function citizenCase(phone: string, caseKey: string): Promise<CaseDoc> {
	const citizen = await signInCitizen(server.base, phone);
	return waitFor(() => remote(server.base, userDb(citizen.user.user_id), citizen).get(caseDocId(caseKey)), 15_000, 'citizen replica');
}

describe('a filing from the kiosk outbox', () => {
	it('becomes one case of the citizen who proved their phone, sent any number of times, and the reference follows by SMS', async () => {
		const kiosk = await enrolledKiosk('Kiosk outbox');
		expect(kiosk.outboxKey).toMatchObject({ kid: expect.any(String), x: expect.any(String), y: expect.any(String) });
		const phone = '+97336100401';
		const { grant } = await identify(kiosk, phone);
		expect(grant).toEqual(expect.any(String));
		// The network went; the citizen filed, took the receipt and left: the session is over.
		const queued = await sealed(kiosk, grant);
		expect(JSON.stringify(queued)).not.toContain(complaint.body);
		expect(JSON.stringify(queued)).not.toContain(phone.slice(4));
		expect((await kiosk.call('POST', '/api/kiosk/finish')).status).toBe(200);

		// Back online, the kiosk sends it; a connection that dropped mid-send makes it send again.
		const answers = await Promise.all([1, 2, 3].map(() => kiosk.call('POST', '/api/kiosk/outbox', queued)));
		expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
		const keys = new Set(await Promise.all(answers.map(async (a) => (await a.json()).case_key)));
		expect(keys.size).toBe(1);
		const [caseKey] = keys;
		const later = await kiosk.call('POST', '/api/kiosk/outbox', queued);
		expect((await later.json()).case_key).toBe(caseKey);

		const mine = await citizenCase(phone, caseKey);
		expect(isValidReference(mine.ref!)).toBe(true);
		expect(mine).toMatchObject({ subject: complaint.subject, entity_id: 'works', kiosk: { kiosk_id: kiosk.id, receipt_code: kioskReceiptCode(queued.filing_id) } });
		const bySms = await waitFor(
			async () => {
				const found = (await smsTo(phone)).filter((m) => m.text.includes(mine.ref!));
				return found.length > 0 ? found : undefined;
			},
			15_000,
			'reference SMS'
		);
		expect(bySms).toHaveLength(1);

		// The same filing through the online door (its answer had been lost) is that case again.
		await identify(kiosk, phone);
		const online = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, filing_id: queued.filing_id });
		expect([online.status, (await online.json()).case_key]).toEqual([202, caseKey]);
	}, 60_000);

	it("takes a suggestion without a grant as the kiosk's own, and nothing else", async () => {
		const kiosk = await enrolledKiosk('Kiosk outbox anonymous');
		const refused = await kiosk.call('POST', '/api/kiosk/outbox', await sealed(kiosk, null));
		expect([refused.status, await errorCode(refused)]).toEqual([403, 'kiosk_no_citizen']);
		const suggestion = await kiosk.call('POST', '/api/kiosk/outbox', await sealed(kiosk, null, { ...complaint, case_type: 'suggestion', subject: 'More shade in the car park' }));
		expect(suggestion.status).toBe(201);
	}, 30_000);
});

describe('the outbox door refuses', () => {
	it('a record sealed for another kiosk or filing, changed, or with a grant that is not its own', async () => {
		const kiosk = await enrolledKiosk('Kiosk outbox refusals');
		const other = await enrolledKiosk('Kiosk outbox other');
		const { grant } = await identify(kiosk, '+97336100402');
		const { grant: otherGrant } = await identify(other, '+97336100403');
		const good = await sealed(kiosk, grant);

		const cases: [string, unknown, number, string][] = [
			['sealed for another kiosk', await sealed(other, grant), 400, 'invalid_format'],
			['under another filing id', { ...good, filing_id: randomUUID() }, 400, 'invalid_format'],
			['changed', { ...good, sealed: { ...good.sealed, data: good.sealed.data.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } }, 400, 'invalid_format'],
			["with another kiosk's grant", await sealed(kiosk, otherGrant), 403, 'kiosk_citizen_mismatch'],
			['with a forged grant', await sealed(kiosk, `${grant!.split('.')[0]}.${'A'.repeat(43)}`), 403, 'kiosk_citizen_mismatch'],
			['without a filing id', { sealed: good.sealed }, 400, 'invalid_format'],
			['with a filing id that is not one', { ...good, filing_id: '../../x' }, 400, 'invalid_format'],
			['without the sealed record', { filing_id: good.filing_id }, 400, 'invalid_format'],
			['with the case in the clear', { filing_id: good.filing_id, sealed: complaint }, 400, 'invalid_format']
		];
		for (const [name, body, status, code] of cases) {
			const response = await kiosk.call('POST', '/api/kiosk/outbox', body);
			expect([name, response.status, await errorCode(response)]).toEqual([name, status, code]);
		}
		// None of them made a case: the good one is still the first of its filing.
		const sent = await kiosk.call('POST', '/api/kiosk/outbox', good);
		expect(sent.status).toBe(201);
	}, 60_000);

	it('an unsigned, a revoked and an oversized request', async () => {
		const kiosk = await enrolledKiosk('Kiosk outbox doors');
		const body = await sealed(kiosk, null);
		const unsigned = await fetch(`${server.base}/api/kiosk/outbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		expect([unsigned.status, await errorCode(unsigned)]).toEqual([401, 'kiosk_unknown']);
		const huge = await kiosk.call('POST', '/api/kiosk/outbox', { ...body, sealed: { ...body.sealed, data: 'A'.repeat(3_600_000) } });
		expect([huge.status, await errorCode(huge)]).toEqual([413, 'payload_too_large']);
		expect((await admin('POST', `/api/admin/kiosk-devices/${kiosk.id}/revoke`)).status).toBe(200);
		const revoked = await kiosk.call('POST', '/api/kiosk/outbox', body);
		expect([revoked.status, await errorCode(revoked)]).toEqual([403, 'kiosk_revoked']);
	}, 30_000);
});

describe('the heartbeat door', () => {
	it('keeps the fleet view current and takes at most ten beats a minute, each small', async () => {
		const kiosk = await enrolledKiosk('Kiosk heartbeat');
		const answers = [];
		for (let n = 0; n < 11; n++) answers.push((await kiosk.call('POST', '/api/kiosk/heartbeat', { app_version: '2.0.0', outbox_length: n })).status);
		expect(answers).toEqual([...Array(10).fill(200), 429]);
		const fleet = await (await admin('GET', '/api/admin/kiosk-devices')).json();
		expect(fleet.kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === kiosk.id)).toMatchObject({ app_version: '2.0.0', outbox_length: 9 });
		const other = await enrolledKiosk('Kiosk heartbeat size');
		const payload = JSON.stringify({ errors: Array(10).fill('x'.repeat(300)), padding: 'x'.repeat(9_000) });
		const signed = await signKioskRequest(other.id, other.key, { method: 'POST', path: '/api/kiosk/heartbeat', body: payload });
		const big = await fetch(`${server.base}/api/kiosk/heartbeat`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body: payload });
		expect([big.status, await errorCode(big)]).toEqual([413, 'payload_too_large']);
	}, 30_000);
});
