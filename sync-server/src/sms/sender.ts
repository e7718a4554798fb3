/** The sender loop: takes due jobs from the queue, claims them (a revision-checked write, durable
 * before the provider is called), sends them through the gateway, and records the outcome.
 *
 * Why a message is never sent twice: a job's id comes from its source, so a source queues one
 * job; only the writer whose claim saved may send it; and a job found claimed after a crash is
 * never sent again, it becomes `uncertain` (the provider may or may not have it, and SMPP gives
 * no way to ask without the message id we never received). So a crash costs at most the messages
 * in flight at that instant, each sent at most once; the citizen can still rate in the app. */
import { randomUUID } from 'node:crypto';
import { SlidingWindow } from '../auth/rate-limit.js';
import { forEachLimited } from '../engine/attachments.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { SmsSendError, type DeliveryState, type SmsGateway, type SmsMessage } from './gateway.js';
import { claimedBefore, dueJobs, enqueue, getJob, jobDocId, jobsByProviderId, saveJobs, type NewJob, type SmsJob } from './jobs.js';
import { handleInbound, optedOut } from './opt-out.js';
import { updateDoc } from '../store-docs.js';
import { PollingLoop } from '../wakeup.js';
import { DB } from '../../../src/lib/domain/doc-types.js';

export interface SenderOptions {
	gateway: SmsGateway;
	/** Stable for one host and data directory, like the engine's: a restart recognises its own claims. */
	instanceId: string;
	now?: () => number;
	maxAttempts?: number;
	/** Messages one number may receive in an hour, sign-in codes aside (they have their own limit). */
	perNumberPerHour?: number;
	batchSize?: number;
	/** Messages handed to the gateway at once (an SMPP window). */
	window?: number;
	backoffBaseMs?: number;
	/** Another instance's claim older than this is taken to be dead. */
	claimTimeoutMs?: number;
	pollMs?: number;
}

const DEFAULTS = {
	maxAttempts: 5,
	perNumberPerHour: 10,
	// One window per claim: a crash loses (as uncertain) at most the messages claimed at once.
	batchSize: 20,
	window: 20,
	backoffBaseMs: 2000,
	claimTimeoutMs: 10 * 60_000,
	pollMs: 2000
};
const RATE_DEFER_MS = 60_000;
const MAX_REMEMBERED = 50_000;
const MAX_BACKOFF_MS = 15 * 60_000;

interface Receipt {
	provider_id: string;
	state: DeliveryState;
	detail?: string;
}

export class SmsSender {
	readonly boot = randomUUID();
	private readonly options: Required<Omit<SenderOptions, 'now'>>;
	private readonly now: () => number;
	private readonly perNumber: SlidingWindow;
	private readonly loop: PollingLoop;
	/** Provider id → job id for messages sent by this process (receipts can beat the save). */
	private readonly providerJobs = new Map<string, string>();
	/** Jobs between their send and their saved outcome; receipts for them wait here. */
	private readonly finishing = new Map<string, Receipt[]>();
	/** Receipts for parts whose send() has not returned yet (the SMSC can be that quick). */
	private orphans: (Receipt & { rounds?: number })[] = [];
	/** Jobs this process just queued: sent without asking the store's view for them. The view
	 * still finds everything else (retries, deferrals, other instances' jobs, a restart). */
	private ready: SmsJob[] = [];
	readonly counts = { sent: 0, retried: 0, dead: 0, opted_out: 0, uncertain: 0, delivered: 0, undelivered: 0 };
	lastError: string | null = null;

	constructor(
		private readonly store: Store,
		options: SenderOptions
	) {
		this.options = { ...DEFAULTS, ...options };
		this.now = options.now ?? Date.now;
		this.perNumber = new SlidingWindow(this.options.perNumberPerHour, 3_600_000);
		this.loop = new PollingLoop({
			name: 'sms',
			pollMs: this.options.pollMs,
			recover: () => this.recover(),
			round: () => this.round(),
			failed: (message) => (this.lastError = message)
		});
		options.gateway.listen?.({
			receipt: (receipt) => {
				void this.onReceipt(receipt).catch((e: unknown) => {
					receiptLost(receipt, e);
				});
			},
			inbound: (message) => {
				void handleInbound(this.store, message, new Date(this.now())).then(
					(keyword) => {
						if (keyword) log.info('sms reply handled', { keyword });
					},
					(e: unknown) => {
						log.warn('sms reply not handled', { error: (e as Error).message });
					}
				);
			}
		});
	}

	get gateway(): SmsGateway {
		return this.options.gateway;
	}

	start(): void {
		this.loop.start();
	}

	async stop(): Promise<void> {
		await this.loop.stop();
		await this.options.gateway.close?.();
	}

	/** A receipt that came another way than the gateway (a provider's webhook). */
	acceptReceipt(receipt: Receipt): Promise<void> {
		return this.onReceipt(receipt);
	}

