/** The coordinators' oversight of what is published (issue 14): an implemented suggestion goes on
 * the public pages by itself (publish.ts); a coordinator may reword its title or its change (a
 * name, a plate or a phone number the proposer or the entity left in), take it off the pages with
 * a reason, and put it back. The document stays in `public` either way, so a replay of the
 * implementing action, which only ever inserts, never undoes a coordinator's decision. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { statusOf, storedAs, updateDoc } from '../store-docs.js';
import type { Store } from '../store.js';

/** The coordinators' list reads this many, newest first; the public pages show at most 500. */
const MODERATION_LIST_MAX = 1000;

const SUGGESTION_ID = /^sug:\d{4}-\d{2}-\d{2}:[0-9A-Za-z-]{1,80}$/;

/** Newest first (the id leads with the implementation date), withdrawn ones too; none before
 * the first publication makes the database. */
export async function listPublished(store: Store, limit = MODERATION_LIST_MAX): Promise<PublicSuggestionDoc[]> {
	try {
		const rows = await store.use<PublicSuggestionDoc>(DB.PUBLIC).list({ startkey: 'sug:\uffff', endkey: 'sug:', descending: true, include_docs: true, limit });
		return rows.rows.flatMap((row) => (row.doc?.type === 'public_suggestion' ? [row.doc] : []));
	} catch (error) {
		if (statusOf(error) === 404) return [];
		throw error;
	}
}

export type Moderation = { kind: 'withdraw'; reason: string } | { kind: 'restore' } | { kind: 'edit'; title?: string; change?: string };

/** Applies one decision to a published suggestion and returns it as saved, with what changed
 * for the audit trail. A decision that changes nothing writes nothing. */
export async function moderate(store: Store, id: string, decision: Moderation, by: string, at: string): Promise<{ doc: PublicSuggestionDoc; changes: Record<string, { from: unknown; to: unknown }> }> {
	if (!SUGGESTION_ID.test(id)) throw new TawasulError(404, 'not_found');
	await store.ensureDb(DB.PUBLIC);
	return updateDoc(store.use<PublicSuggestionDoc>(DB.PUBLIC), id, (current) => {
		if (!storedAs(current, 'public_suggestion')) throw new TawasulError(404, 'not_found');
		const { _rev, ...doc } = current;
		const next: PublicSuggestionDoc = { ...doc };
		const changes: Record<string, { from: unknown; to: unknown }> = {};
		if (decision.kind === 'withdraw' && !doc.withdrawn) {
			next.withdrawn = { at, by, reason: decision.reason };
			changes.withdrawn = { from: null, to: decision.reason };
		} else if (decision.kind === 'restore' && doc.withdrawn) {
			delete next.withdrawn;
			changes.withdrawn = { from: doc.withdrawn.reason, to: null };
		} else if (decision.kind === 'edit') {
			for (const field of ['title', 'change'] as const) {
				const value = decision[field];
				if (value === undefined || value === doc[field]) continue;
				changes[field] = { from: doc[field], to: value };
				next[field] = value;
			}
			if (Object.keys(changes).length > 0) next.edited = { at, by };
		}
		const saved = Object.keys(changes).length > 0 ? next : null;
		return { next: saved, result: { doc: saved ?? doc, changes } };
	});
}
