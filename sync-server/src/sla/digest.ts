/** The managers' daily digest (issue 16, part 2; docs/design.md, "Daily digest"): once per
 * working day, at DIGEST_TIME on the national calendar's clock, one `digest:<manager>:<day>`
 * document per entity manager in the `digests` database (server only, read through
 * GET /api/sla/digest), and, for a manager who asked for it and has a phone, one SMS.
 *
 * Exactly once: the document's id names the manager and the day, so a second instance, a
 * restart or a second pass of the same day finds it there (insertOnce), and the SMS job's source
 * is the same name, so its job is queued once too (jobs.ts). A crash between the two leaves the
 * document with `sms: null`, which the next pass completes. The scan itself runs under a lease,
 * so two instances do not both read every manager's warnings; the ids, not the lease, are what
 * make it exactly once. */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { type WorkCalendar } from '../../../src/lib/domain/calendar.js';
import { digestContent, digestDayAt, digestSmsValues, isQuietDigest, type DailyDigest } from '../../../src/lib/domain/digest.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { DEFAULT_LOW_RATING_THRESHOLD } from '../../../src/lib/domain/rating.js';
import { warningHorizon } from '../../../src/lib/domain/sla-warning.js';
import { listStaff } from '../auth/accounts.js';
import type { AccountDoc } from '../auth/types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { forEachLimited } from '../engine/attachments.js';
import { Lease } from '../engine/lease.js';
import { log } from '../log.js';
import type { NewJob } from '../sms/jobs.js';
import { optedOut } from '../sms/opt-out.js';
import { smsTextFor } from '../sms/texts.js';
import type { Store } from '../store.js';
import { getOrNull, insertOnce, updateDoc } from '../store-docs.js';
import { attentionQueue, entityWarnings } from './warnings.js';

export const digestDocId = (userId: string, day: string) => `digest:${userId}:${day}`;
/** The SMS job's source: one message per manager and day, whoever queues it. */
export const digestSmsSource = (userId: string, day: string) => `digest:${userId}:${day}`;

/** What became of the digest's SMS; null until decided. */
export type DigestSms = 'queued' | 'quiet' | 'not_opted_in' | 'no_phone' | 'invalid_phone' | 'opted_out';

export interface DigestDoc extends DailyDigest {
	_id: string;
	_rev?: string;
	type: typeof DOC_TYPES.SLA_DIGEST;
	sms: DigestSms | null;
}

export interface DigestDeps {
	store: Store;
	/** Queues an SMS once per source (the sender's enqueue). */
	enqueue(job: NewJob): Promise<boolean>;
	/** Where the SMS points the manager (PUBLIC_URL). */
	publicUrl: string;
	/** "Due soon": within this many working days (SLA_WARNING_WORKING_DAYS). */
	workingDays: number;
}

type Manager = Pick<AccountDoc, 'user_id' | 'entity_id' | 'phone' | 'digest_sms' | 'digest_locale'>;

interface DayContext {
	now: Date;
	day: string;
	calendar: WorkCalendar;
	threshold: number;
}

/** The digest as the warnings read it now: the same lists as GET /api/sla/warnings and
 * GET /api/sla/attention, gathered. */
async function composeDigest(deps: Pick<DigestDeps, 'store' | 'workingDays'>, manager: Manager, ctx: DayContext): Promise<DigestDoc> {
	const entityId = manager.entity_id;
	// The pass picks only managers with an entity.
	if (!entityId) throw new Error(`manager ${manager.user_id} has no entity to digest`);
	const window = { now: ctx.now, horizon: warningHorizon(ctx.now, deps.workingDays, ctx.calendar) };
	const [{ rows, truncated }, attention] = await Promise.all([entityWarnings(deps.store, entityId, window), attentionQueue(deps.store, entityId, ctx.threshold)]);
	return {
		_id: digestDocId(manager.user_id, ctx.day),
		type: DOC_TYPES.SLA_DIGEST,
		day: ctx.day,
		entity_id: entityId,
		manager_id: manager.user_id,
		made_at: ctx.now.toISOString(),
		working_days: deps.workingDays,
		...digestContent(rows, attention, truncated),
		sms: null
	};
}

/** Whether the digest goes out by SMS, and its job when it does: only with something to chase,
 * to a manager who asked for it, at a valid number that has not replied STOP. */
