/** Small helpers over nano for the read-modify-write patterns of the `auth` database. */
import type nano from 'nano';

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

/**
 * Optimistic update: read, let `change` compute the next version (or null for "leave it"),
 * write with the read revision, and start again on 409. CouchDB's revision check is what makes
 * counters and single-use codes hold across server instances.
 */
export async function updateDoc<T extends object, R>(
	db: nano.DocumentScope<T>,
	id: string,
	change: (current: (T & nano.DocumentGetResponse) | null) => { next: T | null; result: R }
): Promise<R> {
	for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
		const current = await getOrNull(db, id);
		const { next, result } = change(current);
		if (!next) return result;
		try {
			await db.insert({ ...next, _id: id, ...(current ? { _rev: current._rev } : {}) } as T);
			return result;
		} catch (error) {
			if (statusOf(error) !== 409) throw error;
		}
	}
	throw new Error(`update of ${id} kept conflicting`);
}
