/** Asks for a rating invitation when a reply reaches the citizen (issue 4). Nothing changes on
 * the case; the rule names a side effect, derived from the saved case so that a replay after a
 * crash derives the same one, which the engine hands to the rating service once the projections
 * are durable. The service keys everything on the reply's action id: one invitation, one SMS. */
import { hasAccount } from '../../../src/lib/domain/doc-types.js';
import type { Rule, SideEffect } from './types.js';

export const ratingInvite: Rule = {
	name: 'rating-invite',
	// An interim reply is not the answer; the citizen rates the reply that answers the case.
	filter: (work) => work.action.kind === 'reply' && !work.action.interim,
	apply() {
		// The reply itself is recorded by `record`; the invitation is a side effect (below).
	},
	effects(action, caseDoc): SideEffect[] {
		if (action.kind !== 'reply' || action.interim || !caseDoc.timeline.some((e) => e.action_id === action._id)) return [];
		// A case imported from a legacy system has no citizen account to invite.
		if (!hasAccount(caseDoc.citizen_id)) return [];
		return [{ kind: 'rating_invite', key: `invite:${action._id}`, action_id: action._id, case_key: caseDoc.case_key }];
	}
};
