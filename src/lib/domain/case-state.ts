import { hasAccount, type ActionAuthor, type ActionDoc, type ActionKind, type CaseDoc, type CaseStatus, type SuggestionState } from './doc-types';
import type { ErrorCode } from './errors';
import { isLinked } from './duplicates';
import { mayDecideSuggestion } from './suggestion';

/** The case state machine. The server decides with it; the PWA uses it to offer only the actions
 * that will be accepted, so an offline agent is not surprised by a rejection later. */

type CaseFacts = Pick<CaseDoc, 'status' | 'entity_id' | 'citizen_id'> & Partial<Pick<CaseDoc, 'case_type' | 'suggestion_state' | 'linked_to' | 'duplicates' | 'public_photo'>>;
export type TransitionResult = { ok: true; next: CaseStatus } | { ok: false; code: ErrorCode };

/** For each kind on an existing case: the statuses it may start from, and where it leads
 * (`null` = the status does not change). `submit` is the only kind that creates a case. */
export const TRANSITIONS: Record<Exclude<ActionKind, 'submit'>, { from: CaseStatus[]; to: CaseStatus | null }> = {
	reply: { from: ['open', 'awaiting_citizen', 'answered'], to: 'answered' },
	request_info: { from: ['open', 'answered'], to: 'awaiting_citizen' },
	provide_info: { from: ['awaiting_citizen'], to: 'open' },
	transfer: { from: ['open', 'awaiting_citizen', 'answered'], to: 'open' },
	note: { from: ['open', 'awaiting_citizen', 'answered'], to: null },
	close: { from: ['open', 'awaiting_citizen', 'answered'], to: 'closed' },
	// Back to the entity with a new due date; the rule checks the 14-day window (rating.ts).
	reopen: { from: ['answered', 'closed'], to: 'open' },
	// A rating changes no status, and may come after a later transfer or reopening.
	rate: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	// Suggestions only; a closed case's suggestion may still be implemented later.
	suggestion_status: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	// Only a case still waiting for its answer is linked; the link rule checks the primary too.
	link: { from: ['open', 'awaiting_citizen'], to: null },
	unlink: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	duplicate_added: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	duplicate_removed: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	// Only a case still waiting for its answer gathers supporters (issue 15); the follow rule checks the category.
	follow: { from: ['open', 'awaiting_citizen'], to: null },
	// A photo is shown while the case stays on the public map (90 days, whatever its status); the
	// rule checks the category and the photo.
	publish_photo: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null },
	withdraw_photo: { from: ['open', 'awaiting_citizen', 'answered', 'closed'], to: null }
};

/** Where a suggestion may go from where it stands. Declined can be studied again; implemented is final. */
export const SUGGESTION_NEXT: Record<SuggestionState, readonly SuggestionState[]> = {
	new: ['under_study', 'accepted', 'declined'],
	under_study: ['accepted', 'declined'],
	accepted: ['implemented', 'declined'],
	implemented: [],
	declined: ['under_study']
};

/** The same, looked up by a state read from a stored case, which may be one this version does not know. */
const NEXT_BY_STATE: Partial<Record<string, readonly SuggestionState[]>> = SUGGESTION_NEXT;

export function nextSuggestionStates(caseDoc: Pick<CaseFacts, 'suggestion_state'>): readonly SuggestionState[] {
	return NEXT_BY_STATE[caseDoc.suggestion_state ?? 'new'] ?? [];
}

/** Kinds only the citizen who owns the case takes. */
const CITIZEN_KINDS = new Set<ActionKind>(['provide_info', 'reopen', 'rate']);
/** Kinds the server writes on the citizen's behalf (after its own checks); never offered as a button. */
export const SERVER_KINDS: readonly ActionKind[] = ['rate', 'duplicate_added', 'duplicate_removed'];

export const STAFF_KINDS: ActionKind[] = ['reply', 'request_info', 'transfer', 'note', 'close', 'suggestion_status', 'link', 'unlink', 'publish_photo', 'withdraw_photo'];
/** Kinds that put a photo before the public or take it back: the entity's managers', who decide
 * what the entity publishes (as with suggestions), not its agents'. */
export const PUBLIC_PHOTO_KINDS: readonly ActionKind[] = ['publish_photo', 'withdraw_photo'];
const STAFF_ROLES = new Set(['agent', 'manager']);

/** Who may act: the citizen who owns the case for their kinds, the case's own entity's staff for
 * theirs. Coordinators and ministers watch; they do not write on cases. */
