/** Issue 14, identity levels: anonymous public reporting without an account. In a category of
 * anonymous reporting, a person proves a number by SMS code (no captcha) and files a report that
 * names no one: no account is made, the case, intake and the entity's copy hold no number, staff
 * see "Anonymous report", and no SMS follows. Sent twice with the same filing id it is one case;
 * every refusal of the door is replayed. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDocId, userDb } from '../../src/lib/domain/doc-types.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { smallImage } from '../fixtures/files.js';
import { issueGrant } from '../../sync-server/src/kiosk/deferred.js';
import { newestSignInCode, remote, settled, signInStaff, startInProcess, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let coordinator: Session;
const CATEGORY = 'works-street-lights';
const report = {
	case_type: 'complaint',
	category_id: CATEGORY,
	subject: 'Street light out on Road 1510',
	body: 'The street light in front of house 12 on Road 1510 has been out for a week; the road is dark at night.',
	locale: 'en',
	location: { lat: 26.2235, lng: 50.5876 }
};

/** Cases one number may report in an hour here, whatever grant it files them with. */
const QUOTA_CASES_PER_HOUR = 3;

beforeAll(async () => {
	server = await startInProcess({ QUOTA_CASES_PER_HOUR: String(QUOTA_CASES_PER_HOUR) });
	coordinator = await signInStaff(server.base, 'coordinator');
	const set = await call('PUT', `/api/admin/categories/${CATEGORY}`, { identity: 'anonymous' }, coordinator.cookie);
	expect(set.status).toBe(200);
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

function call(method: string, path: string, body?: unknown, cookie?: string): Promise<Response> {
	return fetch(`${server.base}${path}`, {
		method,
		headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

const errorOf = async (response: Response) => [response.status, (await response.json()).error?.code];

async function smsTo(phone: string): Promise<{ text: string }[]> {
	const outbox = await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json();
	return outbox.messages ?? outbox;
}

/** The number proved by its SMS code: the door's grant. */
async function prove(phone: string): Promise<string> {
	expect((await call('POST', '/api/report/code', { phone, locale: 'en' })).status).toBe(200);
	const code = newestSignInCode(await smsTo(phone));
	const verified = await call('POST', '/api/report/verify', { phone, code });
	expect(verified.status).toBe(200);
	return (await verified.json()).grant;
}

describe('anonymous public reporting without an account', () => {
	it('files a report that names no one, once however often it is sent, with a receipt', async () => {
		const phone = '+97336100501';
		const grant = await prove(phone);
		const filingId = randomUUID();
		const photo = (await smallImage('jpeg', 320, 240)).toString('base64');
		const withPhoto = { ...report, _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: photo } } };
		const first = await call('POST', '/api/report', { ...withPhoto, grant, filing_id: filingId });
		expect(first.status).toBe(202);
		expect(first.headers.get('cache-control')).toBe('no-store');
		const { case_key, receipt_token } = await first.json();
		// The answer was lost; the device sends it again: the same case, nothing new.
		const again = await call('POST', '/api/report', { ...withPhoto, grant, filing_id: filingId });
		expect(again.status).toBe(202);
		expect((await again.json()).case_key).toBe(case_key);

		const receipt = await waitFor(
			async () => {
				const response = await call('POST', '/api/report/receipt', { case_key, receipt_token });
				return response.status === 200 ? (await response.json()).receipt : undefined;
			},
			15_000,
			'receipt'
		);
		expect(isValidReference(receipt.ref)).toBe(true);
		expect(receipt.entity_name.en).toBeTruthy();

		const caseDoc = await server.store.use<any>('cases').get(caseDocId(case_key));
		expect(caseDoc.citizen_id).toMatch(/^anon-[0-9a-f]{16}$/);
		expect(JSON.stringify(caseDoc)).not.toContain(phone.slice(-7));
		const agent = await signInStaff(server.base, 'agent.works');
		const seen: Record<string, unknown> = await waitFor(() => remote(server.base, 'e_works', agent).get(caseDocId(case_key)), 15_000, 'entity replica');
		expect(seen).toMatchObject({ anonymous: true, contact_hidden: true });
		expect(seen.citizen_label).toBeUndefined();
		// No account, and no database of its own.
		// The photo reached the entity, and no database of the reporter was made for it.
		expect(JSON.stringify(seen)).toContain('photo-1.jpg');
		await waitFor(
			async () => {
				const rows = (await server.store.use<any>('e_works').list({ include_docs: true })).rows;
				return rows.some((row: { doc?: { type?: string; case_key?: string } }) => row.doc?.type === 'attachment' && row.doc.case_key === case_key) || undefined;
			},
			15_000,
			'the photo copied to the entity'
		);
		expect(await server.store.dbInfo(userDb(caseDoc.citizen_id))).toBeNull();
		// Sent again once the engine has taken it: still the same case, nothing new.
		const late = await call('POST', '/api/report', { ...withPhoto, grant, filing_id: filingId });
		expect([late.status, (await late.json()).case_key]).toEqual([202, case_key]);
		const accounts = await server.store.use<any>('auth').list({ include_docs: true });
		expect(accounts.rows.some((row: { doc?: { phone?: string } }) => row.doc?.phone === phone)).toBe(false);

		// The same number's reports count against one quota, under its pseudonym.
		const second = await call('POST', '/api/report', { ...report, grant, filing_id: randomUUID(), subject: 'Another street light out on Road 1512' });
		expect(second.status).toBe(202);
		const secondKey: string = (await second.json()).case_key;
		const other = await waitFor(() => server.store.use<any>('cases').get(caseDocId(secondKey)), 15_000, 'second case');
		expect(other.citizen_id).toBe(caseDoc.citizen_id);

		// No SMS but the code, once the engine has worked through both reports (the notices of
		// their actions are queued before it moves on) and the sender has sent all it was given.
		await settled(server);
		const jobs = await server.store.use<{ to: string; purpose: string }>('sms').list({ include_docs: true, startkey: 'job:', endkey: 'job:\uffff' });
		expect(jobs.rows.filter((row) => row.doc?.to === phone).map((row) => row.doc?.purpose)).toEqual(['otp']);
		expect(jobs.rows.filter((row) => row.id.includes(case_key) || row.id.includes(secondKey))).toEqual([]);
		const messages = await smsTo(phone);
		expect(messages).toHaveLength(1);
		expect(newestSignInCode(messages)).toBeDefined();
		expect(messages[0].text).not.toContain(receipt.ref);
	}, 60_000);

	it('refuses a category that is not anonymous, a grant not the server’s, and bad input', async () => {
		const grant = await prove('+97336100502');
		const named = await call('POST', '/api/report', { ...report, category_id: 'works-potholes', grant, filing_id: randomUUID() });
		expect(await errorOf(named)).toEqual([403, 'anonymous_not_allowed']);
		const inquiry = await call('POST', '/api/report', { ...report, case_type: 'inquiry', grant, filing_id: randomUUID() });
		expect(await errorOf(inquiry)).toEqual([403, 'anonymous_not_allowed']);
		// A kiosk session's grant, signed by this server, is no grant of this door.
		const kioskGrant = issueGrant(server.env.secretsKey!, { kiosk_id: 'kiosk-a', citizen_id: null, phone: null, issued_at: Date.now() });
		for (const forged of [undefined, 'x', `${grant.split('.')[0]}.AAAA`, grant.replace(/^./, (c: string) => (c === 'W' ? 'X' : 'W')), kioskGrant]) {
			const response = await call('POST', '/api/report', { ...report, grant: forged, filing_id: randomUUID() });
			expect(await errorOf(response)).toEqual([401, 'unauthorized']);
		}
		expect((await call('POST', '/api/report', { ...report, grant, filing_id: 'not-a-uuid' })).status).toBe(400);
		const unknownField = await call('POST', '/api/report', { ...report, grant, filing_id: randomUUID(), citizen_id: 'u-someone' });
		expect(unknownField.status).toBe(400);
		const empty = await call('POST', '/api/report', { case_type: 'complaint', category_id: CATEGORY, grant, filing_id: randomUUID() });
		expect(empty.status).toBe(400);
		const huge = await fetch(`${server.base}/api/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...report, grant, body: 'x'.repeat(3_000_000) }) });
		expect(huge.status).toBe(413);
		const wrongCode = await call('POST', '/api/report/verify', { phone: '+97336100502', code: '000000' });
		expect(wrongCode.status).toBe(400);
		const receipt = await call('POST', '/api/report/receipt', { case_key: randomUUID(), receipt_token: 'A'.repeat(43) });
		expect(receipt.status).toBe(404);
	}, 60_000);

	it('holds one quota per number across its grants, and another number still files', async () => {
		const phone = '+97336100503';
		let road = 1520;
		const file = (grant: string) => call('POST', '/api/report', { ...report, grant, filing_id: randomUUID(), subject: `Street light out on Road ${road++}` });
		const first = await prove(phone);
		for (let i = 1; i < QUOTA_CASES_PER_HOUR; i++) expect((await file(first)).status).toBe(202);
		// A new code for the same number: another grant, the same quota.
		const second = await prove(phone);
		expect(second).not.toBe(first);
		expect((await file(second)).status).toBe(202);
		expect(await errorOf(await file(second))).toEqual([429, 'quota_exceeded']);
		const another = await prove('+97336100504');
		expect((await file(another)).status).toBe(202);
	}, 60_000);
});
