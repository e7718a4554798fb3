import { ClientError } from './api';
import { db, type DraftFileRecord, type DraftRecord } from './local-db';
import { isQuotaError } from './storage';

export type DraftFields = Omit<DraftRecord, 'id' | 'user_id' | 'updated_at'>;

export const emptyDraftFields = (): DraftFields => ({
	case_type: 'complaint',
	entity_id: '',
	category_id: '',
	subject: '',
	body: '',
	location: null
});

/** Offline: local write. Creates a draft owned by `userId` ('' when signed out). */
export async function createDraft(userId: string, fields: Partial<DraftFields> = {}): Promise<DraftRecord> {
	const draft: DraftRecord = {
		...emptyDraftFields(),
		...fields,
		id: crypto.randomUUID(),
		user_id: userId,
		updated_at: new Date().toISOString()
	};
	await db.drafts.add(draft);
	return draft;
}

export function getDraft(id: string): Promise<DraftRecord | undefined> {
	return db.drafts.get(id);
}

/** Drafts the current person may see: their own and those written signed out on this device. */
export function listDrafts(userId: string): Promise<DraftRecord[]> {
	const owners = userId ? [userId, ''] : [''];
	return db.drafts.where('user_id').anyOf(owners).reverse().sortBy('updated_at');
}

/** Offline: local write. Saves the whole draft as typed so far (called debounced while typing);
 * the first save creates it, so opening the form leaves no empty draft behind. */
export async function putDraft(draft: DraftRecord): Promise<void> {
	await db.drafts.put({ ...draft, updated_at: new Date().toISOString() });
}

/** Offline: local write. Signed-out drafts become the person's when they sign in. */
export async function claimDrafts(userId: string): Promise<void> {
	await db.drafts.where('user_id').equals('').modify({ user_id: userId });
}

/** Offline: local write. On sign-out the person's drafts and their files leave this device
 * (a shared phone or a kiosk keeps nothing of them), in one transaction. */
export async function forgetDrafts(userId: string): Promise<void> {
	await db.transaction('rw', db.drafts, db.draftFiles, async () => {
		const ids: string[] = await db.drafts.where('user_id').equals(userId).primaryKeys();
		await db.draftFiles.where('draft_id').anyOf(ids).delete();
		await db.drafts.bulkDelete(ids);
	});
}

/** Offline: local write, one transaction, so a draft never loses its files half-way. */
export async function deleteDraft(id: string): Promise<void> {
	await db.transaction('rw', db.drafts, db.draftFiles, async () => {
		await db.draftFiles.where('draft_id').equals(id).delete();
		await db.drafts.delete(id);
	});
}

export function listDraftFiles(draftId: string): Promise<DraftFileRecord[]> {
	return db.draftFiles.where('draft_id').equals(draftId).sortBy('added_at');
}

/** Offline: local write; the Blob is stored directly in IndexedDB. */
export async function addDraftFile(draftId: string, blob: Blob, name: string): Promise<DraftFileRecord> {
	const record: DraftFileRecord = {
		id: crypto.randomUUID(),
		draft_id: draftId,
		blob,
		name,
		type: blob.type,
		size: blob.size,
		added_at: new Date().toISOString()
	};
	try {
		await db.transaction('rw', db.drafts, db.draftFiles, async () => {
			await db.draftFiles.add(record);
			await db.drafts.update(draftId, { updated_at: record.added_at });
		});
	} catch (error) {
		// The transaction is undone, the draft's text (saved before) is kept: the person is told
		// that this file did not fit, not that the draft failed.
		if (isQuotaError(error)) throw new ClientError(507, 'storage_full', [{ field: 'files', code: 'storage_full' }]);
		throw error;
	}
	return record;
}

/** Offline: local write. */
export async function removeDraftFile(id: string): Promise<void> {
	await db.draftFiles.delete(id);
}