	/** Something was queued: look now instead of at the next poll. */
	kick(): void {
		this.loop.kick();
	}

	async enqueue(job: NewJob): Promise<boolean> {
		const created = await enqueue(this.store, job, new Date(this.now()));
		if (created) this.ready.push(created);
		this.kick();
		return created !== null;
	}

	/** Queues and sends at once, for sign-in codes a person is waiting for. A failure leaves the
	 * job to the loop's retries; it never sends twice, since the loop must claim it too. */
	async sendNow(job: NewJob): Promise<SmsJob | null> {
		await enqueue(this.store, job, new Date(this.now()));
		const current = await getJob(this.store, jobDocId(job.source));
		if (!current || current.status !== 'queued') return current;
		await this.process([current]);
		return getJob(this.store, current._id);
	}

	/** The SmsGateway the auth code sends sign-in codes through: queued, claimed, sent now. */
	asGateway(): SmsGateway {
		return {
			name: this.options.gateway.name,
			send: async (message: SmsMessage) => {
				await this.sendNow({ source: message.id, purpose: 'otp', to: message.to, text: message.text });
			}
		};
	}

	/** One round of the loop: what this process just queued, else what the store finds due. */
	private async round(): Promise<boolean> {
		const jobs = this.ready.length > 0 ? this.ready.splice(0, this.options.batchSize) : await dueJobs(this.store, new Date(this.now()), this.options.batchSize);
		if (jobs.length === 0) return false;
		await this.process(jobs);
		return true;
	}

	/** Claims found after a restart: ours from a previous life, or anyone's long expired. */
	private async recover(): Promise<void> {
		const now = this.now();
		const stale = (await claimedBefore(this.store, new Date(now), 10_000)).filter(
			// The view gives claimed jobs only; one without a claim is not stale.
			({ claim }) => !!claim && ((claim.by === this.options.instanceId && claim.boot !== this.boot) || Date.parse(claim.at) < now - this.options.claimTimeoutMs)
		);
		if (stale.length === 0) return;
		const iso = new Date(now).toISOString();
		const marked = stale.map((job) => this.redacted({ ...job, status: 'uncertain', error: 'interrupted between claim and answer', updated_at: iso, done_at: iso }));
		await saveJobs(this.store, marked);
		this.counts.uncertain += marked.length;
		log.warn('sms jobs interrupted by a crash marked uncertain, not resent', { count: marked.length });
	}

	private async process(jobs: SmsJob[]): Promise<void> {
		const claimed = await this.claim(jobs);
		if (claimed.length === 0) return;
		const stopped = await optedOut(
			this.store,
			claimed.filter((j) => j.purpose !== 'otp').map((j) => j.to)
		);
		const outcomes: SmsJob[] = [];
		for (const job of claimed) this.finishing.set(job._id, []);
		try {
			await forEachLimited(claimed, this.options.window, async (job) => {
				outcomes.push(await this.attempt(job, stopped));
			});
			await this.saveOutcomes(outcomes);
		} finally {
			for (const job of claimed) {
				const waiting = this.finishing.get(job._id) ?? [];
				this.finishing.delete(job._id);
				for (const receipt of waiting) {
					await this.onReceipt(receipt).catch((e: unknown) => {
						receiptLost(receipt, e);
					});
				}
			}
			const orphans = this.orphans;
			this.orphans = [];
			for (const receipt of orphans) {
				await this.onReceipt(receipt, (receipt.rounds ?? 0) + 1).catch((e: unknown) => {
					receiptLost(receipt, e);
				});
			}
		}
	}

	private async claim(jobs: SmsJob[]): Promise<SmsJob[]> {
		const at = new Date(this.now()).toISOString();
		const claims = jobs.map((job) => ({ ...job, status: 'sending' as const, claim: { by: this.options.instanceId, boot: this.boot, at }, updated_at: at }));
		// Lost claims belong to another sender (or sendNow); they are theirs to send.
		return (await saveJobs(this.store, claims)).saved;
	}

