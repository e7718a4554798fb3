/** Documents of the `ratings` database (server only) and the citizen's copy of an invitation. */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import type { RatingScores } from '../../../src/lib/domain/rating.js';
import { getOrNull, storedAs } from '../store-docs.js';
import type { Store } from '../store.js';
import { hashToken } from './tokens.js';

export interface InviteDoc {
	_id: string;
	_rev?: string;
	type: 'rating_invite';
	reply_action_id: string;
	case_key: string;
	entity_id: string;
	citizen_id: string;
	locale: 'ar' | 'en';
	token_hash: string;
	/** When the reply reached the citizen (server time of its projection); the window starts here. */
	created_at: string;
	expires_at: string;
}

interface TokenDoc {
	_id: string;
	type: 'rating_token';
	invite_id: string;
}

export interface RatingDoc {
	_id: string;
	_rev?: string;
	type: 'rating';
	reply_action_id: string;
	case_key: string;
	entity_id: string;
	citizen_id: string;
	scores: RatingScores;
	comment: string;
	at: string;
	via: 'link' | 'app';
	/** The `rate` action written to intake, and when it and the facts were written. */
	action_id: string;
	recorded_at?: string;
}

export const inviteDocId = (replyActionId: string) => `invite:${replyActionId}`;
export const tokenDocId = (hash: string) => `token:${hash}`;
export const ratingDocId = (replyActionId: string) => `rating:${replyActionId}`;
export const citizenInviteId = (replyActionId: string) => `rating_invite:${replyActionId}`;

/** What the ratings database holds: invitations, the token pointers that find them, and ratings. */
export type RatingsDbDoc = InviteDoc | TokenDoc | RatingDoc;

export async function ratingsDb(store: Store) {
	await store.ensureDb(DB.RATINGS);
	return store.use<RatingsDbDoc>(DB.RATINGS);
}

/** The invitation a token opens, or null. A stale token (its invitation was given a new one
 * after a crash) finds the invitation but not its hash, and counts as unknown. */
export async function inviteByToken(store: Store, token: string): Promise<InviteDoc | null> {
	const db = await ratingsDb(store);
	const hash = hashToken(token);
	const pointer = (await getOrNull(db, tokenDocId(hash))) as TokenDoc | null;
	if (!storedAs(pointer, DOC_TYPES.RATING_TOKEN)) return null;
	const invite = (await getOrNull(db, pointer.invite_id)) as InviteDoc | null;
	return storedAs(invite, DOC_TYPES.RATING_INVITE) && invite.token_hash === hash ? invite : null;
}

export async function getInvite(store: Store, replyActionId: string): Promise<InviteDoc | null> {
	return (await getOrNull(await ratingsDb(store), inviteDocId(replyActionId))) as InviteDoc | null;
}

export async function getRating(store: Store, replyActionId: string): Promise<RatingDoc | null> {
	return (await getOrNull(await ratingsDb(store), ratingDocId(replyActionId))) as RatingDoc | null;
}
