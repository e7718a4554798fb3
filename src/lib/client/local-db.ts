import { Dexie, type EntityTable } from 'dexie';
import type { CaseType } from '$lib/domain/doc-types';

/** A draft: mutable, local to this device, never replicated. Location is kept as typed (two
 * strings) so a half-typed coordinate survives a reload; it is parsed when the draft is sent. */
export interface DraftRecord {
	id: string;
	/** '' for a draft written while signed out; claimed by the next person who signs in. */
	user_id: string;
	updated_at: string;
	case_type: CaseType;
	entity_id: string;
	category_id: string;
	subject: string;
	body: string;
	location: { lat: string; lng: string } | null;
	/** When the problem was seen, from a photo the citizen chose (issue 15; not indexed: no new version). */
	observed_at?: string | null;
	/** A suggestion's proposer agrees to be named when it is published (not indexed: no new version). */
	name_consent?: boolean;
}

/** A file prepared for a draft (images already re-encoded); the Blob is stored as is. */
export interface DraftFileRecord {
	id: string;
	draft_id: string;
	blob: Blob;
	name: string;
	type: string;
	size: number;
	added_at: string;
}

export interface SettingRecord {
	key: string;
	value: unknown;
}

/** The one Dexie database of the app. Every version below is released: add a new version, never
 * edit one. IndexedDB works offline, so every write here succeeds without a network. */
export const db = new Dexie('tawasul') as Dexie & {
	drafts: EntityTable<DraftRecord, 'id'>;
	draftFiles: EntityTable<DraftFileRecord, 'id'>;
	settings: EntityTable<SettingRecord, 'key'>;
};

db.version(1).stores({
	drafts: 'id, user_id, updated_at',
	draftFiles: 'id, draft_id',
	settings: 'key'
});

/** Reads a setting; undefined when never written. */
export async function getSetting<T>(key: string): Promise<T | undefined> {
	return (await db.settings.get(key))?.value as T | undefined;
}

/** Offline: a local IndexedDB write, always succeeds (unless storage is full). */
export async function setSetting(key: string, value: unknown): Promise<void> {
	await db.settings.put({ key, value });
}

/** This device's id, stamped on every action; made once and kept in `settings`. */
export async function deviceId(): Promise<string> {
	return db.transaction('rw', db.settings, async () => {
		const existing = await getSetting<string>('device_id');
		if (existing) return existing;
		const id = crypto.randomUUID();
		await setSetting('device_id', id);
		return id;
	});
}
