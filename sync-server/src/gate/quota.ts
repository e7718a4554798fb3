/** Quotas per person and per kiosk (issue 10, finding 6: one citizen filed 10,000 cases in 25 s).
 *
 * What counts: new cases (`submit` actions) in the last hour and the last 24 hours, and the bytes
 * of files attached to any action in the last 24 hours. Windows slide in steps of ten minutes:
 * usage is kept per ten-minute bucket in one document per person or kiosk (`quota:<subject>` in
 * the server-only `quotas` database), and buckets older than a day are dropped on every write.
 *
 * Counting is exact, also across server instances and under any number of parallel pushes: the
 * requests of one subject are taken one after another inside an instance, and the usage document
 * is written with its revision, so a second instance that counted from the same state meets a
 * conflict and counts again from the new one. An action is charged before it is written; one the
 * store then refuses (a duplicate id) still counts, which errs on the side of the limit. */
import type { ActionDoc, Role } from '../../../src/lib/domain/doc-types.js';
import type { SessionUser } from '../auth/types.js';
import type { Store } from '../store.js';

const QUOTA_DB = 'quotas';

export interface QuotaLimits {
	casesPerHour: number;
	casesPerDay: number;
	attachmentBytesPerDay: number;
}

export interface Quotas {
	person: QuotaLimits;
	kiosk: QuotaLimits;
}

export const DEFAULT_QUOTAS: Quotas = {
	person: { casesPerHour: 10, casesPerDay: 30, attachmentBytesPerDay: 100 * 1024 * 1024 },
	kiosk: { casesPerHour: 120, casesPerDay: 1000, attachmentBytesPerDay: 2 * 1024 * 1024 * 1024 }
};

const BUCKET_MS = 10 * 60 * 1000;
const HOUR_BUCKETS = 6;
const DAY_BUCKETS = 144;
/** Rounds of read-count-write one request may need when other instances write the same subject. */
const MAX_ROUNDS = 50;

interface Usage {
	cases: number;
	bytes: number;
}

interface UsageDoc {
	_id: string;
	_rev?: string;
	type: 'quota_usage';
	/** Ten-minute bucket number (ms since the epoch / 600,000) → usage in it. */
	buckets: Record<string, Usage>;
}

export interface Charged {
	action: ActionDoc;
	/** True when within the limits (and now counted). */
	ok: boolean;
}

function limitsFor(quotas: Quotas, role: Role): QuotaLimits {
	return role === 'kiosk' ? quotas.kiosk : quotas.person;
}

/** Bytes of the files an action carries inline (base64 in `_attachments`). */
function attachmentBytes(action: ActionDoc): number {
	let total = 0;
	for (const file of Object.values(action._attachments ?? {})) {
		const data = (file as { data?: unknown }).data;
		if (typeof data === 'string') total += Math.floor((data.replace(/=+$/, '').length * 3) / 4);
	}
	return total;
}

/** Decides, in order, which actions fit the subject's remaining quota, and records them. Pure. */
export function fitActions(buckets: Record<string, Usage>, actions: ActionDoc[], limits: QuotaLimits, now: number): { fits: boolean[]; buckets: Record<string, Usage> } {
	const current = Math.floor(now / BUCKET_MS);
	const kept: Record<string, Usage> = {};
	for (const [key, usage] of Object.entries(buckets)) if (Number(key) > current - DAY_BUCKETS) kept[key] = { ...usage };
	const sum = (span: number, field: keyof Usage) => Object.entries(kept).reduce((total, [key, usage]) => (Number(key) > current - span ? total + usage[field] : total), 0);
	let hourCases = sum(HOUR_BUCKETS, 'cases');
	let dayCases = sum(DAY_BUCKETS, 'cases');
	let dayBytes = sum(DAY_BUCKETS, 'bytes');
	// The current bucket is there only once an action was counted in it.
	if (!Object.hasOwn(kept, current)) kept[current] = { cases: 0, bytes: 0 };
	const here = kept[current];
	const fits = actions.map((action) => {
		const isCase = action.kind === 'submit' ? 1 : 0;
		const bytes = attachmentBytes(action);
		if (isCase && (hourCases + 1 > limits.casesPerHour || dayCases + 1 > limits.casesPerDay)) return false;
		if (bytes > 0 && dayBytes + bytes > limits.attachmentBytesPerDay) return false;
		hourCases += isCase;
		dayCases += isCase;
		dayBytes += bytes;
		here.cases += isCase;
		here.bytes += bytes;
		return true;
	});
	return { fits, buckets: kept };
}

/** One subject's requests at a time in this instance: a chain of promises per subject. */
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
	const before = queues.get(key) ?? Promise.resolve();
	const run = before.then(work, work);
	const tail = run.catch(() => undefined);
	queues.set(key, tail);
	void tail.then(() => {
		if (queues.get(key) === tail) queues.delete(key);
	});
	return run;
}

function subjectOf(user: SessionUser): string {
	return `${user.role === 'kiosk' ? 'kiosk' : 'person'}:${user.user_id}`;
}

/** Charges the actions of one request against the author's quota. Actions that count nothing
 * (no case, no file) always fit. */
export async function chargeQuota(store: Store, quotas: Quotas, user: SessionUser, actions: ActionDoc[], now: number): Promise<Charged[]> {
	if (!actions.some((a) => a.kind === 'submit' || attachmentBytes(a) > 0)) return actions.map((action) => ({ action, ok: true }));
	const limits = limitsFor(quotas, user.role);
	const id = `quota:${subjectOf(user)}`;
	return serialised(id, async () => {
		await store.ensureDb(QUOTA_DB);
		for (let round = 0; round < MAX_ROUNDS; round++) {
			const stored = await readUsage(store, id);
			const { fits, buckets } = fitActions(stored?.buckets ?? {}, actions, limits, now);
			// Nothing to record: usage only falls with time, so refusing on this reading is safe.
			if (!fits.some(Boolean)) return actions.map((action) => ({ action, ok: false }));
			const doc: UsageDoc = { _id: id, ...(stored?._rev ? { _rev: stored._rev } : {}), type: 'quota_usage', buckets };
			const written = await store.fetch(`/${QUOTA_DB}/${encodeURIComponent(id)}`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(doc)
			});
			if (written.ok) return actions.map((action, i) => ({ action, ok: fits[i] }));
			if (written.status !== 409) throw new Error(`quota write answered ${written.status}`);
		}
		throw new Error(`quota of ${id} kept changing under ${MAX_ROUNDS} rounds`);
	});
}

async function readUsage(store: Store, id: string): Promise<UsageDoc | null> {
	const response = await store.fetch(`/${QUOTA_DB}/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
	if (response.status === 404) return null;
	if (!response.ok) throw new Error(`quota read answered ${response.status}`);
	return (await response.json()) as UsageDoc;
}