	private async attempt(job: SmsJob, stopped: Set<string>): Promise<SmsJob> {
		const now = this.now();
		const iso = new Date(now).toISOString();
		const base = { ...job, claim: null, updated_at: iso };
		if (job.purpose !== 'otp' && stopped.has(job.to)) {
			this.counts.opted_out++;
			return this.redacted({ ...base, status: 'opted_out', done_at: iso });
		}
		if (job.purpose !== 'otp' && !this.perNumber.hit(job.to, now)) {
			return { ...base, status: 'queued', next_at: new Date(now + RATE_DEFER_MS).toISOString() };
		}
		try {
			const outcome = await this.options.gateway.send({ id: job._id, to: job.to, text: job.text });
			const providerIds = outcome?.provider_ids ?? [];
			for (const id of providerIds) this.providerJobs.set(id, job._id);
			// Receipts that never come must not grow this without bound; older ones use the view.
			for (const id of this.providerJobs.keys()) {
				if (this.providerJobs.size <= MAX_REMEMBERED) break;
				this.providerJobs.delete(id);
			}
			this.counts.sent++;
			return this.redacted({
				...base,
				status: outcome?.held ? 'held' : 'sent',
				attempts: job.attempts + 1,
				provider_ids: providerIds,
				parts: outcome?.parts ?? 1,
				delivered: [],
				sent_at: iso,
				error: undefined
			});
		} catch (error) {
			const retryable = !(error instanceof SmsSendError) || error.retryable;
			const attempts = job.attempts + 1;
			const message = (error as Error).message;
			if (error instanceof SmsSendError && error.uncertain) {
				this.counts.uncertain++;
				log.warn('sms job uncertain, not resent', { job: job._id, error: message });
				return this.redacted({ ...base, status: 'uncertain', attempts, error: message, done_at: iso });
			}
			if (!retryable || attempts >= this.options.maxAttempts) {
				this.counts.dead++;
				log.warn('sms job dead-lettered', { job: job._id, attempts, error: message });
				return this.redacted({ ...base, status: 'dead', attempts, error: message, done_at: iso });
			}
			this.counts.retried++;
			return { ...base, status: 'queued', attempts, error: message, next_at: new Date(now + this.backoff(attempts)).toISOString() };
		}
	}

	/** 2 s, 8 s, 32 s, … up to 15 minutes, with ±20 % jitter so retries of a burst spread out. */
	backoff(attempts: number): number {
		const delay = Math.min(this.options.backoffBaseMs * 4 ** (attempts - 1), MAX_BACKOFF_MS);
		return Math.round(delay * (0.8 + Math.random() * 0.4));
	}

	/** Once a message has left, its secret (a rating link's token) is no longer kept in clear. */
	private redacted(job: SmsJob): SmsJob {
		if (!job.secret) return job;
		const { secret, ...rest } = job;
		return { ...rest, text: job.text.split(secret).join('…') };
	}

	private async saveOutcomes(outcomes: SmsJob[]): Promise<void> {
		const { conflicts } = await saveJobs(this.store, outcomes);
		// Only a recovery elsewhere that gave up on our claim can conflict: what we know wins.
		for (const id of conflicts) {
			const outcome = outcomes.find((o) => o._id === id);
			// saveJobs reports conflicts only among the documents it was given.
			if (!outcome) throw new Error(`sms job ${id} conflicted without having been saved`);
			await updateDoc(this.store.use<SmsJob>(DB.SMS), id, (current) => ({ next: { ...outcome, _rev: current?._rev }, result: undefined }));
		}
	}

	private async onReceipt(receipt: Receipt, rounds = 0): Promise<void> {
		let jobId = this.providerJobs.get(receipt.provider_id);
		// Wait for the batches in flight (a few rounds at most) before asking the store.
		if (!jobId && rounds < 3 && this.finishing.size > 0) {
			this.orphans.push({ ...receipt, rounds });
			return;
		}
		if (!jobId) jobId = (await jobsByProviderId(this.store, receipt.provider_id))[0]?._id;
		if (!jobId) {
			log.warn('sms receipt for an unknown message', { provider_id: receipt.provider_id });
			return;
		}
		const waiting = this.finishing.get(jobId);
		if (waiting) {
			waiting.push(receipt);
			return;
		}
		if (receipt.state === 'pending') return;
		const iso = new Date(this.now()).toISOString();
		const outcome = await updateDoc(this.store.use<SmsJob>(DB.SMS), jobId, (current) => {
			if (!current || (current.status !== 'sent' && current.status !== 'delivered')) return { next: null, result: null };
			if (receipt.state === 'failed') {
				return { next: { ...current, status: 'undelivered' as const, error: receipt.detail ?? 'not delivered', done_at: iso, updated_at: iso }, result: 'undelivered' as const };
			}
			const delivered = [...new Set([...(current.delivered ?? []), receipt.provider_id])];
			const all = delivered.length >= (current.provider_ids?.length ?? 1);
			return {
				next: { ...current, delivered, status: all ? ('delivered' as const) : current.status, updated_at: iso, ...(all ? { done_at: iso } : {}) },
				result: all ? ('delivered' as const) : null
			};
		});
		if (outcome) this.counts[outcome]++;
		this.providerJobs.delete(receipt.provider_id);
	}

	status() {
		return { running: this.loop.running, gateway: this.options.gateway.name, ...this.counts, last_error: this.lastError };
	}
}

/** A delivery receipt that could not be recorded: the job keeps its last state, the log says why. */
function receiptLost(receipt: Receipt, error: unknown): void {
	log.warn('sms receipt not recorded', { provider_id: receipt.provider_id, error: (error as Error).message });
}
