/** Actions the engine cannot process are set aside in a dead-letter record in `engine`, with the
 * reason, and their author is told in their own database, so one bad action never stops the
 * feed for everyone else (issue 10). A replay writes the same records again: conflicts are fine. */
import type { ActionDoc } from '../../../src/lib/domain/doc-types.js';
import { DB, DOC_TYPES, hasAccount } from '../../../src/lib/domain/doc-types.js';
import { log } from '../log.js';
import { insertOnce } from '../store-docs.js';
import type { Store } from '../store.js';
import { rejectionDoc, type Projection } from './projections.js';
import { writeProjections } from './writer.js';

/** The codes an author sees (errors.<code> in messages/*.json). */
export const SET_ASIDE = { TOO_LARGE: 'too_large', UNPROCESSABLE: 'unprocessable' } as const;

export interface SetAside {
	action_id: string;
	/** What is known of the action; an oversized one is never read whole. */
	header: Partial<ActionDoc> | null;
	code: (typeof SET_ASIDE)[keyof typeof SET_ASIDE] | 'server';
	reason: string;
}

const KEY = /^[A-Za-z0-9_:.-]{1,200}$/;

/** Why an action cannot even be ordered and looked up (the gate refuses these; this is the
 * engine's own guard for anything written into intake by another way), or null when it can. */
export function malformed(action: { readonly [K in keyof ActionDoc]?: unknown }): string | null {
	if (typeof action.kind !== 'string') return 'kind is not a string';
	if (typeof action.case_key !== 'string' || !KEY.test(action.case_key)) return 'case_key is not a valid key';
	if (action.received_at !== undefined && (typeof action.received_at !== 'string' || Number.isNaN(Date.parse(action.received_at)))) return 'received_at is not an ISO time';
	if (action.client_time !== undefined && typeof action.client_time !== 'string') return 'client_time is not a string';
	if (action.author !== undefined && (typeof action.author !== 'object' || action.author === null || !('user_id' in action.author) || typeof action.author.user_id !== 'string')) {
		return 'author is not valid';
	}
	return null;
}

export function deadLetterDoc(item: SetAside, at: string): Record<string, unknown> & { _id: string } {
	return { _id: `dead:${item.action_id}`, type: DOC_TYPES.DEAD_LETTER, action_id: item.action_id, code: item.code, error: item.reason, at };
}

/** The rejection the author reads, when the action says who wrote it and about which case. */
export function authorNotice(item: SetAside, at: string): Projection | null {
	const h = item.header;
	if (!h || typeof h.author?.user_id !== 'string' || !hasAccount(h.author.user_id) || typeof h.case_key !== 'string' || typeof h.kind !== 'string') return null;
	return rejectionDoc(item.action_id, h.case_key, h.kind, item.code, typeof h.received_at === 'string' ? h.received_at : at, h.author.user_id);
}

export async function saveDeadLetters(store: Store, docs: Record<string, unknown>[]): Promise<void> {
	if (docs.length === 0) return;
	await store.ensureDb(DB.ENGINE);
	const results = await store.use(DB.ENGINE).bulk({ docs });
	const failed = results.find((r) => r.error && r.error !== 'conflict');
	if (failed) throw new Error(`dead letter ${failed.id}: ${failed.error}`);
}

/** Records the dead letters and tells the authors; durable before the checkpoint passes them. */
export async function setAside(store: Store, items: SetAside[]): Promise<void> {
	const at = new Date().toISOString();
	await saveDeadLetters(
		store,
		items.map((item) => deadLetterDoc(item, at))
	);
	await writeProjections(
		store,
		items.flatMap((item) => authorNotice(item, at) ?? [])
	);
}

/** How many times a batch's side effect (a notice, an invitation, a push, a publication) is tried. */
const EFFECT_TRIES = 3;

/** Runs one side effect of a batch: up to EFFECT_TRIES times, then the last error is logged as
 * `failure` and kept as the dead letter `deadId` in `engine` (written once, so a replay of the
 * batch finds it there), and undefined is returned: one bad case never holds up the feed. */
export async function tryEffect<T>(deps: { store: Store; now?: () => number }, effect: { key: string }, failure: string, run: () => Promise<T>, deadId = `dead:${effect.key}`): Promise<T | undefined> {
	let lastError = '';
	for (let attempt = 1; attempt <= EFFECT_TRIES; attempt++) {
		try {
			return await run();
		} catch (error) {
			lastError = (error as Error).message;
		}
	}
	log.error(failure, { key: effect.key, error: lastError });
	await deps.store.ensureDb(DB.ENGINE);
	await insertOnce(deps.store.use(DB.ENGINE), {
		_id: deadId,
		type: DOC_TYPES.DEAD_LETTER,
		effect: effect.key,
		error: lastError,
		at: new Date((deps.now ?? Date.now)()).toISOString()
	});
	return undefined;
}
