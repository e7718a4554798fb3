/** A design document the server owns, installed (or brought up to date) once per process and
 * database. Safe when instances race: a 409 means another instance wrote it first, so it is read
 * again and written only if it still differs. */
import type { Store } from './store.js';

type DesignFields = Record<string, unknown>;

const ready = new WeakMap<Store, Map<string, Promise<void>>>();
const TRIES = 5;

export function ensureDesignDoc(store: Store, db: string, id: string, fields: DesignFields): Promise<void> {
	const byDoc = ready.get(store) ?? new Map<string, Promise<void>>();
	ready.set(store, byDoc);
	const key = `${db}/${id}`;
	let done = byDoc.get(key);
	if (!done) {
		done = install(store, db, id, fields).catch((error: unknown) => {
			byDoc.delete(key);
			throw error;
		});
		byDoc.set(key, done);
	}
	return done;
}

/** Whether the stored document already holds every field as wanted. */
function holds(current: DesignFields, fields: DesignFields): boolean {
	return Object.entries(fields).every(([name, value]) => JSON.stringify(current[name]) === JSON.stringify(value));
}

async function install(store: Store, db: string, id: string, fields: DesignFields): Promise<void> {
	await store.ensureDb(db);
	const docs = store.use<DesignFields & { _id: string; _rev?: string }>(db);
	for (let attempt = 1; ; attempt++) {
		let current: (DesignFields & { _rev?: string }) | null = null;
		try {
			current = await docs.get(id);
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 404) throw error;
		}
		if (current && holds(current, fields)) return;
		try {
			await docs.insert({ ...fields, _id: id, ...(current?._rev ? { _rev: current._rev } : {}) });
			return;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 409 || attempt >= TRIES) throw error;
		}
	}
}
