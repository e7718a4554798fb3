/** The entity moves a suggestion on (under study, accepted, implemented, declined). The state
 * machine has already checked who, and that the step is allowed from where the suggestion stands;
 * this records where it stands now. The case's own status does not change. */
import type { Rule } from './types.js';

export const suggestion: Rule = {
	name: 'suggestion',
	filter: (work) => work.action.kind === 'suggestion_status' && work.after !== null,
	apply(work) {
		work.after!.suggestion_state = work.action.suggestion_state;
	}
};
