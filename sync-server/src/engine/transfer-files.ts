/** A transferred case's files leave the databases of the entities that no longer hold it (issue
 * 10, finding 11: they stayed readable there). The case document is removed from those databases
 * by projectCase; its `att:` documents are removed here, once, when the transfer is applied.
 *
 * Revisions stay deterministic: the removal is written at the case's version, a descendant of
 * the copy's revision, and a later transfer back writes the copy again at its own, higher
 * version (see attachmentWrites), which extends the same branch and so brings the file back. */
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { attachmentDocId } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import { formerEntityDbs, withRevision, type Projection } from './projections.js';

export function filesLeftBehind(caseDoc: CaseDoc): Projection[] {
	const removals: Projection[] = [];
	const formers = formerEntityDbs(caseDoc);
	for (const entry of caseDoc.timeline) {
		for (const file of entry.attachments ?? []) {
			for (const db of formers) {
				const gone = withRevision({ _id: attachmentDocId(entry.action_id, file.name) }, db, caseDoc.version);
				removals.push({ db, doc: { ...gone, _deleted: true } });
			}
		}
	}
	return removals;
}

/** A redacted photo's `att:` document has moved further along its branch than the case's version
 * (redaction/records.ts writes one revision above the one it read), so a removal or copy at the
 * case's version could land on a revision the store already holds and change nothing: the former
 * entity would keep the photo. A write that would turn a live document into a removed one (or back)
 * at or below the current revision is moved one above it. A write that leaves the document as
 * live or as removed as it is changes nothing, so replays stay exactly as deterministic as before. */
export async function aboveCurrent(store: Store, writes: Projection[]): Promise<Projection[]> {
	const byDb = new Map<string, Projection[]>();
	for (const write of writes) byDb.set(write.db, [...(byDb.get(write.db) ?? []), write]);
	const out: Projection[] = [];
	for (const [db, group] of byDb) {
		const response = await store.fetch(`/${db}/_all_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ keys: group.map((write) => write.doc._id) })
		});
		if (response.status === 404) {
			out.push(...group);
			continue;
		}
		if (!response.ok) throw new Error(`reading ${db} revisions answered ${response.status}`);
		const { rows } = (await response.json()) as { rows: { key: string; value?: { rev: string; deleted?: boolean } }[] };
		const current = new Map(rows.flatMap(({ key, value }) => (value ? [[key, { rev: Number.parseInt(value.rev, 10), deleted: value.deleted === true }] as const] : [])));
		for (const write of group) {
			const there = current.get(write.doc._id);
			const removing = (write.doc as { _deleted?: boolean })._deleted === true;
			if (!there || there.deleted === removing || there.rev < write.doc._revisions.start) {
				out.push(write);
				continue;
			}
			const { _rev, _revisions, ...fields } = write.doc;
			out.push({ db, doc: withRevision(fields, db, there.rev + 1) });
		}
	}
	return out;
}
