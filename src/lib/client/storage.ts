/** The device's storage as the citizen's drafts and queued photos depend on it (issue 15 step 6,
 * issue 16): asking the browser once to keep it, and telling a full store from other failures. */
import { getSetting, setSetting } from './local-db';

export type PersistAnswer = 'granted' | 'denied' | 'unsupported';

/** The parts of `navigator.storage` used here. */
type PersistApi = Partial<Pick<StorageManager, 'persist' | 'persisted'>>;

interface AskedFlag {
	get(): Promise<boolean>;
	set(): Promise<void>;
}

/** Asks the browser to keep this site's data when the device runs short of space, once per
 * device: the answer the first time, null every time after (the question is never repeated). */
export async function askOnce(storage: PersistApi | undefined, asked: AskedFlag): Promise<PersistAnswer | null> {
	if (await asked.get()) return null;
	await asked.set();
	if (!storage?.persist) return 'unsupported';
	if (await storage.persisted?.()) return 'granted';
	return (await storage.persist()) ? 'granted' : 'denied';
}

const ASKED_KEY = 'storage_persist_asked';
let inFlight: Promise<PersistAnswer | null> | null = null;

/** askOnce with this browser's storage and the flag kept in Dexie `settings`. Offline: local
 * only. Two callers at once (a save and a photo) share one question. */
export function askPersistenceOnce(): Promise<PersistAnswer | null> {
	inFlight ??= askOnce(typeof navigator === 'undefined' ? undefined : navigator.storage, {
		get: async () => Boolean(await getSetting<boolean>(ASKED_KEY)),
		set: () => setSetting(ASKED_KEY, true)
	})
		.catch(() => null)
		.finally(() => (inFlight = null));
	return inFlight;
}

/** A write refused because the origin's storage is full: IndexedDB's QuotaExceededError, also
 * when Dexie or PouchDB wrap it (`inner`). */
export function isQuotaError(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		if ((current as { name?: unknown }).name === 'QuotaExceededError') return true;
		current = (current as { inner?: unknown }).inner;
	}
	return false;
}
