/** Document helpers over nano for both stores: read or null, insert once, and the read-modify-write
 * loops that retry on a conflict. */
import type nano from 'nano';
import { TawasulError } from '../../src/lib/domain/errors.js';

export function statusOf(error: unknown): number | undefined {
	return (error as { statusCode?: number } | null)?.statusCode;
}

export async function getOrNull<T extends object>(db: nano.DocumentScope<T>, id: string): Promise<(T & nano.DocumentGetResponse) | null> {
	try {
		return await db.get(id);
	} catch (error) {
		if (statusOf(error) === 404) return null;
		throw error;
	}
}

/** Inserts a document with a fixed _id; false when one is already there (409), so two writers
 * racing for the same id both learn who won by re-reading. */
export async function insertOnce<T extends object>(db: nano.DocumentScope<T>, doc: T & { _id: string }): Promise<boolean> {
	try {
		await db.insert(doc);
		return true;
	} catch (error) {
		if (statusOf(error) === 409) return false;
		throw error;
	}
}

const MAX_TRIES = 8;

type Change<T extends object, R> = (current: (T & nano.DocumentGetResponse) | null) => { next: T | null; result: R };

/** The read–change–write round both updates run; `gave up` once `tries` rounds all conflicted. */
async function updateRounds<T extends object, R>(
	db: nano.DocumentScope<T>,
	id: string,
	change: Change<T, R>,
	tries: number,
	pause?: (attempt: number) => Promise<void>
): Promise<{ result: R } | 'gave up'> {
	for (let attempt = 0; attempt < tries; attempt++) {
		if (attempt > 0 && pause) await pause(attempt);
		const current = await getOrNull(db, id);
		const { next, result } = change(current);
		if (!next) return { result };
		try {
			await db.insert({ ...next, _id: id, ...(current ? { _rev: current._rev } : {}) });
			return { result };
		} catch (error) {
			if (statusOf(error) !== 409) throw error;
		}
	}
	return 'gave up';
}

/**
 * Optimistic update: read, let `change` compute the next version (or null for "leave it"),
 * write with the read revision, and start again on 409. CouchDB's revision check is what makes
 * counters and single-use codes hold across server instances.
 */
export async function updateDoc<T extends object, R>(db: nano.DocumentScope<T>, id: string, change: Change<T, R>): Promise<R> {
	const done = await updateRounds(db, id, change, MAX_TRIES);
	if (done === 'gave up') throw new Error(`update of ${id} kept conflicting`);
	return done.result;
}

/** Rounds a counter under attack may take: each lost round means another writer saved, and a
 * counter that stops changing once its limit is reached needs only about that many saves. */
const CONTENDED_TRIES = 40;

/**
 * updateDoc for the counters that guard sign-in (lock-outs, code tries, send caps), which a
 * hostile client hits with many parallel requests: more rounds, each after a short random pause
 * so the writers spread out, and when even that is not enough the request is refused as
 * 429 'rate_limited' rather than failing as a 5xx. A refused request was never counted nor
 * checked, so the refusal tells the caller nothing.
 */
export async function updateContended<T extends object, R>(db: nano.DocumentScope<T>, id: string, change: Change<T, R>): Promise<R> {
	const pause = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));
	const done = await updateRounds(db, id, change, CONTENDED_TRIES, pause);
	if (done === 'gave up') throw new TawasulError(429, 'rate_limited');
	return done.result;
}

/** A database may hold several document types side by side (the auth database: accounts,
 * sessions, pending sign-ins, codes…), and what devices replicated or older versions wrote, so
 * what is stored under an id is only trusted once its `type` says so: an id may hold another type
 * (a clash, an older layout, a hand edit), whose fields are not the ones the reader expects. */
export function storedAs<T extends { type: string }>(doc: T | null | undefined, type: T['type']): doc is T {
	// Read as unknown: the stored value is whatever was written, whatever the scope's type says.
	const stored: unknown = doc?.type;
	return stored === type;
}
