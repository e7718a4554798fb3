/** A transferred case's files leave the databases of the entities that no longer hold it (issue
 * 10, finding 11: they stayed readable there). The case document is removed from those databases
 * by projectCase; its `att:` documents are removed here, once, when the transfer is applied.
 *
 * Revisions stay deterministic: the removal is written at the case's version, a descendant of
 * the copy's revision, and a later transfer back writes the copy again at its own, higher
 * version (see attachmentWrites), which extends the same branch and so brings the file back. */
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { attachmentDocId } from '../../../src/lib/domain/doc-types.js';
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