export async function digestSms(deps: Pick<DigestDeps, 'store' | 'publicUrl'>, manager: Manager, digest: DailyDigest): Promise<{ outcome: DigestSms; job?: NewJob }> {
	if (isQuietDigest(digest.counts)) return { outcome: 'quiet' };
	if (!manager.digest_sms) return { outcome: 'not_opted_in' };
	if (!manager.phone) return { outcome: 'no_phone' };
	const phone = normalizePhone(manager.phone);
	if (!phone) return { outcome: 'invalid_phone' };
	if ((await optedOut(deps.store, [phone])).has(phone)) return { outcome: 'opted_out' };
	const link = `${deps.publicUrl.replace(/\/$/, '')}/staff`;
	const text = await smsTextFor(deps.store, 'manager_digest', manager.digest_locale === 'en' ? 'en' : 'ar', digestSmsValues(digest.counts, digest.day, link));
	return { outcome: 'queued', job: { source: digestSmsSource(manager.user_id, digest.day), purpose: 'digest', to: phone, text } };
}

/** Makes one manager's digest of the day unless it exists, and settles its SMS; true when this
 * call made the document. */
export async function deliverDigest(deps: DigestDeps, manager: Manager, ctx: DayContext): Promise<boolean> {
	await deps.store.ensureDb(DB.DIGESTS);
	const db = deps.store.use<DigestDoc>(DB.DIGESTS);
	const id = digestDocId(manager.user_id, ctx.day);
	let doc: DigestDoc | null = await getOrNull(db, id);
	let made = false;
	if (!doc) {
		const fresh = await composeDigest(deps, manager, ctx);
		made = await insertOnce(db, fresh);
		doc = made ? fresh : await getOrNull(db, id);
	}
	if (!doc || doc.sms !== null) return made;
	const { outcome, job } = await digestSms(deps, manager, doc);
	if (job) await deps.enqueue(job);
	if (outcome !== 'queued' && outcome !== 'quiet') log.info('digest not sent by SMS', { digest: id, reason: outcome });
	await updateDoc(db, id, (current) => ({ next: current && current.sms === null ? { ...current, sms: outcome } : null, result: undefined }));
	return made;
}

/** A manager's latest digest: today's once made, else the one before. */
export async function latestDigest(store: Store, userId: string): Promise<DigestDoc | null> {
	if (!(await store.dbInfo(DB.DIGESTS))) return null;
	const prefix = digestDocId(userId, '');
	const found = await store.use<DigestDoc>(DB.DIGESTS).list({ startkey: `${prefix}\ufff0`, endkey: prefix, descending: true, limit: 1, include_docs: true });
	return found.rows[0]?.doc ?? null;
}

export interface SchedulerOptions extends DigestDeps {
	instanceId: string;
	/** Milliseconds after local midnight (DIGEST_TIME). */
	msOfDay: number;
	/** How often to look whether the day's digests are due. */
	checkMs: number;
	now?: () => Date;
	leaseMs?: number;
}

/** Looks every `checkMs` whether today's digests are due, and makes those not made yet. */
export class DigestScheduler {
	private timer: ReturnType<typeof setInterval> | null = null;
	private running: Promise<number> | null = null;
	/** The day this process saw every manager's digest made: nothing to look at until tomorrow. */
	private doneDay: string | null = null;
	private readonly lease: Lease;
	private readonly catalogue: CatalogueSource;

	constructor(private readonly options: SchedulerOptions) {
		this.lease = new Lease(options.store, 'digest', options.instanceId, { leaseMs: options.leaseMs });
		this.catalogue = new CatalogueSource(options.store);
	}

	start(): void {
		const check = () => {
			this.runOnce().catch((error: unknown) => {
				log.warn('daily digest pass failed', { error: (error as Error).message });
			});
		};
		check();
		this.timer = setInterval(check, this.options.checkMs);
		this.timer.unref();
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running?.catch(() => undefined);
		await this.lease.release();
	}

	/** One pass; the number of digests this pass made. Passes never overlap in one process. */
	runOnce(): Promise<number> {
		this.running ??= this.pass().finally(() => (this.running = null));
		return this.running;
	}

	private async pass(): Promise<number> {
		const now = this.options.now?.() ?? new Date();
		const { calendar, settings } = await this.catalogue.get();
		const day = digestDayAt(now, this.options.msOfDay, calendar);
		if (!day || day === this.doneDay || !(await this.lease.acquire())) return 0;
		const managers = (await listStaff(this.options.store)).filter((a) => a.role === 'manager' && a.entity_id && !a.disabled);
		const ctx = { now, day, calendar, threshold: settings.low_rating_threshold ?? DEFAULT_LOW_RATING_THRESHOLD };
		let made = 0;
		let failed = 0;
		await forEachLimited(managers, 4, async (manager) => {
			try {
				if (await deliverDigest(this.options, manager, ctx)) made++;
			} catch (error) {
				failed++;
				log.warn('daily digest failed', { manager: manager.user_id, day, error: (error as Error).message });
			}
		});
		if (failed === 0) this.doneDay = day;
		if (made > 0) log.info('daily digests made', { day, made });
		return made;
	}
}
