/** Asks the case state machine whether this author may take this action now. */
import { checkTransition } from '../../../src/lib/domain/case-state.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { Rule } from './types.js';

const STATUS_FOR_CODE = { case_not_found: 404, not_allowed: 403 } as Record<string, number>;

export const transition: Rule = {
	name: 'transition',
	filter: () => true,
	apply(work) {
		const verdict = checkTransition(work.before, work.action);
		if (!verdict.ok) throw new TawasulError(STATUS_FOR_CODE[verdict.code] ?? 409, verdict.code);
		work.next = verdict.next;
	}
};
