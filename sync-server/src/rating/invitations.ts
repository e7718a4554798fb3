/** The rating invitation (issue 4): when a reply reaches the citizen, one invitation per reply,
 * an SMS with the link in the citizen's language, and a token-free copy in `u_<citizen>` so the
 * app can offer "rate this reply". Called by the engine after the projections are durable.
 *
 * Everything is keyed on the reply's action id. The token is made once and only its hash is
 * stored; the SMS job is keyed on the invitation's id and revision. If a crash came after the
 * invitation was saved but before its SMS was queued, the token is lost with the process: the
 * invitation then gets a new token (a new revision, so a new job id) — safe, because no SMS with
 * the old one was ever queued. */
import { caseDocId, DB, DOC_TYPES, userDb, type CaseDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { isFinalReply, ratingExpiresAt } from '../../../src/lib/domain/rating.js';
import { getOrNull, insertOnce } from '../store-docs.js';
import type { AccountDoc } from '../auth/types.js';
import { accountDocId } from '../auth/types.js';
import { forEachLimited } from '../engine/attachments.js';
import { withRevision } from '../engine/projections.js';
import { writeProjections } from '../engine/writer.js';
import { tryEffect } from '../engine/dead-letters.js';
import { log } from '../log.js';
import type { SideEffect } from '../rules/types.js';
import { getJob, jobDocId, type NewJob } from '../sms/jobs.js';
import type { Store } from '../store.js';
import { citizenInviteId, getInvite, inviteDocId, ratingsDb, tokenDocId, type InviteDoc } from './docs.js';
import type { Locale } from './i18n.js';
import { smsTextFor } from '../sms/texts.js';
import { hashToken, newToken } from './tokens.js';

export interface InvitationDeps {
	store: Store;
	/** Queues an SMS once per source (the sender's enqueue). */
	enqueue(job: NewJob): Promise<boolean>;
	publicUrl: string;
	now?: () => number;
}

function ratingLink(publicUrl: string, token: string): string {
	return `${publicUrl}/r/${token}`;
}

/** The engine's onEffects: each invitation tried a few times, then dead-lettered, so one bad
 * case never holds up the feed; a store that is down fails the batch, which is then replayed. */
export function invitationHandler(deps: InvitationDeps): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		const invites = effects.filter((e) => e.kind === 'rating_invite');
		await forEachLimited(invites, 4, async (effect) => {
			await tryEffect(deps, effect, 'rating invitation failed', () => inviteForReply(deps, effect.case_key, effect.action_id));
		});
	};
}

export async function inviteForReply(deps: InvitationDeps, caseKey: string, replyActionId: string): Promise<InviteDoc | null> {
	const { store } = deps;
	const now = deps.now ?? Date.now;
	const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(caseKey));
	const reply = caseDoc?.timeline.find((e) => e.action_id === replyActionId && isFinalReply(e));
	if (!caseDoc || !reply) return null;
	const db = await ratingsDb(store);

	let invite = await getInvite(store, replyActionId);
	let token: string | null = null;
	if (!invite) {
		token = newToken();
		const at = new Date(now());
		const fresh: InviteDoc = {
			_id: inviteDocId(replyActionId),
			type: DOC_TYPES.RATING_INVITE,
			reply_action_id: replyActionId,
			case_key: caseKey,
			entity_id: caseDoc.entity_id,
			citizen_id: caseDoc.citizen_id,
			locale: caseDoc.locale === 'en' ? 'en' : 'ar',
			token_hash: hashToken(token),
			created_at: at.toISOString(),
			expires_at: ratingExpiresAt(at).toISOString()
		};
		await insertOnce(db, { _id: tokenDocId(fresh.token_hash), type: DOC_TYPES.RATING_TOKEN, invite_id: fresh._id });
		if (!(await insertOnce(db, fresh))) token = null;
		invite = await rereadInvite(store, replyActionId);
	}

	if (!token && !(await getJob(store, jobDocId(`${invite._id}@${invite._rev}`)))) {
		// Saved before a crash, SMS never queued: give it a token we know (see the file comment).
		token = newToken();
		const hash = hashToken(token);
		await insertOnce(db, { _id: tokenDocId(hash), type: DOC_TYPES.RATING_TOKEN, invite_id: invite._id });
		await db.insert({ ...invite, token_hash: hash });
		invite = await rereadInvite(store, replyActionId);
	}

	if (token) await queueSms(deps, invite, token, caseDoc);
	await writeProjections(store, [citizenCopy(invite, null)]);
	return invite;
}

/** The invitation just written, read back with its revision. */
async function rereadInvite(store: Store, replyActionId: string): Promise<InviteDoc> {
	const invite = await getInvite(store, replyActionId);
	if (!invite) throw new Error(`the rating invitation of ${replyActionId} is gone right after it was written`);
	return invite;
}

async function queueSms(deps: InvitationDeps, invite: InviteDoc, token: string, caseDoc: CaseDoc): Promise<void> {
	const account = await getOrNull(deps.store.use<AccountDoc>(DB.AUTH), accountDocId(invite.citizen_id));
	if (!account?.phone) {
		log.info('rating invitation without SMS: no phone on the account', { invite: invite._id });
		return;
	}
	const entity = await getOrNull(deps.store.use<EntityDoc>(DB.CONFIG), `entity:${invite.entity_id}`);
	const locale: Locale = invite.locale;
	const name = entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : invite.entity_id;
	const text = await smsTextFor(deps.store, 'rating_invite', locale, { entity: name, ref: caseDoc.ref, link: ratingLink(deps.publicUrl, token) });
	await deps.enqueue({ source: `${invite._id}@${invite._rev}`, purpose: 'rating', to: account.phone, text, secret: token });
}

/** The invitation as the citizen's app sees it: no token, no hash. Version 2 once rated. */
export function citizenCopy(invite: InviteDoc, ratedAt: string | null) {
	const db = userDb(invite.citizen_id);
	const doc = {
		_id: citizenInviteId(invite.reply_action_id),
		type: DOC_TYPES.RATING_INVITE,
		reply_action_id: invite.reply_action_id,
		case_key: invite.case_key,
		entity_id: invite.entity_id,
		created_at: invite.created_at,
		expires_at: invite.expires_at,
		rated_at: ratedAt
	};
	return { db, doc: withRevision(doc, db, ratedAt ? 2 : 1) };
}
