/** The one interface every rule implements. Rules change `work` in memory only; the engine
 * does every read and the single save (docs/design.md, STYLE.md §2). */
import type { ActionAuthor, ActionDoc, CaseDoc, CaseStatus, Follower, TimelineEntry } from '../../../src/lib/domain/doc-types.js';
import type { FieldError } from '../../../src/lib/domain/errors.js';
import type { Catalogue } from '../engine/catalogue.js';

export interface Work {
	readonly action: ActionDoc;
	/** The authoritative case before this action, or null; rules never change it. */
	readonly before: CaseDoc | null;
	/** The case as this action leaves it; rules build it up. */
	after: CaseDoc | null;
	/** Server time of the action: when the gate received it (a device clock never decides). */
	readonly at: Date;
	next?: CaseStatus;
	/** Details for a rejection raised with TawasulError. */
	fields?: FieldError[];
	/** What a rule adds to the action's timeline entry, which `record` writes. */
	entry?: Partial<TimelineEntry>;
}

/** The case as the action leaves it, for a rule whose filter lets through only work that has one. */
export function caseAfter(work: Work): CaseDoc {
	if (!work.after) throw new Error(`action ${work.action._id} reached a rule that needs its case, without one`);
	return work.after;
}

/** The action's author, which the validate rule requires before any other rule runs. */
export function authorOf(action: ActionDoc): ActionAuthor {
	if (!action.author) throw new Error(`action ${action._id} reached a rule without its author`);
	return action.author;
}

export interface RuleContext {
	readonly catalogue: Catalogue;
	/** Allocates the next reference number of the year `at` falls in (national time). */
	reference(at: Date): string;
	/** Another case the action names (a link's primary, the linked case), as this batch leaves
	 * it so far; null when it does not exist. Read-only: the action changes only its own case. */
	caseOf(caseKey: string): CaseDoc | null;
}

export interface Rule {
	readonly name: string;
	filter(work: Work): boolean;
	/** Throws TawasulError to refuse the action with a code the author's device shows. */
	apply(work: Work, ctx: RuleContext): void;
	/** Side effects an applied action asks for once its case is durable and projected. Pure, and
	 * computed from the saved case (for new actions and replays alike), so a restart derives the
	 * same effects and their handler, keyed on `key`, does each once. */
	effects?(action: ActionDoc, caseDoc: CaseDoc): SideEffect[];
}

/** Something outside the case to do after a batch is durable (an SMS invitation, …). */
export type SideEffect = RatingInviteEffect | CitizenNoticeEffect | FollowerNoticeEffect | PublishSuggestionEffect | ServerActionEffect;

interface EffectBase {
	/** Idempotency key of the effect: the same action always yields the same key. */
	key: string;
	action_id: string;
	case_key: string;
}

export interface RatingInviteEffect extends EffectBase {
	kind: 'rating_invite';
}

/** The citizen is told by SMS that something happened to their case (issue 16). */
export interface CitizenNoticeEffect extends EffectBase {
	kind: 'citizen_notice';
	notice: CitizenNotice;
}

export type CitizenNotice =
	| 'reference_issued'
	| 'info_requested'
	| 'transferred'
	| 'interim_reply'
	| 'reopened'
	// Each step of a suggestion (issue 14).
	| 'suggestion_under_study'
	| 'suggestion_accepted'
	| 'suggestion_implemented'
	| 'suggestion_declined';

/** A citizen who follows the case is told of its answer (issue 15): one per follower and action. */
export interface FollowerNoticeEffect extends EffectBase {
	kind: 'follower_notice';
	follower: Follower;
}

/** An implemented suggestion goes into the public store (issue 14). */
export interface PublishSuggestionEffect extends EffectBase {
	kind: 'publish_suggestion';
}

/** An action the server writes into `intake` on the author's behalf, under an id derived from the
 * action that asked for it (issue 13: the primary's side of a link, a reply copied onto each linked
 * case), so that a replay writes the same action once and the engine decides it like any other. */
interface ServerActionEffect extends EffectBase {
	kind: 'server_action';
	action: ActionDoc;
}
