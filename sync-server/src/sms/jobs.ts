/** The SMS queue: one `job:` document per message in the `sms` database, its id derived from the
 * document (and revision) that asked for it, so asking twice, or replaying after a crash, finds
 * the same job instead of sending again. Status moves queued → sending (the claim, written
 * before the provider is called) → sent → delivered | undelivered, or to dead (bounded tries),
 * opted_out (the number replied STOP) or uncertain (the process died between claim and answer). */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

type SmsPurpose = 'otp' | 'rating' | 'notice' | 'digest';
export type JobStatus = 'queued' | 'sending' | 'sent' | 'held' | 'delivered' | 'undelivered' | 'dead' | 'opted_out' | 'uncertain';

export interface SmsJob {
	_id: string;
	_rev?: string;
	type: 'sms_job';
	/** The document (id@rev) or event the message comes from. */
	source: string;
	purpose: SmsPurpose;
	to: string;
	text: string;
	/** A secret inside the text (a rating link's token), replaced once the message has left. */
	secret?: string;
	status: JobStatus;
	attempts: number;
	next_at: string;
	created_at: string;
	updated_at: string;
	claim?: { by: string; boot: string; at: string } | null;
	provider_ids?: string[];
	parts?: number;
	delivered?: string[];
	error?: string;
	sent_at?: string;
	done_at?: string;
}

export const jobDocId = (source: string) => `job:${source}`;
export const optOutDocId = (e164: string) => `optout:${e164}`;

export interface OptOutDoc {
	_id: string;
	_rev?: string;
	type: 'sms_opt_out';
	phone: string;
	opted_out: boolean;
	updated_at: string;
}

const DESIGN = {
	_id: '_design/sms',
	language: 'javascript',
	views: {
		// Jobs waiting to go, by when they may.
		due: { map: "function (doc) { if (doc.type === 'sms_job' && doc.status === 'queued') emit(doc.next_at, null); }" },
		// Claimed jobs, by claim time: what a crash left behind.
		sending: { map: "function (doc) { if (doc.type === 'sms_job' && doc.status === 'sending' && doc.claim) emit(doc.claim.at, null); }" },
		// Provider message ids, for delivery receipts that arrive after a restart.
		by_provider: { map: "function (doc) { if (doc.type === 'sms_job' && doc.provider_ids) doc.provider_ids.forEach(function (id) { emit(id, null); }); }" },
		// Counts by status, for health and the coordinator.
		by_status: { map: "function (doc) { if (doc.type === 'sms_job') emit(doc.status, null); }", reduce: '_count' },
		// Messages that did not reach the person, by when that was known: the coordinator's list.
		problems: {
			map: "function (doc) { if (doc.type === 'sms_job' && (doc.status === 'dead' || doc.status === 'uncertain' || doc.status === 'undelivered')) emit(doc.updated_at, null); }"
		}
	}
};

export async function installSmsDesign(store: Store): Promise<void> {
	await store.ensureDb(DB.SMS);
	const db = store.use(DB.SMS);
	const current = await db.get(DESIGN._id).catch(() => null);
	if (current && JSON.stringify(current.views) === JSON.stringify(DESIGN.views)) return;
	try {
		await db.insert({ ...DESIGN, ...(current ? { _rev: current._rev } : {}) });
	} catch (error) {
		// A second instance installed it at the same moment.
		if ((error as { statusCode?: number }).statusCode !== 409) throw error;
	}
}

export interface NewJob {
	source: string;
	purpose: SmsPurpose;
	to: string;
	text: string;
	secret?: string;
}

/** Queues a message once per source; null when that source already has its job. */
export async function enqueue(store: Store, job: NewJob, now: Date): Promise<SmsJob | null> {
	await store.ensureDb(DB.SMS);
	const iso = now.toISOString();
	const doc: SmsJob = {
		_id: jobDocId(job.source),
		type: DOC_TYPES.SMS_JOB,
		...job,
		status: 'queued',
		attempts: 0,
		next_at: iso,
		created_at: iso,
		updated_at: iso
	};
	try {
		const { rev } = await store.use<SmsJob>(DB.SMS).insert(doc);
		return { ...doc, _rev: rev };
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode === 409) return null;
		throw error;
	}
}

export async function getJob(store: Store, id: string): Promise<SmsJob | null> {
	return store
		.use<SmsJob>(DB.SMS)
		.get(id)
		.catch((error: unknown) => {
			if ((error as { statusCode?: number }).statusCode === 404) return null;
			throw error;
		});
}

async function viewDocs(store: Store, view: string, query: Record<string, string>): Promise<SmsJob[]> {
	const params = new URLSearchParams({ include_docs: 'true', ...query });
	const response = await store.fetch(`/${DB.SMS}/_design/sms/_view/${view}?${params}`);
	if (!response.ok) throw new Error(`sms view ${view} answered ${response.status}`);
	const body = (await response.json()) as { rows: { doc?: SmsJob }[] };
	return body.rows.flatMap((row) => (row.doc ? [row.doc] : []));
}

export const dueJobs = (store: Store, now: Date, limit: number) => viewDocs(store, 'due', { endkey: JSON.stringify(now.toISOString()), limit: String(limit) });

export const claimedBefore = (store: Store, before: Date, limit: number) => viewDocs(store, 'sending', { endkey: JSON.stringify(before.toISOString()), limit: String(limit) });

export const jobsByProviderId = (store: Store, providerId: string) => viewDocs(store, 'by_provider', { key: JSON.stringify(providerId) });

/** The latest messages that did not reach the person (dead, uncertain, undelivered), newest first. */
export const problemJobs = (store: Store, limit: number) => viewDocs(store, 'problems', { descending: 'true', limit: String(limit) });

export async function countByStatus(store: Store): Promise<Record<string, number>> {
	const response = await store.fetch(`/${DB.SMS}/_design/sms/_view/by_status?group=true`);
	if (!response.ok) return {};
	const body = (await response.json()) as { rows: { key: string; value: number }[] };
	return Object.fromEntries(body.rows.map((row) => [row.key, row.value]));
}

/** Writes several jobs at once with their revisions; returns the ids that lost to another writer. */
export async function saveJobs(store: Store, jobs: SmsJob[]): Promise<{ saved: SmsJob[]; conflicts: string[] }> {
	if (jobs.length === 0) return { saved: [], conflicts: [] };
	const results = await store.use<SmsJob>(DB.SMS).bulk({ docs: jobs });
	const saved: SmsJob[] = [];
	const conflicts: string[] = [];
	results.forEach((result, i) => {
		if (result.error === 'conflict') conflicts.push(jobs[i]._id);
		else if (result.error) throw new Error(`saving ${jobs[i]._id}: ${result.error}`);
		else saved.push({ ...jobs[i], _rev: result.rev });
	});
	return { saved, conflicts };
}
