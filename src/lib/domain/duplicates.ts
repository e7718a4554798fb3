/** Linking a case to a primary case as its duplicate (issue 13): staff of the entity link, the
 * primary's final reply then answers every linked case, and the entity's managers undo a link.
 * Suggestions are merged the same way (issue 14): the manager decides on the primary, each step
 * reaches every merged suggestion's proposer, and the published suggestion counts them all.
 * The server decides with these checks; the staff screen uses them to offer only links that will
 * be accepted. */
import type { ActionAuthor, CaseDoc, CaseStatus } from './doc-types';
import type { ErrorCode } from './errors';
import { mayDecideSuggestion } from './suggestion';

export type LinkFacts = Pick<CaseDoc, 'case_key' | 'status' | 'entity_id'> & Partial<Pick<CaseDoc, 'linked_to' | 'duplicates' | 'case_type' | 'suggestion_state'>>;

/** Only cases still waiting for their answer are linked: an answered case has its own reply. */
export const LINKABLE_STATUSES: readonly CaseStatus[] = ['open', 'awaiting_citizen'];

export const isSuggestion = (caseDoc: Pick<LinkFacts, 'case_type'>) => caseDoc.case_type === 'suggestion';

/** Whether the case takes part in a link, on either side. */
export function isLinked(caseDoc: Pick<LinkFacts, 'linked_to' | 'duplicates'>): boolean {
	return !!caseDoc.linked_to || (caseDoc.duplicates?.length ?? 0) > 0;
}

/** Why `duplicate` may not be linked to `primary` by `author`, or null when it may. A primary of
 * another entity is refused as not found, so a link reveals nothing of other entities' cases. */
export function linkRefusal(duplicate: LinkFacts, primary: LinkFacts | null, author: ActionAuthor | undefined): ErrorCode | null {
	if (primary && primary.case_key === duplicate.case_key) return 'link_self';
	if (!author?.entity_id || author.entity_id !== duplicate.entity_id) return 'not_allowed';
	if (!primary || primary.entity_id !== duplicate.entity_id) return 'case_not_found';
	if (!LINKABLE_STATUSES.includes(duplicate.status) || !LINKABLE_STATUSES.includes(primary.status)) return 'link_not_open';
	// A suggestion is merged into a suggestion, a complaint or an inquiry linked to one of those:
	// a decision on a suggestion answers no complaint.
	if (isSuggestion(duplicate) !== isSuggestion(primary)) return 'link_kind_mismatch';
	// A suggestion merged into one already decided takes that decision: only those who decide may.
	if (isSuggestion(primary) && (primary.suggestion_state ?? 'new') !== 'new' && !mayDecideSuggestion(author)) return 'not_allowed';
	// One level only: a primary is never itself a duplicate, a duplicate never a primary.
	if (isLinked(duplicate) || primary.linked_to) return 'already_linked';
	return null;
}

/** The primary's list of duplicates with `link` in it or out of it, keeping the order of linking. */
export function withDuplicate(duplicates: CaseDoc['duplicates'], link: NonNullable<CaseDoc['linked_to']>, present: boolean): NonNullable<CaseDoc['duplicates']> {
	const others = (duplicates ?? []).filter((d) => d.case_key !== link.case_key);
	return present ? [...others, link] : others;
}
