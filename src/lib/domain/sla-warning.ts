import { addWorkingDays, type WorkCalendar } from './calendar';
import type { CaseStatus, CaseType, SlaState } from './doc-types';
import type { RatingCriterion } from './rating';
import { isOverdue, slaPhase } from './sla';

/** SLA early warning (issue 16, part 2): which cases to chase before, and after, their period
 * runs out. Only a running clock warns: a case paused while the entity waits for the citizen
 * has no date to keep until the citizen answers (its due date moves then), and a replied case
 * has kept or missed its date for good. */

export type SlaWarning = 'late' | 'due_soon';

export const DEFAULT_WARNING_WORKING_DAYS = 1;

/** The last instant a case may be due and still count as due soon: the end of the Nth working
 * day after today, in the national calendar (the same arithmetic that sets due dates, so a
 * case routed on a given day is due soon exactly N working days before its date). 0: today. */
export function warningHorizon(now: Date, workingDays: number, cal: WorkCalendar): Date {
	return addWorkingDays(now, workingDays, cal);
}

export function slaWarning(c: { status: CaseStatus; sla?: SlaState | null }, now: Date, horizon: Date): SlaWarning | null {
	if (!c.sla || c.status === 'closed' || slaPhase(c.sla) !== 'running') return null;
	if (isOverdue(c.sla, now)) return 'late';
	return Date.parse(c.sla.due_at) <= horizon.getTime() ? 'due_soon' : null;
}

/** One entity's counts for the minister's office (GET /api/sla/at-risk). */
export interface EntityRisk {
	entity_id: string;
	late: number;
	due_soon: number;
}

/** What every list of the SLA screens shows of a case. */
export interface ListedCase {
	case_key: string;
	ref: string;
	subject: string;
	case_type: CaseType;
	category_id: string;
	status: CaseStatus;
}

/** One late or due-soon case as GET /api/sla/warnings lists it. */
export interface WarningCase extends ListedCase {
	due_at: string;
	warning: SlaWarning;
	/** Who holds the case in its entity (user id), null when nobody has acted on it there yet. */
	handler: string | null;
	reopened: number;
}

/** One row of a manager's queue (GET /api/sla/attention). */
export interface AttentionItem extends ListedCase {
	kind: 'low_rating' | 'reopened';
	at: string;
	/** low_rating: the criteria at or below the threshold, with their scores, and the comment. */
	low_criteria?: { criterion: RatingCriterion; score: number }[];
	comment?: string | null;
	/** reopened: the citizen's reason and how often it was reopened. */
	reason?: string | null;
	reopened?: number;
}
