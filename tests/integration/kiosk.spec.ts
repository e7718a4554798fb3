/** Issue 12: a self-service kiosk end to end on the real server. A coordinator registers a kiosk
 * and gets a one-time code; the device enrols with a non-extractable WebCrypto key (the app's own
 * signer, running on Node's WebCrypto) and signs every request; a citizen proves their phone at
 * the kiosk and the kiosk files for that citizen only; the case is routed, on the clock, in the
 * citizen's own replica and marked as filed at the kiosk; the receipt names reference, entity,
 * due date and tracking link; "finish" ends the session on the server. And each bad input of
 * the issue, replayed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKioskKey, kioskFetch, signKioskRequest } from '../../src/lib/client/kiosk-signer.js';
import { caseDocId, userDb } from '../../src/lib/domain/doc-types.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { smallImage } from '../fixtures/files.js';
import { remote, signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';
import { complaint, errorCode, kioskClient } from './kiosk-client.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let coordinator: Session;

beforeAll(async () => {
	server = await startInProcess({ KIOSK_STALE_MINUTES: '5', KIOSK_IDLE_SECONDS: '45' });
	coordinator = await signInStaff(server.base, 'coordinator');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

const { admin, register, enrol, enrolledKiosk, identify, receiptOf } = kioskClient(
	() => server,
	() => coordinator
);

describe('a kiosk end to end', () => {
	it('enrols, files for the citizen who proved their phone, shows the receipt and forgets them on finish', async () => {
		const kiosk = await enrolledKiosk('Kiosk end to end');
		const phone = '+97336100201';
		await identify(kiosk, phone);

		const filed = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect(filed.status).toBe(202);
		expect(filed.headers.get('cache-control')).toBe('no-store');
		const { case_key } = await filed.json();

		const { response, body } = await receiptOf(kiosk, case_key);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(isValidReference(body.receipt.ref)).toBe(true);
		expect(body.receipt.entity_id).toBe('works');
		expect(body.receipt.entity_name.en).toBeTruthy();
		expect(Date.parse(body.receipt.due_at)).toBeGreaterThan(Date.now());
		expect(body.receipt.tracking_url).toBe(new URL(`/cases/${case_key}`, server.env.publicUrl).toString());
		expect(body.receipt.sms).toBe(true);
		// The receipt says nothing of the case's text.
		expect(JSON.stringify(body)).not.toContain(complaint.body);
		// The reference also comes by SMS, as the receipt stays on the kiosk.
		await waitFor(
			async () => {
				const outbox = await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json();
				return (outbox.messages ?? outbox).some((m: { text: string }) => m.text.includes(body.receipt.ref)) || undefined;
			},
			15_000,
			'reference SMS'
		);

		// The case is the citizen's: it is in their own replica, marked with the kiosk.
		const citizen = await signInCitizen(server.base, phone);
		const mine = await waitFor(() => remote(server.base, userDb(citizen.user.user_id), citizen).get(caseDocId(case_key)), 15_000, 'citizen replica');
		expect(mine).toMatchObject({ ref: body.receipt.ref, citizen_id: citizen.user.user_id, entity_id: 'works', kiosk: { kiosk_id: kiosk.id, name: 'Kiosk end to end' } });
		// Staff know the citizen who identified at the kiosk by the masked phone (issue 16).
		const agent = await signInStaff(server.base, 'agent.works');
		const inbox = await waitFor(() => remote(server.base, 'e_works', agent).get(caseDocId(case_key)), 15_000, 'entity replica');
		expect(inbox).toMatchObject({ citizen_label: { masked_phone: '+973 •••• 0201' } });

		// Finish: the server session is gone, the receipt with it, and nothing more can be filed.
		expect((await kiosk.call('POST', '/api/kiosk/finish')).status).toBe(200);
		const after = await kiosk.call('GET', `/api/kiosk/receipt/${case_key}`);
		expect([after.status, await errorCode(after)]).toEqual([409, 'kiosk_no_citizen']);
		const again = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect([again.status, await errorCode(again)]).toEqual([409, 'kiosk_no_citizen']);
	}, 60_000);

	it('files a suggestion without a phone, owned by no citizen, and refuses a complaint without one', async () => {
		const kiosk = await enrolledKiosk('Kiosk anonymous');
		expect((await kiosk.call('POST', '/api/kiosk/session/anonymous')).status).toBe(200);
		const refused = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect([refused.status, await errorCode(refused)]).toEqual([403, 'kiosk_no_citizen']);
		const filed = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, case_type: 'suggestion', category_id: 'works-potholes', subject: 'More shade in the car park' });
		const { case_key } = await filed.json();
		expect(filed.status).toBe(202);
		const { body } = await receiptOf(kiosk, case_key);
		expect(isValidReference(body.receipt.ref)).toBe(true);
		expect(body.receipt.sms).toBe(false);
	}, 30_000);

	it('files a complaint without a phone in a category of anonymous reporting, shown to staff as an anonymous report', async () => {
		const kiosk = await enrolledKiosk('Kiosk anonymous reporting');
		const session = await (await kiosk.call('POST', '/api/kiosk/session/anonymous')).json();
		expect(session.session.case_types).toEqual(['suggestion']);
		const lights = { ...complaint, category_id: 'works-street-lights', subject: 'Street light out on Road 1510' };
		const before = await kiosk.call('POST', '/api/kiosk/cases', lights);
		expect([before.status, await errorCode(before)]).toEqual([403, 'kiosk_no_citizen']);

		const set = await admin('PUT', '/api/admin/categories/works-street-lights', { identity: 'anonymous' });
		expect(set.status).toBe(200);
		try {
			await waitFor(
				async () => ((await (await kiosk.call('POST', '/api/kiosk/session/anonymous')).json()).session.case_types.includes('complaint') ? true : undefined),
				15_000,
				'the category read again'
			);
			const filed = await kiosk.call('POST', '/api/kiosk/cases', lights);
			expect(filed.status).toBe(202);
			const { case_key } = await filed.json();
			const { body } = await receiptOf(kiosk, case_key);
			expect(body.receipt.sms).toBe(false);
			// Another category still needs a phone for a complaint.
			const potholes = await kiosk.call('POST', '/api/kiosk/cases', complaint);
			expect([potholes.status, await errorCode(potholes)]).toEqual([403, 'kiosk_no_citizen']);
			const agent = await signInStaff(server.base, 'agent.works');
			const seen: Record<string, unknown> = await waitFor(() => remote(server.base, 'e_works', agent).get(caseDocId(case_key)), 15_000, 'entity replica');
			expect(seen).toMatchObject({ anonymous: true, contact_hidden: true, kiosk: { kiosk_id: kiosk.id } });
			expect(seen.citizen_label).toBeUndefined();
		} finally {
			await admin('PUT', '/api/admin/categories/works-street-lights', { identity: 'named' });
		}
	}, 60_000);

	it('shows the coordinator each kiosk with its last contact, version and errors, flagging the silent ones', async () => {
		const kiosk = await enrolledKiosk('Kiosk fleet');
		const beat = await kiosk.call('POST', '/api/kiosk/heartbeat', { app_version: '1.2.4', outbox_length: 2, errors: ['printer: out of paper'] });
		expect(beat.status).toBe(200);
		// The screen's idle time-out is the server's setting, read with each heartbeat.
		expect((await beat.json()).idle_timeout_ms).toBe(45_000);
		for (const bad of [{ outbox_length: -1 }, { outbox_length: 1.5 }, { errors: 'x' }, { errors: ['x'.repeat(301)] }, { errors: Array(11).fill('x') }, { app_version: 'v'.repeat(41) }]) {
			const refused = await kiosk.call('POST', '/api/kiosk/heartbeat', bad);
			expect(refused.status).toBe(400);
		}
		const waiting = await register('Kiosk never enrolled');
		const fleet = await (await admin('GET', '/api/admin/kiosk-devices')).json();
		expect(fleet.stale_after_minutes).toBe(5);
		const mine = fleet.kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === kiosk.id);
		expect(mine).toMatchObject({ state: 'enrolled', app_version: '1.2.4', outbox_length: 2, error_count: 1, stale: false, errors: [{ message: 'printer: out of paper' }] });
		expect(Date.now() - Date.parse(mine.last_seen_at)).toBeLessThan(10_000);
		expect(fleet.kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === waiting.kiosk_id)).toMatchObject({ state: 'awaiting_enrolment', last_seen_at: null });
		// Nothing secret in the fleet view.
		expect(JSON.stringify(fleet)).not.toMatch(/public_key|nonces|code_sha256|"session"/);
	}, 30_000);
});

describe('bad input', () => {
	it('refuses a wrong, a malformed and a reused enrolment code alike', async () => {
		const { code } = await register('Kiosk codes');
		const key = await generateKioskKey();
		for (const wrong of ['AAAA-BBBB-CCCC', 'not a code', code.replace(/^.{4}/, 'ZZZZ')]) {
			const response = await enrol(wrong, key);
			expect([response.status, await errorCode(response)]).toEqual([400, 'enrolment_code_invalid']);
		}
		expect((await enrol(code.toLowerCase(), key)).status).toBe(200);
		const reused = await enrol(code, await generateKioskKey());
		expect([reused.status, await errorCode(reused)]).toEqual([400, 'enrolment_code_invalid']);
	}, 30_000);

	it('refuses a public key with its private part, and one that is not on the curve', async () => {
		const { code } = await register('Kiosk keys');
		const extractable = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
		const privateJwk = await crypto.subtle.exportKey('jwk', extractable.privateKey);
		const post = (public_key: unknown) => fetch(`${server.base}/api/kiosk/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, public_key }) });
		const withPrivate = await post(privateJwk);
		expect([withPrivate.status, await errorCode(withPrivate)]).toEqual([400, 'invalid_format']);
		const offCurve = await post({ kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) });
		expect([offCurve.status, await errorCode(offCurve)]).toEqual([400, 'invalid_format']);
		// Neither used the code up.
		expect((await enrol(code, await generateKioskKey())).status).toBe(200);
	}, 30_000);

	it('refuses a replayed request, a stale or future time, another body under the same signature, and a foreign key', async () => {
		const kiosk = await enrolledKiosk('Kiosk signatures');
		const send = (signed: { headers: Record<string, string>; body?: string }, path = '/api/kiosk/heartbeat', body = signed.body) =>
			fetch(`${server.base}${path}`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body });
		const payload = JSON.stringify({ app_version: '1.2.3' });
		const signed = await signKioskRequest(kiosk.id, kiosk.key, { method: 'POST', path: '/api/kiosk/heartbeat', body: payload });
		expect((await send(signed)).status).toBe(200);
		const replay = await send(signed);
		expect([replay.status, await errorCode(replay)]).toEqual([401, 'kiosk_replay']);

		for (const offset of [-61_000, 61_000]) {
			const skewed = await signKioskRequest(kiosk.id, kiosk.key, { method: 'POST', path: '/api/kiosk/heartbeat', body: payload }, Date.now() + offset);
			const response = await send(skewed);
			expect([response.status, await errorCode(response)]).toEqual([401, 'kiosk_clock_skew']);
		}
		const other = await signKioskRequest(kiosk.id, kiosk.key, { method: 'POST', path: '/api/kiosk/heartbeat', body: payload });
		const swapped = await send(other, '/api/kiosk/heartbeat', JSON.stringify({ app_version: '6.6.6' }));
		expect([swapped.status, await errorCode(swapped)]).toEqual([401, 'kiosk_signature_invalid']);
		const elsewhere = await signKioskRequest(kiosk.id, kiosk.key, { method: 'POST', path: '/api/kiosk/heartbeat', body: payload });
		const moved = await send(elsewhere, '/api/kiosk/session/anonymous');
		expect([moved.status, await errorCode(moved)]).toEqual([401, 'kiosk_signature_invalid']);
		const stranger = await signKioskRequest(kiosk.id, await generateKioskKey(), { method: 'POST', path: '/api/kiosk/heartbeat', body: payload });
		const forged = await send(stranger);
		expect([forged.status, await errorCode(forged)]).toEqual([401, 'kiosk_signature_invalid']);
		const unsigned = await fetch(`${server.base}/api/kiosk/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
		expect([unsigned.status, await errorCode(unsigned)]).toEqual([401, 'kiosk_unknown']);
	}, 30_000);

	it('stops a revoked kiosk at once, mid-session, and a new code re-keys it', async () => {
		const kiosk = await enrolledKiosk('Kiosk revoked');
		await identify(kiosk, '+97336100202');
		expect((await admin('POST', `/api/admin/kiosk-devices/${kiosk.id}/revoke`)).status).toBe(200);
		for (const [method, path, body] of [
			['POST', '/api/kiosk/cases', complaint],
			['POST', '/api/kiosk/heartbeat', {}],
			['POST', '/api/kiosk/finish', undefined]
		] as const) {
			const response = await kiosk.call(method, path, body);
			expect([response.status, await errorCode(response)]).toEqual([403, 'kiosk_revoked']);
		}
		const fleet = await (await admin('GET', '/api/admin/kiosk-devices')).json();
		expect(fleet.kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === kiosk.id)).toMatchObject({ state: 'revoked', in_session: false });

		const reissued = await (await admin('POST', `/api/admin/kiosk-devices/${kiosk.id}/code`)).json();
		const key = await generateKioskKey();
		expect((await enrol(reissued.enrolment_code, key)).status).toBe(200);
		// The old key stays refused; the new one works.
		const old = await kiosk.call('POST', '/api/kiosk/heartbeat', {});
		expect([old.status, await errorCode(old)]).toEqual([401, 'kiosk_signature_invalid']);
		expect((await kioskFetch(server.base, kiosk.id, key, 'POST', '/api/kiosk/heartbeat', {})).status).toBe(200);
	}, 30_000);

	it("files only for the citizen who identified, and reads no one's cases", async () => {
		const kiosk = await enrolledKiosk('Kiosk one citizen');
		const someone = await signInCitizen(server.base, '+97336100203');
		const own = await (await fetch(`${server.base}/api/session`, { headers: { cookie: someone.cookie } })).json();
		expect(own.user.user_id).toBe(someone.user.user_id);

		// No one identified: nothing can be filed, for anyone.
		const nobody = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, citizen_id: someone.user.user_id });
		expect([nobody.status, await errorCode(nobody)]).toEqual([409, 'kiosk_no_citizen']);
		await identify(kiosk, '+97336100204');
		const other = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, citizen_id: someone.user.user_id });
		expect([other.status, await errorCode(other)]).toEqual([403, 'kiosk_citizen_mismatch']);
		// An author smuggled into the action is refused by the gate's own check.
		const author = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, author: { user_id: someone.user.user_id, role: 'citizen' } });
		expect([author.status, await errorCode(author)]).toEqual([400, 'not_allowed']);
		const stamp = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, kiosk: { kiosk_id: 'kiosk-0000000000000000', name: 'x', centre: 'y' } });
		expect(stamp.status).toBe(400);

		// Someone's case, filed from their phone: the kiosk's receipt route does not know it.
		const theirs = (await (await kiosk.call('POST', '/api/kiosk/cases', complaint)).json()).case_key;
		await receiptOf(kiosk, theirs);
		const other_kiosk = await enrolledKiosk('Kiosk nosy');
		await identify(other_kiosk, '+97336100205');
		const nosy = await other_kiosk.call('GET', `/api/kiosk/receipt/${theirs}`);
		expect(nosy.status).toBe(404);
		// Nor does the kiosk reach the replication gate or anyone's database.
		for (const db of [userDb(someone.user.user_id), 'intake', 'cases']) {
			const response = await kiosk.call('GET', `/db/${db}/_all_docs`);
			expect(response.status).toBe(401);
		}
	}, 60_000);

	it('gives a kiosk nothing of the staff API', async () => {
		const kiosk = await enrolledKiosk('Kiosk staff pages');
		for (const path of ['/api/admin/kiosk-devices', '/api/admin/staff', '/api/audit', '/api/stats/overview', '/api/session']) {
			const response = await kiosk.call('GET', path);
			expect([401, 403]).toContain(response.status);
		}
		const revoke = await kiosk.call('POST', `/api/admin/kiosk-devices/${kiosk.id}/revoke`);
		expect(revoke.status).toBe(401);
		// A citizen's or staff session cookie does not make a kiosk either.
		const agent = await signInStaff(server.base, 'agent.works');
		const asAgent = await fetch(`${server.base}/api/kiosk/heartbeat`, { method: 'POST', headers: { cookie: agent.cookie, 'content-type': 'application/json' }, body: '{}' });
		expect([asAgent.status, await errorCode(asAgent)]).toEqual([401, 'kiosk_unknown']);
		const agentFleet = await admin('GET', '/api/admin/kiosk-devices', undefined, agent);
		expect(agentFleet.status).toBe(403);
	}, 30_000);

	it.each([
		[{ centre: 'Sitra service centre' }, [{ field: 'name', code: 'required' }]],
		[
			{ name: '   ', centre: ' \t ' },
			[
				{ field: 'name', code: 'required' },
				{ field: 'centre', code: 'required' }
			]
		],
		[{ name: 'Kiosk', centre: 'c'.repeat(121) }, [{ field: 'centre', code: 'too_long', params: { max: 120 } }]],
		[{ name: 'Kiosk', centre: 'Sitra', location: 7 }, [{ field: 'location', code: 'invalid_format' }]]
	])('registers no kiosk without a name and a service centre, spaces alone included (%o)', async (input, fields) => {
		const before = (await (await admin('GET', '/api/admin/kiosk-devices')).json()).kiosks.length;
		const refused = await admin('POST', '/api/admin/kiosk-devices', input);
		expect(refused.status).toBe(400);
		expect((await refused.json()).error.fields).toEqual(fields);
		expect((await (await admin('GET', '/api/admin/kiosk-devices')).json()).kiosks).toHaveLength(before);
	});

	it('takes the photos from the kiosk camera inline, within a bounded number and size', async () => {
		const kiosk = await enrolledKiosk('Kiosk photos');
		const phone = '+97336100207';
		await identify(kiosk, phone);
		const photo = (await smallImage('jpeg', 320, 240)).toString('base64');
		const withPhoto = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: photo } } });
		expect(withPhoto.status).toBe(202);
		const { case_key } = await withPhoto.json();
		await receiptOf(kiosk, case_key);
		const citizen = await signInCitizen(server.base, phone);
		const mine = await waitFor(() => remote(server.base, userDb(citizen.user.user_id), citizen).get(caseDocId(case_key)), 15_000, 'citizen replica');
		expect(JSON.stringify(mine)).toContain('photo-1.jpg');

		const four = Object.fromEntries([1, 2, 3, 4].map((n) => [`photo-${n}.jpg`, { content_type: 'image/jpeg', data: photo }]));
		const tooMany = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, _attachments: four });
		expect([tooMany.status, await errorCode(tooMany)]).toEqual([400, 'too_many_files']);
		const disguised = await kiosk.call('POST', '/api/kiosk/cases', {
			...complaint,
			_attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: Buffer.from('<html><script>alert(1)</script></html>').toString('base64') } }
		});
		expect(disguised.status).toBe(400);
		const huge = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: 'A'.repeat(3_000_000) } } });
		expect([huge.status, await errorCode(huge)]).toEqual([413, 'payload_too_large']);
		// Only the filing takes photos: every other kiosk request stays small.
		const bigBeat = await kiosk.call('POST', '/api/kiosk/heartbeat', { errors: ['x'.repeat(300)], padding: 'x'.repeat(100_000) });
		expect([bigBeat.status, await errorCode(bigBeat)]).toEqual([413, 'payload_too_large']);
	}, 30_000);

	it('refuses huge and malformed bodies with a clear code', async () => {
		const kiosk = await enrolledKiosk('Kiosk bodies');
		await identify(kiosk, '+97336100206');
		const huge = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, body: 'x'.repeat(3_000_000) });
		expect([huge.status, await errorCode(huge)]).toEqual([413, 'payload_too_large']);
		const longText = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, body: 'x'.repeat(20_000) });
		expect([longText.status, await errorCode(longText)]).toEqual([400, 'too_long']);
		const signed = await signKioskRequest(kiosk.id, kiosk.key, { method: 'POST', path: '/api/kiosk/cases', body: '{"case_type":' });
		const broken = await fetch(`${server.base}/api/kiosk/cases`, { method: 'POST', headers: { ...signed.headers, 'content-type': 'application/json' }, body: signed.body });
		expect([broken.status, await errorCode(broken)]).toEqual([400, 'invalid_format']);
		const array = await kiosk.call('POST', '/api/kiosk/cases', [complaint]);
		expect([array.status, await errorCode(array)]).toEqual([400, 'invalid_format']);
		const bigEnrol = await fetch(`${server.base}/api/kiosk/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'x'.repeat(50_000) }) });
		expect([bigEnrol.status, await errorCode(bigEnrol)]).toEqual([413, 'payload_too_large']);
		const unknownField = await kiosk.call('POST', '/api/kiosk/cases', { ...complaint, priority: 'urgent' });
		expect(unknownField.status).toBe(400);
	}, 30_000);
});
