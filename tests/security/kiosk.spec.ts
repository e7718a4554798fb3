/** Issue 12: a kiosk's one-time code and its signed requests must hold under parallel attack.
 * One enrolment code sent with thirty different keys at once binds exactly one of them; one
 * captured signed request sent thirty times at once is accepted exactly once; a flood of
 * enrolment guesses from one address is cut off; none of it gets a 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKioskKey, kioskFetch, publicJwk, signKioskRequest } from '../../src/lib/client/kiosk-signer.js';
import { signInCitizen, signInStaff, startInProcess, type Session } from '../integration/harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let coordinator: Session;
const PARALLEL = 30;

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
}, 60_000);
afterAll(async () => {
	await server?.stop();
});

async function register(name: string): Promise<{ kiosk_id: string; code: string }> {
	const response = await fetch(`${server.base}/api/admin/kiosk-devices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: coordinator.cookie },
		body: JSON.stringify({ name, centre: 'Isa Town service centre' })
	});
	const body = await response.json();
	return { kiosk_id: body.kiosk.kiosk_id, code: body.enrolment_code };
}

const enrol = async (code: string, key: Awaited<ReturnType<typeof generateKioskKey>>) =>
	fetch(`${server.base}/api/kiosk/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, public_key: await publicJwk(key) }) });

describe('kiosk enrolment and signatures under parallel attack', () => {
	it('opens one session from a phone link, however many phones and picks race for it', async () => {
		const { kiosk_id, code } = await register('Kiosk linked');
		const key = await generateKioskKey();
		expect((await enrol(code, key)).status).toBe(200);
		const call = (path: string, body?: unknown) => kioskFetch(server.base, kiosk_id, key, 'POST', path, body);
		const { link } = await (await call('/api/kiosk/session/link')).json();
		const citizens = await Promise.all(Array.from({ length: 10 }, (_, i) => signInCitizen(server.base, `+9733620${String(i).padStart(4, '0')}`)));
		const confirms = await Promise.all(
			citizens.map((citizen) =>
				fetch(`${server.base}/api/kiosk-link/confirm`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: citizen.cookie }, body: JSON.stringify({ token: link.token }) })
			)
		);
		const statuses = confirms.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(1);
		expect(statuses.every((s) => s === 200 || s === 409 || s === 429)).toBe(true);
		const { check } = await confirms[statuses.indexOf(200)].json();

		const picks = await Promise.all(Array.from({ length: PARALLEL }, () => call('/api/kiosk/session/link/choose', { token: link.token, choice: check })));
		const answers = await Promise.all(picks.map(async (r) => (r.status === 200 ? ((await r.json()) as { status: string; session?: { phone_end: string } }) : { status: `http ${r.status}` })));
		// Every pick that got in opens the session of the one citizen who confirmed (the same pick
		// again is answered again, as when an answer is lost); nothing else is ever opened.
		const opened = answers.filter((a) => a.status === 'confirmed');
		expect(opened.length, answers.map((a) => a.status).join(' ')).toBeGreaterThan(0);
		expect(new Set(opened.map((a) => a.session?.phone_end)).size).toBe(1);
		expect(answers.every((a) => a.status === 'confirmed' || a.status === 'used' || a.status === 'http 429')).toBe(true);
		const winner = citizens[statuses.indexOf(200)];
		const kioskDoc = await server.store.use<any>('auth').get(`kiosk:${kiosk_id}`);
		expect(kioskDoc.session.citizen_id).toBe(winner.user.user_id);
	}, 60_000);

	it('accepts one captured request once, however many copies arrive together', async () => {
		const { kiosk_id, code } = await register('Kiosk replayed');
		const key = await generateKioskKey();
		expect((await enrol(code, key)).status).toBe(200);
		const signed = await signKioskRequest(kiosk_id, key, { method: 'POST', path: '/api/kiosk/session/anonymous' });
		const responses = await Promise.all(Array.from({ length: PARALLEL }, () => fetch(`${server.base}/api/kiosk/session/anonymous`, { method: 'POST', headers: signed.headers })));
		const codes = await Promise.all(responses.map(async (r) => (r.status === 200 ? 'ok' : ((await r.json()).error?.code as string))));
		expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
		// The others are replays, or (when the store was too contended to decide) told to retry; never a 5xx.
		expect(codes.every((c) => c === 'ok' || c === 'kiosk_replay' || c === 'rate_limited')).toBe(true);
		expect(codes.filter((c) => c === 'kiosk_replay').length).toBeGreaterThan(0);
	}, 60_000);

	it('binds one code to exactly one of many keys racing for it', async () => {
		const { kiosk_id, code } = await register('Kiosk raced');
		const keys = await Promise.all(Array.from({ length: PARALLEL }, () => generateKioskKey()));
		const responses = await Promise.all(keys.map((key) => enrol(code, key)));
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(1);
		// The losers learn the code is spent (or, past the failures allowed, that they must wait).
		expect(statuses.every((s) => s === 200 || s === 400 || s === 429)).toBe(true);
		// The winner's key signs; every loser's key is refused.
		const winner = keys[statuses.indexOf(200)];
		expect((await kioskFetch(server.base, kiosk_id, winner, 'POST', '/api/kiosk/heartbeat', {})).status).toBe(200);
		const loser = keys[statuses.findIndex((s) => s !== 200)];
		expect((await kioskFetch(server.base, kiosk_id, loser, 'POST', '/api/kiosk/heartbeat', {})).status).toBe(401);
	}, 60_000);

	it('cuts off a flood of enrolment guesses from one address, the right code included', async () => {
		const key = await generateKioskKey();
		const statuses: number[] = [];
		for (let i = 0; i < 25; i++) statuses.push((await enrol('AAAA-BBBB-CCCC', key)).status);
		// The race above spent most of the address's failures already.
		expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
		expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
		const { code } = await register('Kiosk after a flood');
		const late = await enrol(code, key);
		expect([late.status, (await late.json()).error?.code]).toEqual([429, 'rate_limited']);
	}, 60_000);
});
