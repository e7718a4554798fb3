/** A rating of one reply, written by the server after the SMS link or the app's form (the
 * `ratings` database already made it the only one). The engine keeps it on the case, and a low
 * score (settings.low_rating_threshold, default 2) flags the case for the entity's manager with
 * the comment, so the flag reaches `e_<entity>` the way every case change does. */
import { DEFAULT_LOW_RATING_THRESHOLD, isFinalReply, isLowRating, RATING_CRITERIA } from '../../../src/lib/domain/rating.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { CaseRating } from '../../../src/lib/domain/doc-types.js';
import { caseAfter, type Rule } from './types.js';

export const rate: Rule = {
	name: 'rate',
	filter: (work) => work.action.kind === 'rate' && work.after !== null,
	apply(work, ctx) {
		const { action } = work;
		const after = caseAfter(work);
		const replyId = action.reply_action_id;
		if (!replyId || !after.timeline.some((e) => isFinalReply(e) && e.action_id === replyId)) {
			work.fields = [{ field: 'reply_action_id', code: 'not_allowed' }];
			throw new TawasulError(422, 'not_allowed', work.fields);
		}
		if (after.ratings?.some((r) => r.reply_action_id === replyId)) throw new TawasulError(409, 'duplicate_action');
		const sent = action.scores;
		// The validate rule refuses a rating without its scores.
		if (!sent) throw new Error(`rating ${action._id} reached the rate rule without its scores`);
		const scores = Object.fromEntries(RATING_CRITERIA.map((c) => [c, sent[c]]));
		const threshold = ctx.catalogue.settings.low_rating_threshold ?? DEFAULT_LOW_RATING_THRESHOLD;
		const low = isLowRating(scores, threshold);
		const rating: CaseRating = { reply_action_id: replyId, scores, at: work.at.toISOString(), low };
		const comment = action.body?.trim();
		if (comment) rating.comment = comment;
		after.ratings = [...(after.ratings ?? []), rating];
		if (low) {
			after.low_rating = { reply_action_id: replyId, at: rating.at, min_score: Math.min(...Object.values(scores)), ...(comment ? { comment } : {}) };
		}
	}
};
