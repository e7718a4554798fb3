import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import type { Store } from '../store.js';
import { SmsSendError, type GatewayEvents, type SmsGateway, type SmsMessage } from './gateway.js';
import { getJob, installSmsDesign, jobDocId, saveJobs, type SmsJob } from './jobs.js';
import { handleInbound, keywordOf } from './opt-out.js';
import { SmsSender } from './sender.js';

let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
	({ store, close } = await openTestStore());
	await installSmsDesign(store);
});
afterAll(() => close());

/** A gateway that records what it sends and fails as told. */
function fakeGateway(fail: (m: SmsMessage, n: number) => Error | null = () => null) {
	const sent: SmsMessage[] = [];
	let calls = 0;
	let events: GatewayEvents | null = null;
	const gateway: SmsGateway = {
		name: 'fake',
		async send(message) {
			const error = fail(message, ++calls);
			if (error) throw error;
			sent.push(message);
			return { provider_ids: [`p-${message.id}`], parts: 1 };
		},
		listen(handlers) {
			events = handlers;
		}
	};
	return { gateway, sent, events: () => events! };
}

let n = 0;
const phone = () => `+9733610${String(++n).padStart(4, '0')}`;
const job = (to: string, purpose: 'otp' | 'rating' = 'rating', extra = {}) => ({ source: `test-${++n}`, purpose, to, text: `hello ${n}`, ...extra });

