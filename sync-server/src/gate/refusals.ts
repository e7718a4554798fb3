/** Actions the gate refuses after they were checked (over quota) are recorded as the engine
 * records the ones it refuses: a `rejection:<action_id>` in the author's database, which the app
 * shows next to the action with its reason, and an entry in the audit trail. They never reach
 * `intake`. */
import { hasAccount, type ActionDoc } from '../../../src/lib/domain/doc-types.js';
import { caseAuditEntry } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';
import { rejectionDoc } from '../engine/projections.js';
import { writeProjections } from '../engine/writer.js';
import type { Store } from '../store.js';

export async function recordGateRefusals(store: Store, actions: ActionDoc[], code: string, at: string): Promise<void> {
	if (actions.length === 0) return;
	// An anonymous report's author has no database to be told in.
	const refusals = actions.flatMap((a) => (a.author?.user_id && hasAccount(a.author.user_id) ? [rejectionDoc(a._id, a.case_key, a.kind, code, at, a.author.user_id)] : []));
	const audits = actions.map((a) => caseAuditEntry(a, null, { kind: 'rejected', code }, at));
	await Promise.all([writeProjections(store, refusals), writeAudit(store, audits)]);
}
