/** One `job:<source>:<subscription id>` document per push in the `push` database (issue 16): its
 * id is derived from the notice that asked for it (`notice:<action id>`, the SMS job's source) and
 * the device, so a replay or a restart finds the job there and queues nothing. Status moves
 * queued → sending (the claim, saved before the push service is called) → sent, or to gone (the
 * subscription answered 404/410 and was removed), dead (bounded tries) or uncertain (the process
 * died between claim and answer: not pushed again). */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { insertOnce } from '../store-docs.js';
import { ensureDesignDoc } from '../store-design.js';
import type { Store } from '../store.js';
import type { PushLocale } from './subscriptions.js';

type PushStatus = 'queued' | 'sending' | 'sent' | 'gone' | 'dead' | 'uncertain';

/** What the device is told: no personal content, only enough to word the nudge and open the
 * case; the case itself arrives by replication. */
export interface PushPayload {
	/** A citizen notice (sms/notices.ts) or `final_reply`. */
	notice: string;
	ref: string;
	case_key: string;
	locale: PushLocale;
}

export interface PushJob {
	_id: string;
	_rev?: string;
	type: typeof DOC_TYPES.PUSH_JOB;
	source: string;
	subscription_id: string;
	payload: PushPayload;
	status: PushStatus;
	attempts: number;
	next_at: string;
	created_at: string;
	updated_at: string;
	claim?: { by: string; boot: string; at: string } | null;
	error?: string;
	sent_at?: string;
}

const pushJobId = (source: string, subscriptionId: string) => `job:${source}:${subscriptionId}`;

const VIEWS = {
	due: { map: "function (doc) { if (doc.type === 'push_job' && doc.status === 'queued') emit(doc.next_at, null); }" },
	sending: { map: "function (doc) { if (doc.type === 'push_job' && doc.status === 'sending' && doc.claim) emit(doc.claim.at, null); }" }
};

export const installPushDesign = (store: Store) => ensureDesignDoc(store, DB.PUSH, '_design/push', { language: 'javascript', views: VIEWS });

/** Queues one push once per (source, subscription); false when that pair already had its job. */
export async function enqueuePush(store: Store, source: string, subscriptionId: string, payload: PushPayload, now: Date): Promise<boolean> {
	const iso = now.toISOString();
	const job: PushJob = {
		_id: pushJobId(source, subscriptionId),
		type: DOC_TYPES.PUSH_JOB,
		source,
		subscription_id: subscriptionId,
		payload,
		status: 'queued',
		attempts: 0,
		next_at: iso,
		created_at: iso,
		updated_at: iso
	};
	return insertOnce(store.use<PushJob>(DB.PUSH), job);
}

async function viewJobs(store: Store, view: string, query: Record<string, string>): Promise<PushJob[]> {
	const params = new URLSearchParams({ include_docs: 'true', ...query });
	const response = await store.fetch(`/${DB.PUSH}/_design/push/_view/${view}?${params}`);
	if (!response.ok) throw new Error(`push view ${view} answered ${response.status}`);
	const body = (await response.json()) as { rows: { doc?: PushJob }[] };
	return body.rows.flatMap((row) => (row.doc ? [row.doc] : []));
}

export const duePushJobs = (store: Store, now: Date, limit: number) => viewJobs(store, 'due', { endkey: JSON.stringify(now.toISOString()), limit: String(limit) });

export const claimedPushJobs = (store: Store, limit: number) => viewJobs(store, 'sending', { limit: String(limit) });

/** Saves several jobs with their revisions; returns those saved (a conflict: another sender's). */
export async function savePushJobs(store: Store, jobs: PushJob[]): Promise<PushJob[]> {
	if (jobs.length === 0) return [];
	const results = await store.use<PushJob>(DB.PUSH).bulk({ docs: jobs });
	return results.flatMap((result, i) => {
		if (result.error === 'conflict') return [];
		if (result.error) throw new Error(`saving ${jobs[i]._id}: ${result.error}`);
		return [{ ...jobs[i], _rev: result.rev }];
	});
}