function mayAct(kind: ActionKind, author: ActionAuthor | undefined, caseDoc: CaseFacts | null, copied = false): boolean {
	if (!author) return false;
	if (kind === 'submit') return author.role === 'citizen';
	if (!caseDoc) return false;
	if (CITIZEN_KINDS.has(kind)) return author.role === 'citizen' && author.user_id === caseDoc.citizen_id;
	// Any citizen but the one who filed it may follow a case (issue 15).
	if (kind === 'follow') return author.role === 'citizen' && author.user_id !== caseDoc.citizen_id;
	// The entity's managers decide on a suggestion; its agents answer it like any other case. A
	// merged suggestion's copy of its primary's step is the server's, in the name of whoever merged it.
	if (kind === 'suggestion_status' && !copied && !mayDecideSuggestion(author)) return false;
	// A link is undone by the entity's managers only (issue 13).
	if ((kind === 'unlink' || PUBLIC_PHOTO_KINDS.includes(kind)) && author.role !== 'manager') return false;
	return STAFF_ROLES.has(author.role) && !!author.entity_id && author.entity_id === caseDoc.entity_id;
}

/** Checks in this order so that nobody learns a case's state from a refusal: existence, author,
 * then status. */
export function checkTransition(caseDoc: CaseFacts | null, action: ActionDoc): TransitionResult {
	if (action.kind === 'submit') {
		if (caseDoc) return { ok: false, code: 'duplicate_action' };
		return mayAct('submit', action.author, null) ? { ok: true, next: 'open' } : { ok: false, code: 'not_allowed' };
	}
	// hasOwn: a kind such as 'constructor' from a hostile device must not reach Object.prototype.
	const rule = Object.hasOwn(TRANSITIONS, action.kind) ? TRANSITIONS[action.kind] : undefined;
	if (!rule) return { ok: false, code: 'invalid_transition' };
	if (!caseDoc) return { ok: false, code: 'case_not_found' };
	if (!mayAct(action.kind, action.author, caseDoc, action.kind === 'suggestion_status' && !!action.primary_key)) return { ok: false, code: 'not_allowed' };
	if (!rule.from.includes(caseDoc.status)) return { ok: false, code: 'invalid_transition' };
	// An interim reply says where the case stands while the entity works on it: the case stays
	// where it is, and once answered there is nothing interim left to say.
	if (action.kind === 'reply' && action.interim) {
		return isInterimAllowed(caseDoc) ? { ok: true, next: caseDoc.status } : { ok: false, code: 'invalid_transition' };
	}
	// An anonymous report or a legacy case has nobody to ask: the case would wait for ever.
	if (action.kind === 'request_info' && !hasAccount(caseDoc.citizen_id)) return { ok: false, code: 'no_one_to_ask' };
	if (action.kind === 'transfer' && action.to_entity_id === caseDoc.entity_id) {
		return { ok: false, code: 'same_entity' };
	}
	if (action.kind === 'publish_photo' && caseDoc.linked_to) return { ok: false, code: 'linked_not_public' };
	if (action.kind === 'withdraw_photo' && !caseDoc.public_photo) return { ok: false, code: 'no_public_photo' };
	if (action.kind === 'suggestion_status') {
		if (caseDoc.case_type !== 'suggestion') return { ok: false, code: 'invalid_transition' };
		// A merged suggestion follows its primary's steps, copied by the server (rules/link.ts
		// checks the copy); staff decide on the primary.
		if (action.primary_key) return { ok: true, next: caseDoc.status };
		if (caseDoc.linked_to) return { ok: false, code: 'suggestion_merged' };
		if (!action.suggestion_state || !nextSuggestionStates(caseDoc).includes(action.suggestion_state)) return { ok: false, code: 'invalid_transition' };
	}
	return { ok: true, next: rule.to ?? caseDoc.status };
}

/** Whether an interim reply may be sent now: before the case is answered. */
export const isInterimAllowed = (caseDoc: Pick<CaseFacts, 'status'>) => caseDoc.status === 'open' || caseDoc.status === 'awaiting_citizen';

/** The kinds `author` may perform on the case now, for the buttons the UI shows. */
export function availableActions(caseDoc: CaseFacts, author: ActionAuthor): ActionKind[] {
	return (Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[]).filter(
		(kind) =>
			!SERVER_KINDS.includes(kind) &&
			// Following is offered by the new-case form, next to the nearby case, not on a case's page.
			kind !== 'follow' &&
			mayAct(kind, author, caseDoc) &&
			TRANSITIONS[kind].from.includes(caseDoc.status) &&
			(kind !== 'suggestion_status' || (caseDoc.case_type === 'suggestion' && !caseDoc.linked_to && nextSuggestionStates(caseDoc).length > 0)) &&
			(kind !== 'request_info' || hasAccount(caseDoc.citizen_id)) &&
			(kind !== 'link' || !isLinked(caseDoc)) &&
			(kind !== 'unlink' || !!caseDoc.linked_to) &&
			(kind !== 'publish_photo' || !caseDoc.linked_to) &&
			(kind !== 'withdraw_photo' || !!caseDoc.public_photo)
	);
}
