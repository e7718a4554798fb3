/** The suggestion lifecycle to its end (issue 14): received → under study → accepted (planned,
 * with a target date) → implemented (what changed, when, a link), or declined with a reason.
 * The entity's managers decide; what each step must carry is checked here, for the manager's
 * form and for the rules engine alike, against the national date the server gives. An
 * implemented suggestion becomes a public record without personal data: the proposer is named
 * only when they agreed to it when they sent the suggestion. */
import type { ActionAuthor, ActionDoc, CaseDoc, SuggestionState } from './doc-types';
import type { FieldError } from './errors';
import { LIMITS } from './limits';
import { cleanUserText } from './user-text';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A link to where the change can be seen (a page of the entity, a service). */
export const SUGGESTION_LINK_MAX = 500;

/** The details a step may carry; each step takes only its own. */
const STEP_FIELDS = ['body', 'reason', 'target_date', 'implemented_on', 'link'] as const;
type StepField = (typeof STEP_FIELDS)[number];
const FIELDS_OF: Record<Exclude<SuggestionState, 'new'>, readonly StepField[]> = {
	under_study: ['body'],
	accepted: ['body', 'target_date'],
	implemented: ['body', 'implemented_on', 'link'],
	declined: ['body', 'reason']
};

export type SuggestionStep = Pick<ActionDoc, 'suggestion_state' | StepField>;

/** Only the entity's managers decide on a suggestion; agents and coordinators do not. */
export const mayDecideSuggestion = (author: Pick<ActionAuthor, 'role'> | undefined) => author?.role === 'manager';

