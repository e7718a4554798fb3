/** Tells the citizen by SMS when their case moves without them watching (issue 16): the entity
 * asks for more information, the case goes to another entity, the entity sends an interim reply
 * (where the case stands, before its answer), the citizen's reopening reached the entity, or a
 * case filed offline got its reference number. Like `rating-invite`, nothing changes on the case:
 * the rule names a side effect, derived from the action and the saved case so that a replay
 * derives the same one, keyed on the action id (one notice, one SMS job).
 *
 * The final reply has no notice of its own: it already brings the rating invitation, whose SMS
 * says the entity replied, so one reply is one SMS. Notes, closing, the citizen's own answers and
 * ratings send nothing. Each step of a suggestion is told (issue 14): under study, accepted with
 * its target date, implemented, declined. */
import { hasAccount, type ActionDoc, type ActionKind } from '../../../src/lib/domain/doc-types.js';
import type { CitizenNotice, Rule, SideEffect } from './types.js';

/** A submission the gate received this long after the device made it was filed offline: the
 * citizen saw no reference number on the screen, so it comes by SMS once the case exists. The
 * device's clock only ever adds or saves this one message; it decides nothing on the case. */
export const OFFLINE_FILING_MS = 5 * 60_000;

const NOTICE_OF: Partial<Record<ActionKind, CitizenNotice>> = {
	request_info: 'info_requested',
	transfer: 'transferred',
	reopen: 'reopened'
};

export function filedOffline(action: Pick<ActionDoc, 'client_time' | 'received_at'>): boolean {
	const made = Date.parse(action.client_time);
	const received = Date.parse(action.received_at ?? '');
	return Number.isFinite(made) && Number.isFinite(received) && received - made >= OFFLINE_FILING_MS;
}

/** Filed at a kiosk by a citizen who proved their phone there (issue 12): the receipt stays on
 * the kiosk, so the reference also comes by SMS. A filing without a phone is the kiosk's own
 * (its author is the kiosk) and has no one to text. */
function filedAtKioskWithPhone(action: Pick<ActionDoc, 'kiosk' | 'author'>): boolean {
	return !!action.kiosk && !!action.author && action.author.user_id !== action.kiosk.kiosk_id;
}

/** The notice an applied action asks for, or null. */
function noticeFor(action: ActionDoc): CitizenNotice | null {
	if (action.kind === 'submit') return filedOffline(action) || filedAtKioskWithPhone(action) ? 'reference_issued' : null;
	if (action.kind === 'reply') return action.interim ? 'interim_reply' : null;
	if (action.kind === 'suggestion_status') return action.suggestion_state && action.suggestion_state !== 'new' ? `suggestion_${action.suggestion_state}` : null;
	return NOTICE_OF[action.kind] ?? null;
}

export const citizenNotice: Rule = {
	name: 'citizen-notice',
	filter: (work) => noticeFor(work.action) !== null,
	apply() {
		// The action itself is recorded by `record`; the notice is a side effect (below).
	},
	effects(action, caseDoc): SideEffect[] {
		const notice = noticeFor(action);
		if (!notice || !caseDoc.timeline.some((e) => e.action_id === action._id)) return [];
		// A case imported from a legacy system has no citizen account to text.
		if (!hasAccount(caseDoc.citizen_id)) return [];
		return [{ kind: 'citizen_notice', notice, key: `notice:${action._id}`, action_id: action._id, case_key: caseDoc.case_key }];
	}
};
