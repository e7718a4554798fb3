/** The citizen's SMS notices (issue 16): the engine's `citizen_notice` effects become one SMS job
 * each, in the case's language, in the coordinator's wording (`sms_template:notice_*`).
 *
 * The job's source is `notice:<action id>`, so a replay, a second instance or a restart finds
 * the job already there and queues nothing; the sender's claim keeps a queued job from going out
 * twice, also across a kill -9 (sender.ts). The text is derived from the case's timeline up to the
 * action, never from the case as it stands later, so the same action always gives the same text.
 * A number that replied STOP, a missing or invalid number, or a case without a citizen account
 * queues nothing, and the reason is logged (without the number). */
import { caseDocId, DB, hasAccount, type CaseDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import type { SmsTextKey } from '../../../src/lib/domain/sms-texts.js';
import { getOrNull } from '../store-docs.js';
import { accountDocId, type AccountDoc } from '../auth/types.js';
import { forEachLimited } from '../engine/attachments.js';
import { tryEffect } from '../engine/dead-letters.js';
import { log } from '../log.js';
import type { CitizenNotice, CitizenNoticeEffect, FollowerNoticeEffect, SideEffect } from '../rules/types.js';
import type { Store } from '../store.js';
import type { NewJob } from './jobs.js';
import { optedOut } from './opt-out.js';
import { smsTextFor } from './texts.js';

export interface NoticeDeps {
	store: Store;
	/** Queues an SMS once per source (the sender's enqueue); false when the source had its job. */
	enqueue(job: NewJob): Promise<boolean>;
	now?: () => number;
}

export type NoticeOutcome = 'queued' | 'already_queued' | 'no_case' | 'no_account' | 'no_phone' | 'invalid_phone' | 'opted_out';

const TEXT_OF: Record<CitizenNotice, SmsTextKey> = {
	reference_issued: 'notice_reference_issued',
	info_requested: 'notice_info_requested',
	transferred: 'notice_transferred',
	interim_reply: 'notice_interim_reply',
	reopened: 'notice_reopened',
	suggestion_under_study: 'notice_suggestion_under_study',
	suggestion_accepted: 'notice_suggestion_accepted',
	suggestion_implemented: 'notice_suggestion_implemented',
	suggestion_declined: 'notice_suggestion_declined'
};

export const noticeSource = (actionId: string) => `notice:${actionId}`;

/** The engine's onEffects for notices: each tried a few times, then dead-lettered, so one bad
 * case never holds up the feed. */
export function noticeHandler(deps: NoticeDeps): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		const notices = effects.filter((e): e is CitizenNoticeEffect | FollowerNoticeEffect => e.kind === 'citizen_notice' || e.kind === 'follower_notice');
		await forEachLimited(notices, 4, (effect) =>
			tryEffect(deps, effect, 'citizen notice failed', async () => {
				const outcome = effect.kind === 'citizen_notice' ? await queueNotice(deps, effect) : await queueFollowerNotice(deps, effect);
				if (outcome !== 'queued' && outcome !== 'already_queued')
					log.info('citizen notice not sent', { key: effect.key, notice: effect.kind === 'citizen_notice' ? effect.notice : effect.kind, reason: outcome });
			})
		);
	};
}

export async function queueNotice(deps: NoticeDeps, effect: Pick<CitizenNoticeEffect, 'notice' | 'action_id' | 'case_key'>): Promise<NoticeOutcome> {
	const { store } = deps;
	const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(effect.case_key));
	const index = caseDoc?.timeline.findIndex((e) => e.action_id === effect.action_id) ?? -1;
	if (!caseDoc || index < 0) return 'no_case';
	if (!hasAccount(caseDoc.citizen_id)) return 'no_account';
	const phone = await phoneOf(store, caseDoc.citizen_id);
	if (!phone.ok) return phone.outcome;

	const locale = caseDoc.locale === 'en' ? 'en' : 'ar';
	const entry = caseDoc.timeline[index];
	const values: Record<string, string> = { ref: caseDoc.ref, entity: await entityName(store, entityAfter(caseDoc, index), locale) };
	if (entry.kind === 'transfer' && entry.from_entity_id) values.from_entity = await entityName(store, entry.from_entity_id, locale);
	if (entry.target_date) values.target_date = entry.target_date;
	const text = await smsTextFor(store, TEXT_OF[effect.notice], locale, values);
	return (await deps.enqueue({ source: noticeSource(effect.action_id), purpose: 'notice', to: phone.number, text })) ? 'queued' : 'already_queued';
}

/** A follower's notice of the answer (issue 15): in their own language, one job per action and
 * follower (`notice:<action id>:<user id>`), whatever replays. */
async function queueFollowerNotice(deps: NoticeDeps, effect: Pick<FollowerNoticeEffect, 'follower' | 'action_id' | 'case_key'>): Promise<NoticeOutcome> {
	const { store } = deps;
	const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(effect.case_key));
	const index = caseDoc?.timeline.findIndex((e) => e.action_id === effect.action_id) ?? -1;
	if (!caseDoc || index < 0) return 'no_case';
	const phone = await phoneOf(store, effect.follower.user_id);
	if (!phone.ok) return phone.outcome;
	const locale = effect.follower.locale;
	const values = { ref: caseDoc.ref, entity: await entityName(store, entityAfter(caseDoc, index), locale) };
	const text = await smsTextFor(store, 'notice_followed_answered', locale, values);
	const source = `${noticeSource(effect.action_id)}:${effect.follower.user_id}`;
	return (await deps.enqueue({ source, purpose: 'notice', to: phone.number, text })) ? 'queued' : 'already_queued';
}

type PhoneLookup = { ok: true; number: string } | { ok: false; outcome: Extract<NoticeOutcome, 'no_account' | 'no_phone' | 'invalid_phone' | 'opted_out'> };

/** The account's number as SMS may use it: there, valid, and not opted out. */
async function phoneOf(store: Store, userId: string): Promise<PhoneLookup> {
	const account = await getOrNull(store.use<AccountDoc>(DB.AUTH), accountDocId(userId));
	if (!account) return { ok: false, outcome: 'no_account' };
	if (!account.phone) return { ok: false, outcome: 'no_phone' };
	const phone = normalizePhone(account.phone);
	if (!phone) return { ok: false, outcome: 'invalid_phone' };
	if ((await optedOut(store, [phone])).has(phone)) return { ok: false, outcome: 'opted_out' };
	return { ok: true, number: phone };
}

/** The entity holding the case just after timeline entry `index`: the latest transfer up to it,
 * else the entity it was first routed to (the first transfer's origin, or the case's own). */
export function entityAfter(caseDoc: Pick<CaseDoc, 'entity_id' | 'timeline'>, index: number): string {
	for (let i = index; i >= 0; i--) {
		const entry = caseDoc.timeline[i];
		if (entry.kind === 'transfer' && entry.to_entity_id) return entry.to_entity_id;
	}
	return caseDoc.timeline.find((e) => e.kind === 'transfer')?.from_entity_id ?? caseDoc.entity_id;
}

async function entityName(store: Store, entityId: string, locale: 'ar' | 'en'): Promise<string> {
	const entity = await getOrNull(store.use<EntityDoc>(DB.CONFIG), `entity:${entityId}`);
	return entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : entityId;
}
