/** The citizen's pushes (issue 16): each `citizen_notice` effect, and the final reply's rating
 * invitation, becomes one push job per device the person registered, beside the SMS. The job's
 * source is the SMS job's (`notice:<action id>`, or `rating:<action id>`), so a replay, a second
 * instance or a restart finds the jobs there and queues nothing. A push is only a nudge: it
 * carries the reference and the kind of news, and the case itself arrives by replication. */
import { caseDocId, DB, hasAccount, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { forEachLimited } from '../engine/attachments.js';
import { tryEffect } from '../engine/dead-letters.js';
import type { CitizenNoticeEffect, RatingInviteEffect, SideEffect } from '../rules/types.js';
import { noticeSource } from '../sms/notices.js';
import { getOrNull } from '../store-docs.js';
import type { Store } from '../store.js';
import { enqueuePush } from './jobs.js';
import type { PushSender } from './sender.js';
import { subscriptionsOf } from './subscriptions.js';

export interface PushNoticeDeps {
	store: Store;
	sender: Pick<PushSender, 'kick'>;
	now?: () => number;
}

type PushedEffect = CitizenNoticeEffect | RatingInviteEffect;

const sourceOf = (effect: PushedEffect) => (effect.kind === 'citizen_notice' ? noticeSource(effect.action_id) : `rating:${effect.action_id}`);

/** The engine's onEffects for pushes: each effect tried a few times, then dead-lettered. */
export function pushNoticeHandler(deps: PushNoticeDeps): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		const pushed = effects.filter((e): e is PushedEffect => e.kind === 'citizen_notice' || e.kind === 'rating_invite');
		let queued = 0;
		await forEachLimited(pushed, 4, async (effect) => {
			queued += (await tryEffect(deps, effect, 'citizen push failed', () => queuePushes(deps, effect), `dead:push:${effect.key}`)) ?? 0;
		});
		if (queued > 0) deps.sender.kick();
	};
}

/** Queues the effect's push for each of the citizen's devices; how many were new. */
async function queuePushes(deps: PushNoticeDeps, effect: PushedEffect): Promise<number> {
	const caseDoc = await getOrNull(deps.store.use<CaseDoc>(DB.CASES), caseDocId(effect.case_key));
	if (!caseDoc || !hasAccount(caseDoc.citizen_id)) return 0;
	const subscriptions = await subscriptionsOf(deps.store, caseDoc.citizen_id);
	const notice = effect.kind === 'citizen_notice' ? effect.notice : 'final_reply';
	const now = new Date((deps.now ?? Date.now)());
	let queued = 0;
	for (const subscription of subscriptions) {
		const payload = { notice, ref: caseDoc.ref, case_key: effect.case_key, locale: subscription.locale };
		if (await enqueuePush(deps.store, sourceOf(effect), subscription._id, payload, now)) queued++;
	}
	return queued;
}
