import type { CaseDoc, TimelineEntry } from './doc-types';
import type { FieldError } from './errors';

/** Rating a reply (ARCHITECTURE §1, issue 4): four criteria scored 1–5 and an optional comment,
 * within 14 days of the reply reaching the citizen. Instants only: the window is the same
 * wherever the server or the citizen is, and only the server's clock is ever passed in. */

export const RATING_CRITERIA = ['handling', 'clarity', 'courtesy', 'ease_of_use'] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
export type RatingScores = Record<RatingCriterion, number>;

export const RATING_WINDOW_MS = 14 * 86_400_000;
export const RATING_COMMENT_MAX = 2000;
export const SCORE_MIN = 1;
export const SCORE_MAX = 5;
export const DEFAULT_LOW_RATING_THRESHOLD = 2;

const time = (at: string | Date) => (typeof at === 'string' ? Date.parse(at) : at.getTime());

export function ratingExpiresAt(reachedAt: string | Date): Date {
	return new Date(time(reachedAt) + RATING_WINDOW_MS);
}

/** Open up to and including the instant 14 days after the reply reached the citizen. */
export function isWithinWindow(reachedAt: string | Date, now: Date): boolean {
	const start = time(reachedAt);
	if (Number.isNaN(start)) return false;
	return now.getTime() >= start && now.getTime() <= start + RATING_WINDOW_MS;
}

/** A score as a form or JSON sends it: a whole number 1–5, as a number or its decimal digits. */
function readScore(value: unknown): number | null | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : NaN;
	return Number.isInteger(n) && n >= SCORE_MIN && n <= SCORE_MAX ? n : null;
}

export interface RatingInput {
	/** Absent when the request sent none. */
	scores?: Partial<Record<RatingCriterion, unknown>>;
	comment?: unknown;
}

export type RatingCheck = { ok: true; scores: RatingScores; comment: string } | { ok: false; errors: FieldError[] };

/** Every problem at once, by field (`scores.clarity`, `comment`), so a form can mark each. */
export function checkRating(input: RatingInput): RatingCheck {
	const errors: FieldError[] = [];
	const scores = {} as RatingScores;
	for (const criterion of RATING_CRITERIA) {
		const score = readScore(input.scores?.[criterion]);
		if (score === undefined) errors.push({ field: `scores.${criterion}`, code: 'required' });
		else if (score === null) errors.push({ field: `scores.${criterion}`, code: 'invalid_format', params: { min: SCORE_MIN, max: SCORE_MAX } });
		else scores[criterion] = score;
	}
	let comment = '';
	if (input.comment !== undefined && input.comment !== null) {
		if (typeof input.comment !== 'string') errors.push({ field: 'comment', code: 'invalid_format' });
		else if (Array.from(input.comment.trim()).length > RATING_COMMENT_MAX) {
			errors.push({ field: 'comment', code: 'too_long', params: { max: RATING_COMMENT_MAX } });
		} else comment = input.comment.trim();
	}
	return errors.length ? { ok: false, errors } : { ok: true, scores, comment };
}

export function isLowRating(scores: Record<string, number>, threshold = DEFAULT_LOW_RATING_THRESHOLD): boolean {
	return RATING_CRITERIA.some((c) => typeof scores[c] === 'number' && scores[c] <= threshold);
}

/** The criteria that scored low, in the form's order: what the manager's queue shows. */
export function lowCriteria(scores: Record<string, number>, threshold = DEFAULT_LOW_RATING_THRESHOLD): RatingCriterion[] {
	return RATING_CRITERIA.filter((c) => typeof scores[c] === 'number' && scores[c] <= threshold);
}

/** A reply that answers the case (not an interim one): what the citizen rates and may reopen. */
export const isFinalReply = (entry: Pick<TimelineEntry, 'kind' | 'interim'>) => entry.kind === 'reply' && !entry.interim;

export function lastReply(timeline: TimelineEntry[]): TimelineEntry | undefined {
	for (let i = timeline.length - 1; i >= 0; i--) if (isFinalReply(timeline[i])) return timeline[i];
	return undefined;
}

/** Whether the citizen may still reopen: within the window of the latest reply. The reply's
 * server time stands for when it reached the citizen, since the engine projects it in the same
 * batch; during an engine outage this window is shorter than the SMS link's by the outage. */
export function canReopen(caseDoc: Pick<CaseDoc, 'status' | 'timeline'>, now: Date): boolean {
	if (caseDoc.status !== 'answered' && caseDoc.status !== 'closed') return false;
	const reply = lastReply(caseDoc.timeline);
	return !!reply && isWithinWindow(reply.at, now);
}
