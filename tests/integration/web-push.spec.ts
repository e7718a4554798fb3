/** Web Push to the citizen's installed app (issue 16), end to end against a push service on
 * loopback (tests/support/push-service.ts): the server signs each push with its VAPID key and
 * encrypts it for the device, which the test decrypts with the subscription's private key, as the
 * browser would. A subscription that answers 410 is removed and not tried again; a failure is
 * retried a bounded number of times; a restart that replays the whole feed pushes nothing twice.
 * Runs on the embedded store, and on CouchDB with TAWASUL_TEST_COUCHDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { followUp, openLaneStore, restartReplaying, settled, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, waitFor, type Session } from './harness.js';
import { pullDoc, push } from './rating-helpers.js';
import { decryptPush, startPushService, verifyVapid, type DeviceSubscription, type PushService } from '../support/push-service.js';
import { enqueuePush, installPushDesign, type PushJob } from '../../sync-server/src/push/jobs.js';
import { PushSender } from '../../sync-server/src/push/sender.js';
import { saveSubscription, subscriptionsOf } from '../../sync-server/src/push/subscriptions.js';
import type { Store } from '../../sync-server/src/store.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const VAPID = webpush.generateVAPIDKeys();
const DATA_DIR = tempDir();
let service: PushService;
let server: Server;
let env: Record<string, string>;

beforeAll(async () => {
	service = await startPushService();
	env = {
		DATA_DIR,
		VAPID_PUBLIC_KEY: VAPID.publicKey,
		VAPID_PRIVATE_KEY: VAPID.privateKey,
		VAPID_SUBJECT: 'mailto:ops@tawasul.example',
		PUSH_ALLOWED_HOSTS: '127.0.0.1'
	};
	server = await startInProcess(env, { pushAgent: service.agent });
});

afterAll(async () => {
	await server?.stop();
	await service?.close();
});

const jobsOf = async (store: Store) => (await store.use<PushJob>('push').list({ include_docs: true, startkey: 'job:', endkey: 'job:\uffff' })).rows.map((row) => row.doc!);

/** Waits until no push is queued or being sent. */
async function drained(store: Store): Promise<PushJob[]> {
	return waitFor(
		async () => {
			const jobs = await jobsOf(store);
			return jobs.every((job) => job.status !== 'queued' && job.status !== 'sending') ? jobs : undefined;
		},
		20_000,
		'the push queue drained'
	);
}

async function register(session: Session, device: DeviceSubscription, locale = 'ar'): Promise<Response> {
	return fetch(`${server.base}/api/push/subscription`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body: JSON.stringify({ endpoint: device.endpoint, keys: device.keys, expirationTime: null, locale })
	});
}

/** The decrypted pushes `device` received after `from` requests, as the service worker reads them. */
function pushesTo(device: DeviceSubscription, name: string, from = 0): unknown[] {
	return service.received
		.slice(from)
		.filter((r) => r.device === name && r.status === 201)
		.map((r) => JSON.parse(decryptPush(r.body, device)));
}

