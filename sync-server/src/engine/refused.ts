/** Refused actions leave `intake` once their refusal is durable (issue 10, finding 6: refused
 * actions stayed in intake for ever). The engine records a refusal in the author's database
 * (`rejection:<action_id>`), in the audit trail and, for an existing case, in its `rejected`
 * list; after that the action itself is deleted.
 *
 * Deletion, not `_purge`: the embedded store (PouchDB on LevelDB) has no purge, and a purged id
 * would be free again, so a device's replicator, asking `_revs_diff`, would send the refused
 * action once more and the gate could not tell a removed id from a new one. A deletion leaves a
 * tombstone of about a hundred bytes (id, revision, `_deleted`); compaction drops the body and
 * its files. The gate treats a removed id as taken (`duplicate_action`). */
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

export interface RefusedAction {
	_id: string;
	_rev: string;
}

export async function removeRefusedActions(store: Store, refused: RefusedAction[]): Promise<void> {
	if (refused.length === 0) return;
	const response = await store.fetch(`/${DB.INTAKE}/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs: refused.map(({ _id, _rev }) => ({ _id, _rev, _deleted: true })) })
	});
	if (!response.ok) throw new Error(`removing refused actions answered ${response.status}`);
	// A conflict means a replay already removed it; anything else fails the batch and is retried.
	const results = (await response.json()) as { id: string; error?: string }[];
	const failed = results.find((r) => r.error && r.error !== 'conflict');
	if (failed) throw new Error(`removing refused action ${failed.id}: ${failed.error}`);
}