/** A real calendar day written YYYY-MM-DD (no 2026-02-30). */
export function isLocalDate(value: unknown): value is string {
	if (typeof value !== 'string' || !LOCAL_DATE.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** An http(s) address without credentials, short enough to print. */
export function isPublicLink(value: unknown): value is string {
	if (typeof value !== 'string' || value.length > SUGGESTION_LINK_MAX) return false;
	try {
		const url = new URL(value);
		return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && url.hostname.includes('.');
	} catch {
		return false;
	}
}

const chars = (s: string) => Array.from(s.trim()).length;

function checkStepText(errors: FieldError[], field: 'body' | 'reason', value: unknown, min: number, max: number, required: boolean): void {
	if (value === undefined || (typeof value === 'string' && cleanUserText(value).trim() === '')) {
		if (required) errors.push({ field, code: 'required' });
		return;
	}
	if (typeof value !== 'string') return void errors.push({ field, code: 'invalid_format' });
	const length = chars(cleanUserText(value));
	if (length < min) errors.push({ field, code: 'too_short', params: { min } });
	else if (length > max) errors.push({ field, code: 'too_long', params: { max } });
}

/**
 * What the step must carry, given today's date in the national time zone (without it, the dates
 * are checked for their form only): a target date not in
 * the past to accept, what changed and when (not in the future) to record it implemented, a
 * reason to decline. A field that belongs to another step is refused rather than dropped, so
 * nothing a manager typed is silently lost.
 */
export function suggestionStepErrors(step: SuggestionStep, today?: string): FieldError[] {
	const state = step.suggestion_state;
	if (!state || state === 'new' || !Object.hasOwn(FIELDS_OF, state)) return [];
	const errors: FieldError[] = [];
	const allowed = FIELDS_OF[state];
	for (const field of STEP_FIELDS) {
		if (!allowed.includes(field) && step[field] !== undefined) errors.push({ field, code: 'unknown_field' });
	}
	checkStepText(errors, 'body', step.body, LIMITS.BODY_MIN, LIMITS.BODY_MAX, state === 'implemented');
	if (state === 'declined') checkStepText(errors, 'reason', step.reason, LIMITS.REASON_MIN, LIMITS.REASON_MAX, true);
	if (state === 'accepted') {
		if (step.target_date === undefined) errors.push({ field: 'target_date', code: 'required' });
		else if (!isLocalDate(step.target_date)) errors.push({ field: 'target_date', code: 'invalid_date' });
		else if (today && step.target_date < today) errors.push({ field: 'target_date', code: 'date_in_past' });
	}
	if (state === 'implemented') {
		if (step.implemented_on === undefined) errors.push({ field: 'implemented_on', code: 'required' });
		else if (!isLocalDate(step.implemented_on)) errors.push({ field: 'implemented_on', code: 'invalid_date' });
		else if (today && step.implemented_on > today) errors.push({ field: 'implemented_on', code: 'date_in_future' });
		if (step.link !== undefined && !isPublicLink(step.link)) errors.push({ field: 'link', code: 'invalid_format' });
	}
	return errors;
}

/** Where a suggestion stands, with what the step that put it there said. */
export interface SuggestionDetails {
	state: Exclude<SuggestionState, 'new'>;
	decided_at: string;
	target_date?: string;
	implemented_on?: string;
	/** What changed (implemented), or the manager's note on the step. */
	note?: string;
	link?: string;
	reason?: string;
}

/** The case's record of the step, from an action that passed `suggestionStepErrors`. */
export function suggestionDetails(step: SuggestionStep, at: string): SuggestionDetails {
	const details: SuggestionDetails = { state: step.suggestion_state as SuggestionDetails['state'], decided_at: at };
	if (step.body?.trim()) details.note = cleanUserText(step.body).trim();
	if (step.target_date) details.target_date = step.target_date;
	if (step.implemented_on) details.implemented_on = step.implemented_on;
	if (step.link) details.link = step.link;
	if (step.reason?.trim()) details.reason = cleanUserText(step.reason).trim();
	return details;
}

/** An implemented suggestion as the public sees it: what was proposed, what the entity changed
 * and when. No reference number, citizen id, phone, location, text of the proposal or files; the
 * proposer's name only with their consent. */
export interface PublicSuggestionDoc {
	_id: string;
	_rev?: string;
	type: 'public_suggestion';
	/** A stable public id, not the case key: the case key is a capability in the app. */
	public_id: string;
	entity_id: string;
	category_id: string;
	title: string;
	change: string;
	implemented_on: string;
	link?: string;
	proposed_on: string;
	proposer_name: string | null;
	/** How many people proposed it: the proposer and those whose suggestions were merged into it
	 * before it was carried out (absent when one). */
	proposers?: number;
	published_at: string;
	/** Taken off the public pages by a coordinator, with the reason; restoring removes it. */
	withdrawn?: { at: string; by: string; reason: string };
	/** The title or the change reworded by a coordinator (a name or a number the proposer left in). */
	edited?: { at: string; by: string };
}

/** What the public pages show: every published suggestion not withdrawn. */
export const isShownPublicly = (doc: Pick<PublicSuggestionDoc, 'withdrawn'>) => !doc.withdrawn;

/** Newest first when listed in descending order: the date leads the id. */
export const publicSuggestionDocId = (implementedOn: string, publicId: string) => `sug:${implementedOn}:${publicId}`;

/** The public record of an implemented suggestion, or null when the case is not one. */
export function publicSuggestionOf(
	caseDoc: Pick<CaseDoc, 'case_type' | 'entity_id' | 'category_id' | 'subject' | 'created_at' | 'name_consent' | 'suggestion' | 'duplicates'>,
	publicId: string,
	proposerName: string | null,
	now: string
): PublicSuggestionDoc | null {
	const details = caseDoc.suggestion;
	if (caseDoc.case_type !== 'suggestion' || details?.state !== 'implemented' || !details.implemented_on || !details.note) return null;
	const name = caseDoc.name_consent === true ? proposerName?.trim() || null : null;
	return {
		_id: publicSuggestionDocId(details.implemented_on, publicId),
		type: 'public_suggestion',
		public_id: publicId,
		entity_id: caseDoc.entity_id,
		category_id: caseDoc.category_id,
		title: caseDoc.subject,
		change: details.note,
		implemented_on: details.implemented_on,
		...(details.link ? { link: details.link } : {}),
		proposed_on: caseDoc.created_at.slice(0, 10),
		proposer_name: name,
		...(caseDoc.duplicates?.length ? { proposers: 1 + caseDoc.duplicates.length } : {}),
		published_at: now
	};
}