describe("Web Push to a citizen's devices", () => {
	let citizen: Session;
	let works: Session;
	let phone: DeviceSubscription;
	let old: DeviceSubscription;
	let caseKey: string;
	let ref: string;

	beforeAll(async () => {
		citizen = await signInCitizen(server.base, '+97336000701');
		works = await signInStaff(server.base, 'agent.works');
		phone = service.device('phone');
		old = service.device('old-tablet');
	});

	it('offers the VAPID public key without sign-in', async () => {
		expect(await (await fetch(`${server.base}/api/push/key`)).json()).toEqual({ enabled: true, public_key: VAPID.publicKey });
	});

	it("registers the citizen's devices", async () => {
		expect((await register(citizen, phone, 'en')).status).toBe(200);
		expect((await register(citizen, old)).status).toBe(200);
		expect((await subscriptionsOf(server.store, citizen.user.user_id)).map((s) => s.endpoint).sort()).toEqual([old.endpoint, phone.endpoint].sort());
	});

	it('pushes the reference of a case filed offline, signed and encrypted for each device; a 410 removes that device', async () => {
		service.answer('old-tablet', 410);
		const submit = submitAction({ locale: 'ar', client_time: new Date(Date.now() - 3_600_000).toISOString() });
		caseKey = submit.case_key;
		await push(server.base, citizen, [submit]);
		await settled(server);
		await drained(server.store);
		ref = (await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `case:${caseKey}`)).ref;
		expect(pushesTo(phone, 'phone')).toEqual([{ notice: 'reference_issued', ref, case_key: caseKey, locale: 'en' }]);
		const request = service.received.find((r) => r.device === 'phone')!;
		expect(request.headers['content-encoding']).toBe('aes128gcm');
		expect(Number(request.headers.ttl)).toBeGreaterThan(0);
		const claims = verifyVapid(request.headers.authorization as string, VAPID.publicKey);
		expect(claims).toMatchObject({ aud: service.origin, sub: 'mailto:ops@tawasul.example' });
		expect(claims.exp * 1000).toBeGreaterThan(Date.now());
		// The tablet's push service said the subscription is gone: removed, its job not retried.
		expect(service.received.filter((r) => r.device === 'old-tablet').map((r) => r.status)).toEqual([410]);
		expect((await subscriptionsOf(server.store, citizen.user.user_id)).map((s) => s.endpoint)).toEqual([phone.endpoint]);
		expect((await jobsOf(server.store)).find((job) => job.payload.notice === 'reference_issued' && job.status === 'gone')).toBeTruthy();
		expect((await (await fetch(`${server.base}/healthz`)).json()).push).toMatchObject({ running: true, sent: 1, gone: 1, dead: 0 });
	});

	it('pushes each later notice once, the final reply too, and nothing to the removed device', async () => {
		const from = service.received.length;
		for (const action of [followUp(caseKey, 'request_info', { body: 'Which pole?' }), followUp(caseKey, 'reply', { body: 'Fixed.' })]) {
			await push(server.base, works, [action]);
			await settled(server);
			await drained(server.store);
		}
		expect(pushesTo(phone, 'phone', from)).toEqual([
			{ notice: 'info_requested', ref, case_key: caseKey, locale: 'en' },
			{ notice: 'final_reply', ref, case_key: caseKey, locale: 'en' }
		]);
		expect(service.received.slice(from).some((r) => r.device === 'old-tablet')).toBe(false);
	});

	it('pushes nothing twice when the engine replays its whole feed after a restart', async () => {
		const from = service.received.length;
		const before = (await jobsOf(server.store)).map((job) => `${job._id} ${job.status}`).sort();
		server = await restartReplaying(server, DATA_DIR, env, { pushAgent: service.agent });
		await drained(server.store);
		// The sender's poll has had its chance too.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(service.received.slice(from)).toEqual([]);
		expect((await jobsOf(server.store)).map((job) => `${job._id} ${job.status}`).sort()).toEqual(before);
	});

	it('lets the citizen remove a device', async () => {
		const removed = await fetch(`${server.base}/api/push/subscription`, {
			method: 'DELETE',
			headers: { 'content-type': 'application/json', cookie: citizen.cookie },
			body: JSON.stringify({ endpoint: phone.endpoint })
		});
		expect(await removed.json()).toEqual({ removed: true });
		expect(await subscriptionsOf(server.store, citizen.user.user_id)).toEqual([]);
	});
});

describe("the push sender's retries", () => {
	let store: Store;
	const payload = { notice: 'info_requested', ref: 'TW-1', case_key: '00000000-0000-4000-8000-000000000001', locale: 'ar' as const };

	beforeAll(async () => {
		store = await openLaneStore();
		await installPushDesign(store);
	});

	afterAll(async () => {
		await store?.close();
	});

	async function sendAll(sender: PushSender): Promise<PushJob[]> {
		for (let round = 0; round < 20; round++) {
			await sender.sendDue();
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return jobsOf(store);
	}

	it('tries again after a failure, then gives up after the bounded number of tries', async () => {
		const flaky = service.device('flaky');
		const broken = service.device('broken');
		service.answer('flaky', 500, 503);
		service.answer('broken', 500, 500, 500);
		for (const [user, device] of [
			['u-flaky', flaky],
			['u-broken', broken]
		] as const) {
			const sub = await saveSubscription(store, user, { endpoint: device.endpoint, keys: device.keys, locale: 'ar' }, new Date(), 5);
			expect(await enqueuePush(store, 'notice:act-retry', sub._id, payload, new Date())).toBe(true);
			// The same notice for the same device again: no second job.
			expect(await enqueuePush(store, 'notice:act-retry', sub._id, payload, new Date())).toBe(false);
		}
		const sender = new PushSender(store, { vapid: { ...VAPID, subject: 'mailto:ops@tawasul.example' }, maxAttempts: 3, instanceId: 'retry-test', agent: service.agent, retryBaseMs: 1 });
		const jobs = await sendAll(sender);
		const flakyJob = jobs.find((job) => job._id.includes('u-flaky'))!;
		const brokenJob = jobs.find((job) => job._id.includes('u-broken'))!;
		expect(flakyJob).toMatchObject({ status: 'sent', attempts: 3 });
		expect(brokenJob).toMatchObject({ status: 'dead', attempts: 3, error: 'push service answered 500' });
		expect(service.received.filter((r) => r.device === 'broken')).toHaveLength(3);
		expect(pushesTo(flaky, 'flaky')).toEqual([payload]);
		// A dead push leaves the subscription: only 404/410 say the device is gone.
		expect(await subscriptionsOf(store, 'u-broken')).toHaveLength(1);
	});
});