describe('SmsSender', () => {
	it('sends a queued message once, records the provider id, and hides its secret afterwards', async () => {
		const { gateway, sent } = fakeGateway();
		const sender = new SmsSender(store, { gateway, instanceId: 'a' });
		const to = phone();
		const queued = job(to, 'rating', { text: 'Rate: https://x/r/SECRET-TOKEN', secret: 'SECRET-TOKEN' });
		await sender.sendNow(queued);
		await sender.sendNow(queued);
		expect(sent.map((m) => m.text)).toEqual(['Rate: https://x/r/SECRET-TOKEN']);
		const stored = (await getJob(store, jobDocId(queued.source)))!;
		expect(stored).toMatchObject({ status: 'sent', attempts: 1, provider_ids: [`p-${jobDocId(queued.source)}`], text: 'Rate: https://x/r/…' });
		expect(JSON.stringify(stored)).not.toContain('SECRET-TOKEN');
	});

	it('retries a temporary failure with growing backoff, then dead-letters it after the bounded tries', async () => {
		const clock = manualClock();
		const { gateway, sent } = fakeGateway(() => new SmsSendError('throttled', true));
		const sender = new SmsSender(store, { gateway, instanceId: 'b', now: clock.now, maxAttempts: 3 });
		const queued = job(phone());
		await sender.sendNow(queued);
		let stored = (await getJob(store, jobDocId(queued.source)))!;
		expect(stored).toMatchObject({ status: 'queued', attempts: 1 });
		const firstWait = Date.parse(stored.next_at) - clock.now();
		expect(firstWait).toBeGreaterThanOrEqual(1600);
		expect(firstWait).toBeLessThanOrEqual(2400);
		// Later tries come from the loop's due query; run them by hand.
		for (const _ of [1, 2]) {
			clock.advance(10 * 60_000);
			stored = (await getJob(store, jobDocId(queued.source)))!;
			await (sender as unknown as { process(jobs: SmsJob[]): Promise<void> }).process([stored]);
		}
		stored = (await getJob(store, jobDocId(queued.source)))!;
		expect(stored).toMatchObject({ status: 'dead', attempts: 3, error: 'throttled' });
		expect(sent).toHaveLength(0);
		expect(sender.backoff(2)).toBeGreaterThan(sender.backoff(1));
	});

	it('dead-letters a permanent refusal at once, and never resends an uncertain one', async () => {
		const { gateway } = fakeGateway((m) => (m.to.endsWith('1') ? new SmsSendError('unknown subscriber', false) : new SmsSendError('no answer', false, true)));
		const sender = new SmsSender(store, { gateway, instanceId: 'c' });
		const refused = job('+97336111111');
		const unanswered = job('+97336111112');
		await sender.sendNow(refused);
		await sender.sendNow(unanswered);
		expect((await getJob(store, jobDocId(refused.source)))!.status).toBe('dead');
		expect((await getJob(store, jobDocId(unanswered.source)))!.status).toBe('uncertain');
	});

	it('sends nothing but sign-in codes to a number that replied STOP, until START', async () => {
		const { gateway, sent } = fakeGateway();
		const sender = new SmsSender(store, { gateway, instanceId: 'd' });
		const to = phone();
		await handleInbound(store, { from: to.slice(1), text: ' stop ' }, new Date());
		const rating = job(to);
		const code = job(to, 'otp');
		await sender.sendNow(rating);
		await sender.sendNow(code);
		expect((await getJob(store, jobDocId(rating.source)))!.status).toBe('opted_out');
		expect(sent.map((m) => m.text)).toEqual([code.text]);
		await handleInbound(store, { from: to, text: 'START' }, new Date());
		const later = job(to);
		await sender.sendNow(later);
		expect((await getJob(store, jobDocId(later.source)))!.status).toBe('sent');
	});

	it.each([
		['STOP', 'stop'],
		['Stop.', 'stop'],
		['إيقاف', 'stop'],
		['الغاء', 'stop'],
		['start', 'start'],
		['stop sending me things', null],
		['شكرا', null]
	])('reads %s as %s', (text, keyword) => {
		expect(keywordOf(text)).toBe(keyword);
	});

	it('holds back messages over the per-number limit instead of dropping them', async () => {
		const clock = manualClock();
		const { gateway, sent } = fakeGateway();
		const sender = new SmsSender(store, { gateway, instanceId: 'e', now: clock.now, perNumberPerHour: 2 });
		const to = phone();
		const jobs = [job(to), job(to), job(to)];
		for (const j of jobs) await sender.sendNow(j);
		expect(sent).toHaveLength(2);
		const third = (await getJob(store, jobDocId(jobs[2].source)))!;
		expect(third).toMatchObject({ status: 'queued', attempts: 0 });
		expect(Date.parse(third.next_at)).toBeGreaterThan(clock.now());
		// Sign-in codes have their own limit and are never held back here.
		await sender.sendNow(job(to, 'otp'));
		expect(sent).toHaveLength(3);
	});

	it('lets only one of two racing senders send a job: the claim decides', async () => {
		const a = fakeGateway();
		const b = fakeGateway();
		const one = new SmsSender(store, { gateway: a.gateway, instanceId: 'f1' });
		const two = new SmsSender(store, { gateway: b.gateway, instanceId: 'f2' });
		const queued = job(phone());
		await one.enqueue(queued);
		const stored = (await getJob(store, jobDocId(queued.source)))!;
		const run = (s: SmsSender) => (s as unknown as { process(jobs: SmsJob[]): Promise<void> }).process([stored]);
		await Promise.all([run(one), run(two)]);
		expect(a.sent.length + b.sent.length).toBe(1);
	});

	it('marks its own claims from before a crash uncertain on restart and does not send them again', async () => {
		const { gateway, sent } = fakeGateway();
		const queued = job(phone());
		const before = new SmsSender(store, { gateway, instanceId: 'g' });
		await before.enqueue(queued);
		const stored = (await getJob(store, jobDocId(queued.source)))!;
		// As if the process died right after its claim was saved.
		await saveJobs(store, [{ ...stored, status: 'sending', claim: { by: 'g', boot: before.boot, at: new Date().toISOString() } }]);
		const after = new SmsSender(store, { gateway, instanceId: 'g', pollMs: 50 });
		after.start();
		await new Promise((r) => setTimeout(r, 300));
		await after.stop();
		expect((await getJob(store, jobDocId(queued.source)))!.status).toBe('uncertain');
		// (Jobs other tests left queued may go out meanwhile; this one must not.)
		expect(sent.filter((m) => m.id === jobDocId(queued.source))).toHaveLength(0);
	});

	it('updates a message with its delivery receipt, even one that beats the save of its send', async () => {
		const fake = fakeGateway();
		const sender = new SmsSender(store, { gateway: fake.gateway, instanceId: 'h' });
		const queued = job(phone());
		const id = jobDocId(queued.source);
		fake.gateway.send = async (message) => {
			// The receipt arrives before send() has even returned.
			fake.events().receipt({ provider_id: `p-${message.id}`, state: 'delivered' });
			return { provider_ids: [`p-${message.id}`], parts: 1 };
		};
		await sender.sendNow(queued);
		await new Promise((r) => setTimeout(r, 100));
		expect((await getJob(store, id))!.status).toBe('delivered');
		const failed = job(phone());
		fake.gateway.send = async (message) => ({ provider_ids: [`p-${message.id}`], parts: 1 });
		await sender.sendNow(failed);
		fake.events().receipt({ provider_id: `p-${jobDocId(failed.source)}`, state: 'failed', detail: 'UNDELIV' });
		await new Promise((r) => setTimeout(r, 200));
		expect((await getJob(store, jobDocId(failed.source)))!).toMatchObject({ status: 'undelivered', error: 'UNDELIV' });
	});
});
