/** The citizen's appeal (issue 4): within 14 days of the latest reply an answered or closed case
 * goes back to the entity with a new response period. The state machine already checked who and
 * from which status; this checks the window by server time and restarts the clock. */
import { lastReply, isWithinWindow } from '../../../src/lib/domain/rating.js';
import { startSla } from '../../../src/lib/domain/sla.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { caseAfter, type Rule } from './types.js';

export const reopen: Rule = {
	name: 'reopen',
	filter: (work) => work.action.kind === 'reopen' && work.after !== null,
	apply(work, ctx) {
		const after = caseAfter(work);
		const reply = lastReply(after.timeline);
		if (!reply) throw new TawasulError(409, 'invalid_transition');
		if (!isWithinWindow(reply.at, work.at)) throw new TawasulError(409, 'window_closed');
		// The settled period stays readable for the dashboard's "answered within the period".
		after.sla_history = [...(after.sla_history ?? []), after.sla];
		after.sla = startSla(work.at, ctx.catalogue.settings.response_days, ctx.catalogue.calendar);
		after.reopened = (after.reopened ?? 0) + 1;
	}
};
