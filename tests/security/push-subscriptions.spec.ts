/** The Web Push doors under attack (issue 16): only a signed-in citizen may register a device;
 * bodies are capped and checked strictly; endpoints other than the push services (our own
 * network above all, since the server posts there) are refused; a person keeps a few devices at
 * most however many they register, in parallel too; nobody removes another person's device; a
 * flood of changes is cut with a 429; with no VAPID keys the doors are shut and the key says so. */
import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { PUSH_CHANGES_PER_MINUTE } from '../../sync-server/src/push/routes.js';
import { subscriptionsOf } from '../../sync-server/src/push/subscriptions.js';
import { signInCitizen, signInStaff, startInProcess, type Session } from '../integration/harness.js';

const VAPID = webpush.generateVAPIDKeys();
let server: Awaited<ReturnType<typeof startInProcess>>;
let citizen: Session;
let other: Session;
let agent: Session;

beforeAll(async () => {
	server = await startInProcess({ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey, VAPID_SUBJECT: 'mailto:ops@tawasul.example', PUSH_DEVICES_PER_PERSON: '3' });
	[citizen, other, agent] = await Promise.all([signInCitizen(server.base, '+97336200801'), signInCitizen(server.base, '+97336200802'), signInStaff(server.base, 'agent.works')]);
}, 90_000);
afterAll(() => server?.stop());

function device(name = randomBytes(6).toString('hex')) {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	return { endpoint: `https://fcm.googleapis.com/fcm/send/${name}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

const call = (method: 'PUT' | 'DELETE', session: Session | null, body: string) =>
	fetch(`${server.base}/api/push/subscription`, { method, headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) }, body });

describe('push subscription doors under attack', () => {
	it('lets only a signed-in citizen register', async () => {
		expect((await call('PUT', null, JSON.stringify(device()))).status).toBe(401);
		const staff = await call('PUT', agent, JSON.stringify(device()));
		expect(staff.status).toBe(403);
		expect((await staff.json()).error.code).toBe('forbidden');
	});

	it('refuses an oversized body cheaply and a malformed one by field', async () => {
		const huge = await call('PUT', other, JSON.stringify({ ...device(), padding: 'x'.repeat(64 * 1024) }));
		expect(huge.status).toBe(413);
		const internal = await call('PUT', other, JSON.stringify({ ...device(), endpoint: 'https://127.0.0.1:5984/_users/_all_docs' }));
		expect(internal.status).toBe(400);
		expect((await internal.json()).error.fields).toContainEqual({ field: 'endpoint', code: 'not_allowed' });
		expect((await call('PUT', other, '{"endpoint":')).status).toBe(400);
		expect(await subscriptionsOf(server.store, other.user.user_id)).toEqual([]);
	});

	it('keeps a few devices a person, the latest, however many arrive at once', async () => {
		const devices = Array.from({ length: PUSH_CHANGES_PER_MINUTE - 2 }, () => device());
		const statuses = await Promise.all(devices.map((d) => call('PUT', citizen, JSON.stringify(d)).then((r) => r.status)));
		expect(statuses.every((s) => s === 200)).toBe(true);
		// Parallel registrations each trim to the limit; the last to finish leaves at most three.
		const kept = await subscriptionsOf(server.store, citizen.user.user_id);
		expect(kept.length).toBeGreaterThan(0);
		expect(kept.length).toBeLessThanOrEqual(3);
		// One more, alone: kept, and the oldest made way.
		const latest = device();
		expect((await call('PUT', citizen, JSON.stringify(latest))).status).toBe(200);
		const after = await subscriptionsOf(server.store, citizen.user.user_id);
		expect(after.map((s) => s.endpoint)).toContain(latest.endpoint);
		expect(after.length).toBeLessThanOrEqual(3);
	});

	it("does not let one person remove another's device", async () => {
		const mine = (await subscriptionsOf(server.store, citizen.user.user_id))[0];
		const attempt = await call('DELETE', other, JSON.stringify({ endpoint: mine.endpoint }));
		expect(await attempt.json()).toEqual({ removed: false });
		expect((await subscriptionsOf(server.store, citizen.user.user_id)).map((s) => s._id)).toContain(mine._id);
		expect((await call('DELETE', other, JSON.stringify({ endpoint: mine.endpoint, user_id: citizen.user.user_id }))).status).toBe(400);
	});

	it("keeps the push database out of every device's reach", async () => {
		for (const path of ['/db/push', '/db/push/_all_docs?include_docs=true', '/db/push/_changes']) {
			for (const session of [citizen, agent]) {
				const response = await fetch(`${server.base}${path}`, { headers: { cookie: session.cookie } });
				expect(response.status, `${path} as ${session.user.role}`).toBeGreaterThanOrEqual(400);
				expect(await response.text()).not.toContain('fcm.googleapis.com');
			}
		}
	});

	it('cuts a flood of changes with a 429', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < PUSH_CHANGES_PER_MINUTE + 3; i++) statuses.push((await call('PUT', other, JSON.stringify(device()))).status);
		expect(statuses).toContain(429);
		// The minute may turn during the flood: at most two minutes' worth are taken.
		expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2 * PUSH_CHANGES_PER_MINUTE);
	});
});

describe('push without VAPID keys', () => {
	let plain: Awaited<ReturnType<typeof startInProcess>>;
	beforeAll(async () => {
		plain = await startInProcess();
	}, 90_000);
	afterAll(() => plain?.stop());

	it('says it is off and shuts the door', async () => {
		expect(await (await fetch(`${plain.base}/api/push/key`)).json()).toEqual({ enabled: false });
		const session = await signInCitizen(plain.base, '+97336200803');
		const response = await fetch(`${plain.base}/api/push/subscription`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie: session.cookie }, body: JSON.stringify(device()) });
		expect(response.status).toBe(404);
	});
});
