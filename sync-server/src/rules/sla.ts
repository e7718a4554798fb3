/** The SLA clock: a request for information pauses it, the citizen's answer resumes it, and
 * the first reply stops it (ARCHITECTURE §4). */
import { pauseSla, resumeSla, stopSla } from '../../../src/lib/domain/sla.js';
import { caseAfter, type Rule } from './types.js';

const CLOCK_KINDS = new Set(['request_info', 'provide_info', 'reply']);

export const sla: Rule = {
	name: 'sla',
	// An interim reply is not the answer: the clock runs on.
	filter: (work) => CLOCK_KINDS.has(work.action.kind) && !work.action.interim && work.after !== null,
	apply(work, ctx) {
		const after = caseAfter(work);
		switch (work.action.kind) {
			case 'request_info':
				after.sla = pauseSla(after.sla, work.at);
				break;
			case 'provide_info':
				after.sla = resumeSla(after.sla, work.at, ctx.catalogue.calendar);
				break;
			case 'reply':
				after.sla = stopSla(after.sla, work.at);
				break;
		}
	}
};
