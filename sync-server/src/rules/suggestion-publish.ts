/** An implemented suggestion is published (issue 14): the rule changes nothing on the case and
 * names one side effect, keyed on the action that implemented it, so a replay publishes nothing
 * twice. What is published, and that the proposer is named only with consent, is decided from the
 * saved case by `public/publish.ts`. */
import type { Rule, SideEffect } from './types.js';

export const suggestionPublish: Rule = {
	name: 'suggestion-publish',
	filter: (work) => work.action.kind === 'suggestion_status' && work.action.suggestion_state === 'implemented',
	apply() {
		// The step itself is recorded by `suggestion` and `record`; publishing is a side effect.
	},
	effects(action, caseDoc): SideEffect[] {
		if (action.kind !== 'suggestion_status' || action.suggestion_state !== 'implemented') return [];
		// A merged suggestion is published once, as its primary, with its proposers counted.
		if (action.primary_key) return [];
		if (caseDoc.suggestion_state !== 'implemented' || !caseDoc.timeline.some((e) => e.action_id === action._id)) return [];
		return [{ kind: 'publish_suggestion', key: `publish:${action._id}`, action_id: action._id, case_key: caseDoc.case_key }];
	}
};
