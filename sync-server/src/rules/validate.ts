/** Refuses malformed actions before anything else looks at them. The gate already checked the
 * shape on the way in; this runs the same domain checks again because the engine is the judge. */
import { validateAction } from '../../../src/lib/domain/validation.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Rule } from './types.js';

export const validate: Rule = {
	name: 'validate',
	filter: () => true,
	apply(work) {
		if (!work.action.author?.user_id || !work.action.author.role) {
			throw new TawasulError(403, 'not_allowed');
		}
		const errors = validateAction(work.action);
		if (errors.length > 0) {
			work.fields = errors;
			throw new TawasulError(422, errors[0].code, errors);
		}
	}
};
