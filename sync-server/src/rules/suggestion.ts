/** A manager moves a suggestion on (under study, accepted, implemented, declined). The state
 * machine has already checked who (the entity's managers) and that the step is allowed from where
 * the suggestion stands; this checks what the step carries against today's date in the national
 * time zone (server time: a target date in the past, an implementation dated tomorrow, a decline
 * without a reason are refused) and records where the suggestion stands now. The case's own
 * status does not change. */
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { suggestionDetails, suggestionStepErrors } from '../../../src/lib/domain/suggestion.js';
import { isServerActionId } from '../gate/action-ids.js';
import { caseAfter, type Rule } from './types.js';

export const suggestion: Rule = {
	name: 'suggestion',
	filter: (work) => work.action.kind === 'suggestion_status' && work.after !== null,
	apply(work, ctx) {
		const today = localDateOf(work.at, ctx.catalogue.settings.time_zone);
		// A merged suggestion's copy of its primary's step was checked on the primary, perhaps days
		// before (a suggestion merged into one accepted then): its target date may have passed since.
		const copied = !!work.action.primary_key && isServerActionId(work.action._id);
		const errors = copied ? [] : suggestionStepErrors(work.action, today);
		if (errors.length > 0) {
			work.fields = errors;
			throw new TawasulError(422, errors[0].code, errors);
		}
		const after = caseAfter(work);
		after.suggestion_state = work.action.suggestion_state;
		after.suggestion = suggestionDetails(work.action, work.at.toISOString());
	}
};
