/** Following a case instead of filing it again (issue 15). A citizen about to report a public
 * place is shown the open cases of the same category nearby; following one makes them its
 * supporter: counted once however often they press, shown the case in their own app (without the
 * other citizen's personal data, projections.ts) and told by SMS when the entity answers it.
 *
 * Only cases of a category the coordinator marked "public place" may be followed. Any other case
 * is refused as if it did not exist, so a hostile client that guessed a key learns nothing of it.
 * The follower list is the case's own (server only); staff see how many, nobody sees who. */
import { LIMITS } from '../../../src/lib/domain/limits.js';
import { isPublicPlace } from '../../../src/lib/domain/nearby.js';
import type { CaseDoc, Follower } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { caseAfter, type Rule, type SideEffect } from './types.js';

export const follow: Rule = {
	name: 'follow',
	filter: (work) => work.after !== null && work.action.kind === 'follow',
	apply(work, ctx) {
		const after = caseAfter(work);
		if (!isPublicPlace(ctx.catalogue.categories.get(after.category_id))) throw new TawasulError(404, 'case_not_found');
		const userId = work.action.author?.user_id ?? '';
		const followers = after.followers ?? [];
		if (followers.some((f) => f.user_id === userId)) throw new TawasulError(409, 'already_following');
		if (followers.length >= LIMITS.FOLLOWERS_MAX) throw new TawasulError(409, 'followers_full');
		after.followers = [...followers, { user_id: userId, locale: work.action.locale === 'en' ? 'en' : 'ar' }];
		after.supporters = after.followers.length;
	},
	effects(action, caseDoc): SideEffect[] {
		if (action.kind !== 'reply' || action.interim) return [];
		const index = caseDoc.timeline.findIndex((e) => e.action_id === action._id);
		if (index < 0) return [];
		return followersAt(caseDoc, index).map((follower) => ({
			kind: 'follower_notice',
			key: `follower-notice:${action._id}:${follower.user_id}`,
			action_id: action._id,
			case_key: caseDoc.case_key,
			follower
		}));
	}
};

/** The followers the case had when timeline entry `index` was written: those whose follow came
 * before it. From the timeline, so that a replay after more people followed notifies the same. */
export function followersAt(caseDoc: Pick<CaseDoc, 'timeline' | 'followers'>, index: number): Follower[] {
	const before = new Set(caseDoc.timeline.slice(0, index).flatMap((e) => (e.kind === 'follow' ? [e.author_id] : [])));
	return (caseDoc.followers ?? []).filter((f) => before.has(f.user_id));
}
