/** Sends the queued pushes (issue 16) with web-push: each job is claimed (saved as `sending`)
 * before its push service is called, so two instances never push the same job and a crash in
 * between leaves an `uncertain` job that is not pushed again. A 404 or 410 means the browser
 * dropped the subscription: it is removed and the job is `gone`, never retried; any other failure
 * is tried again later, up to `maxAttempts`, then the job is `dead`. */
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { forEachLimited } from '../engine/attachments.js';
import { log } from '../log.js';
import { getOrNull } from '../store-docs.js';
import type { Store } from '../store.js';
import { PollingLoop } from '../wakeup.js';
import type { VapidKeys } from './config.js';
import { claimedPushJobs, duePushJobs, savePushJobs, type PushJob } from './jobs.js';
import { removeSubscriptionDoc, type SubscriptionDoc } from './subscriptions.js';

export interface PushSenderOptions {
	vapid: VapidKeys;
	maxAttempts: number;
	instanceId: string;
	/** The TLS agent for the push services; the default trusts the system's certificates. */
	agent?: Agent;
	now?: () => number;
	pollMs?: number;
	/** The first retry waits this long, each next one twice as long (at most an hour). */
	retryBaseMs?: number;
	/** A claim older than this is a dead process's: its job becomes uncertain. */
	claimTimeoutMs?: number;
}

/** A day: a nudge older than that is no news any more (the case synced long since). */
const TTL_SECONDS = 86_400;
const BATCH = 50;
const PARALLEL = 8;

export class PushSender {
	readonly boot = randomUUID();
	readonly counts = { sent: 0, retried: 0, gone: 0, dead: 0, uncertain: 0 };
	private readonly now: () => number;
	private readonly loop: PollingLoop;

	constructor(
		private readonly store: Store,
		private readonly options: PushSenderOptions
	) {
		this.now = options.now ?? Date.now;
		this.loop = new PollingLoop({
			name: 'push',
			pollMs: options.pollMs ?? 5_000,
			recover: () => this.recover(),
			round: async () => (await this.sendDue()) > 0
		});
	}

	start(): void {
		this.loop.start();
	}

	stop(): Promise<void> {
		return this.loop.stop();
	}

	/** Something was queued: look now instead of at the next poll. */
	kick(): void {
		this.loop.kick();
	}

	/** For /healthz: whether it runs, and what it did since start. */
	status() {
		return { running: this.loop.running, ...this.counts };
	}

	/** One round: claims and sends what is due; the number of jobs it handled. */
	async sendDue(): Promise<number> {
		const due = await duePushJobs(this.store, new Date(this.now()), BATCH);
		if (due.length === 0) return 0;
		const at = new Date(this.now()).toISOString();
		const claimed = await savePushJobs(
			this.store,
			due.map((job) => ({ ...job, status: 'sending' as const, claim: { by: this.options.instanceId, boot: this.boot, at }, updated_at: at }))
		);
		const outcomes: PushJob[] = [];
		await forEachLimited(claimed, PARALLEL, async (job) => {
			outcomes.push(await this.attempt(job));
		});
		await savePushJobs(this.store, outcomes);
		return due.length;
	}

	/** Claims left by an earlier life of this instance, or anyone's long expired: not pushed again. */
	private async recover(): Promise<void> {
		const now = this.now();
		const timeout = this.options.claimTimeoutMs ?? 120_000;
		const stale = (await claimedPushJobs(this.store, 10_000)).filter(
			(job) => (job.claim?.by === this.options.instanceId && job.claim.boot !== this.boot) || Date.parse(job.claim?.at ?? '') < now - timeout
		);
		if (stale.length === 0) return;
		const iso = new Date(now).toISOString();
		const marked = await savePushJobs(
			this.store,
			stale.map((job) => ({ ...job, status: 'uncertain', claim: null, error: 'interrupted between claim and answer', updated_at: iso }))
		);
		this.counts.uncertain += marked.length;
		log.warn('push jobs interrupted by a crash marked uncertain, not resent', { count: marked.length });
	}

	private async attempt(job: PushJob): Promise<PushJob> {
		const iso = new Date(this.now()).toISOString();
		const base: PushJob = { ...job, claim: null, attempts: job.attempts + 1, updated_at: iso };
		const subscription = await getOrNull(this.store.use<SubscriptionDoc>(DB.PUSH), job.subscription_id);
		if (!subscription) return { ...base, attempts: job.attempts, status: 'gone', error: 'subscription removed' };
		try {
			await webpush.sendNotification({ endpoint: subscription.endpoint, keys: subscription.keys }, JSON.stringify(job.payload), {
				vapidDetails: this.options.vapid,
				TTL: TTL_SECONDS,
				urgency: 'normal',
				contentEncoding: 'aes128gcm',
				timeout: 15_000,
				...(this.options.agent ? { agent: this.options.agent } : {})
			});
			this.counts.sent++;
			return { ...base, status: 'sent', sent_at: iso };
		} catch (error) {
			return this.failed(base, subscription, error);
		}
	}

	private async failed(job: PushJob, subscription: SubscriptionDoc, error: unknown): Promise<PushJob> {
		const status = error instanceof webpush.WebPushError ? error.statusCode : null;
		const message = status ? `push service answered ${status}` : (error as Error).message;
		if (status === 404 || status === 410) {
			await removeSubscriptionDoc(this.store, subscription._id);
			this.counts.gone++;
			log.info('push subscription gone, removed', { job: job._id, status });
			return { ...job, status: 'gone', error: message };
		}
		if (job.attempts >= this.options.maxAttempts) {
			this.counts.dead++;
			log.warn('push given up', { job: job._id, attempts: job.attempts, error: message });
			return { ...job, status: 'dead', error: message };
		}
		this.counts.retried++;
		const wait = Math.min((this.options.retryBaseMs ?? 30_000) * 2 ** (job.attempts - 1), 3_600_000);
		return { ...job, status: 'queued', error: message, next_at: new Date(this.now() + wait).toISOString() };
	}
}
