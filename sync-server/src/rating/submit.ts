/** Taking a rating (through the link or the app) and a reopening through the link. The window is
 * checked by server time; `rating:<reply>` is created once (CouchDB lets one writer create an id),
 * so of fifty simultaneous submissions exactly one wins and the rest learn "already rated". The
 * winner then writes the `rate` action for the engine (which flags a low rating on the case; the
 * dashboard counts it from the case) and the citizen's copy, both with fixed ids, so finishing
 * again after a crash changes nothing. */
import { caseDocId, DB, DOC_TYPES, type ActionDoc, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { canReopen, checkRating, DEFAULT_LOW_RATING_THRESHOLD, isLowRating, isWithinWindow, type RatingInput } from '../../../src/lib/domain/rating.js';
import { LIMITS } from '../../../src/lib/domain/validation.js';
import type { FieldError } from '../../../src/lib/domain/errors.js';
import { getOrNull, insertOnce } from '../store-docs.js';
import { writeProjections } from '../engine/writer.js';
import type { Store } from '../store.js';
import { getRating, ratingDocId, ratingsDb, type InviteDoc, type RatingDoc } from './docs.js';
import { citizenCopy } from './invitations.js';
import { derivedActionId } from './tokens.js';
import { idStates } from '../gate/action-ids.js';
import { log } from '../log.js';

export interface SubmitDeps {
	store: Store;
	now: () => number;
	/** Reads settings (threshold, time zone) from config; defaults when absent. */
	settings?: () => Promise<{ low_rating_threshold?: number; time_zone?: string }>;
}

export type InviteState = 'open' | 'expired' | 'used';

export async function inviteState(store: Store, invite: InviteDoc, now: Date): Promise<InviteState> {
	const rating = await getRating(store, invite.reply_action_id);
	if (rating) {
		// The link answers "already rated" either way; what is left undone is retried at the next touch.
		await finishRating(store, rating, invite).catch((error: unknown) => {
			log.warn('finishing a rating failed, will retry at the next touch of its link', { rating: rating._id, error: error instanceof Error ? error.message : String(error) });
		});
		return 'used';
	}
	return isWithinWindow(invite.created_at, now) ? 'open' : 'expired';
}

export type SubmitOutcome = { kind: 'rated'; rating: RatingDoc; low: boolean } | { kind: 'invalid'; errors: FieldError[] } | { kind: 'expired' } | { kind: 'used' };

export async function submitRating(deps: SubmitDeps, invite: InviteDoc, input: RatingInput, via: RatingDoc['via']): Promise<SubmitOutcome> {
	const now = new Date(deps.now());
	if (!isWithinWindow(invite.created_at, now)) {
		// An expired link that was used in time still says "already rated".
		return (await getRating(deps.store, invite.reply_action_id)) ? { kind: 'used' } : { kind: 'expired' };
	}
	const checked = checkRating(input);
	if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
	const rating: RatingDoc = {
		_id: ratingDocId(invite.reply_action_id),
		type: DOC_TYPES.RATING,
		reply_action_id: invite.reply_action_id,
		case_key: invite.case_key,
		entity_id: invite.entity_id,
		citizen_id: invite.citizen_id,
		scores: checked.scores,
		comment: checked.comment,
		at: now.toISOString(),
		via,
		action_id: derivedActionId(`rate:${invite.reply_action_id}`)
	};
	const db = await ratingsDb(deps.store);
	if (!(await insertOnce(db, rating))) return { kind: 'used' };
	const settings = (await deps.settings?.()) ?? {};
	await finishRating(deps.store, rating, invite);
	return { kind: 'rated', rating, low: isLowRating(rating.scores, settings.low_rating_threshold ?? DEFAULT_LOW_RATING_THRESHOLD) };
}

/** The rating's consequences, each written once by id: the action and the citizen's copy. */
async function finishRating(store: Store, rating: RatingDoc, invite: InviteDoc): Promise<void> {
	if (rating.recorded_at) return;
	const action: ActionDoc = {
		_id: rating.action_id,
		type: 'action',
		kind: 'rate',
		case_key: rating.case_key,
		client_time: rating.at,
		device_id: `rating-${rating.via}`,
		author: { user_id: rating.citizen_id, role: 'citizen' },
		received_at: rating.at,
		reply_action_id: rating.reply_action_id,
		scores: rating.scores,
		...(rating.comment ? { body: rating.comment } : {})
	};
	await insertAction(store, action);
	const db = await ratingsDb(store);
	await writeProjections(store, [citizenCopy(invite, rating.at)]);
	// Marked last, so a crash before here finishes on the next touch of the link (inviteState).
	const stored = await getRating(store, rating.reply_action_id);
	if (!stored || stored.recorded_at) return;
	try {
		await db.insert({ ...stored, recorded_at: new Date().toISOString() });
	} catch (error) {
		// Another request finishing the same rating marked it first.
		if ((error as { statusCode?: number }).statusCode !== 409) throw error;
	}
}

/** Writes one of the server's own actions once. A second write of the id meets a conflict (or
 * intake's validate_doc_update: 403 "actions are immutable"); it counts as written only when the
 * stored action is this one, so the caller never reports success for something else. */
async function insertAction(store: Store, action: ActionDoc): Promise<void> {
	const intake = store.use<ActionDoc>(DB.INTAKE);
	try {
		await intake.insert(action);
	} catch (error) {
		const status = (error as { statusCode?: number }).statusCode;
		if (status !== 409 && status !== 403) throw error;
		const stored = await getOrNull(intake, action._id);
		if (!stored || !isSameServerAction(stored, action)) throw error;
	}
}

/** The same action as far as its consequences go: kind, case, author and what it is about. Times
 * may differ between two requests that raced to write it. */
function isSameServerAction(stored: ActionDoc, action: ActionDoc): boolean {
	return (
		stored.kind === action.kind && stored.case_key === action.case_key && stored.author?.user_id === action.author?.user_id && (stored.reply_action_id ?? null) === (action.reply_action_id ?? null)
	);
}

export type ReopenOutcome = { kind: 'reopened' } | { kind: 'invalid'; errors: FieldError[] } | { kind: 'closed' } | { kind: 'not_possible' };

/** A reopening through the link: the server writes the citizen's `reopen` action (once per
 * invitation), after the same window check the engine makes again. */
export async function reopenThroughLink(deps: SubmitDeps, invite: InviteDoc, reason: unknown): Promise<ReopenOutcome> {
	const text = typeof reason === 'string' ? reason.trim() : '';
	const length = Array.from(text).length;
	if (length < LIMITS.REASON_MIN || length > LIMITS.REASON_MAX) {
		return {
			kind: 'invalid',
			errors: [{ field: 'reason', code: length ? (length < LIMITS.REASON_MIN ? 'too_short' : 'too_long') : 'required', params: { min: LIMITS.REASON_MIN, max: LIMITS.REASON_MAX } }]
		};
	}
	const now = new Date(deps.now());
	const caseDoc = await getOrNull(deps.store.use<CaseDoc>(DB.CASES), caseDocId(invite.case_key));
	if (!caseDoc) return { kind: 'not_possible' };
	if (!isWithinWindow(invite.created_at, now)) return { kind: 'closed' };
	const id = derivedActionId(`reopen:${invite.reply_action_id}`);
	const already = await getOrNull(deps.store.use<ActionDoc>(DB.INTAKE), id);
	if (already) return already.kind === 'reopen' && already.case_key === invite.case_key ? { kind: 'reopened' } : { kind: 'not_possible' };
	// Written before and refused by the engine, then removed from intake: the id stays used.
	if ((await idStates(deps.store, [id])).get(id) === 'removed') return { kind: 'not_possible' };
	if (!canReopen(caseDoc, now)) return { kind: caseDoc.status === 'answered' || caseDoc.status === 'closed' ? 'closed' : 'not_possible' };
	await insertAction(deps.store, {
		_id: id,
		type: 'action',
		kind: 'reopen',
		case_key: invite.case_key,
		client_time: now.toISOString(),
		device_id: 'rating-link',
		author: { user_id: invite.citizen_id, role: 'citizen' },
		received_at: now.toISOString(),
		reason: text
	});
	return { kind: 'reopened' };
}
