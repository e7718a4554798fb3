/** Files travel with the action that brought them (into `intake`) and are copied, once, into
 * immutable `att:` documents in each database that shows the case. A transfer copies every file
 * of the case to the new entity. Revisions are deterministic, so copying again is a no-op. */
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { attachmentDocId, caseDocId, DB, DOC_TYPES, entityDb, hasAccount, userDb } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import { withRevision, type Projection } from './projections.js';
import { aboveCurrent, filesLeftBehind } from './transfer-files.js';
import { redactedVersion } from '../redaction/records.js';

interface FullAttachment {
	content_type: string;
	data: string;
	length?: number;
}

/** The `att:` documents the given actions require, for the cases as they now stand. */
export async function attachmentWrites(store: Store, actions: ActionDoc[], cases: Map<string, CaseDoc>): Promise<Projection[]> {
	const needs = new Map<string, { dbs: Set<string>; caseDoc: CaseDoc }>(); // action id → target databases, and its case
	// Copies made by a transfer are written at the case's version, above an earlier removal.
	const copyVersion = new Map<string, number>(); // action id → revision of its copies
	const writes: Projection[] = [];
	// A transfer's copies and removals, checked against the revisions a redaction may have added.
	const transferWrites: Projection[] = [];
	const want = (actionId: string, caseDoc: CaseDoc, dbs: string[]) => {
		const set = needs.get(actionId)?.dbs ?? new Set<string>();
		dbs.forEach((db) => set.add(db));
		needs.set(actionId, { dbs: set, caseDoc });
	};
	for (const action of actions) {
		const caseDoc = cases.get(caseDocId(action.case_key));
		if (!caseDoc || !caseDoc.applied.includes(action._id)) continue;
		const entity = entityDb(caseDoc.entity_id);
		if (action.kind === 'transfer') {
			for (const entry of caseDoc.timeline) {
				if (!entry.attachments?.length) continue;
				want(entry.action_id, caseDoc, [entity]);
				copyVersion.set(entry.action_id, caseDoc.version);
			}
			transferWrites.push(...filesLeftBehind(caseDoc));
		} else if (Object.keys(action._attachments ?? {}).length > 0) {
			// A note stays with staff; a case with no account (legacy, an anonymous report) has no
			// citizen's database to copy into.
			const toCitizen = action.kind !== 'note' && hasAccount(caseDoc.citizen_id);
			want(action._id, caseDoc, toCitizen ? [entity, userDb(caseDoc.citizen_id)] : [entity]);
		}
	}
	await forEachLimited([...needs], 4, async ([actionId, { dbs: targets, caseDoc }]) => {
		const full = await fetchWithFiles(store, actionId);
		for (const [name, original] of Object.entries(full._attachments ?? {})) {
			// A transfer forwards the version staff are shown: a redacted photo stays redacted.
			const redacted = copyVersion.has(actionId) ? await redactedVersion(store, attachmentDocId(actionId, name)) : null;
			const file: FullAttachment = redacted ?? original;
			const doc = {
				_id: attachmentDocId(actionId, name),
				type: DOC_TYPES.ATTACHMENT,
				case_key: caseDoc.case_key,
				action_id: actionId,
				name,
				content_type: file.content_type,
				size: file.length ?? Buffer.byteLength(file.data, 'base64'),
				...(redacted ? { redacted: true } : {}),
				_attachments: { [name]: { content_type: file.content_type, data: file.data } }
			};
			for (const db of targets) (copyVersion.has(actionId) ? transferWrites : writes).push({ db, doc: withRevision(doc, db, copyVersion.get(actionId) ?? 1) });
		}
	});
	return transferWrites.length ? [...writes, ...(await aboveCurrent(store, transferWrites))] : writes;
}

async function fetchWithFiles(store: Store, actionId: string): Promise<{ _attachments?: Record<string, FullAttachment> }> {
	const response = await store.fetch(`/${DB.INTAKE}/${encodeURIComponent(actionId)}?attachments=true`, {
		headers: { accept: 'application/json' }
	});
	if (!response.ok) throw new Error(`reading files of ${actionId} answered ${response.status}`);
	return (await response.json()) as { _attachments?: Record<string, FullAttachment> };
}

export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) await fn(items[next++]);
	});
	await Promise.all(workers);
}
