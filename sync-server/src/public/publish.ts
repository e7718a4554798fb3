/** Publishing implemented suggestions (issue 14): the engine's `publish_suggestion` effects become
 * one document each in the `public` database, which the public pages list without signing in.
 *
 * The document is built from the saved case by the domain (`publicSuggestionOf`): no reference
 * number, citizen id, phone, location, proposal text or files, and the proposer's name only when
 * they agreed to it. Its id is the implementation date and the implementing action's id, so a
 * replay, a restart or a second instance finds it there and writes nothing twice; the date in
 * front lets the page list the newest first with one `_all_docs` range read. */
import { caseDocId, DB, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { publicSuggestionOf, type PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { accountDocId, type AccountDoc } from '../auth/types.js';
import { getOrNull, insertOnce } from '../store-docs.js';
import { tryEffect } from '../engine/dead-letters.js';
import { log } from '../log.js';
import type { PublishSuggestionEffect, SideEffect } from '../rules/types.js';
import type { Store } from '../store.js';

export interface PublishDeps {
	store: Store;
	now?: () => number;
	/** Told after each suggestion written, so the page cache can drop what it holds. */
	onPublished?: () => void;
}

export type PublishOutcome = 'published' | 'already_published' | 'not_implemented';

/** The public id: the implementing action's own id without its prefix (a random UUID the
 * device made), never the case key, which opens the case in the app. */
const publicIdOf = (actionId: string) => actionId.replace(/^act:/, '');

export async function publishSuggestion(deps: PublishDeps, effect: Pick<PublishSuggestionEffect, 'action_id' | 'case_key'>): Promise<PublishOutcome> {
	const { store } = deps;
	const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(effect.case_key));
	if (!caseDoc) return 'not_implemented';
	const name = caseDoc.name_consent ? ((await getOrNull(store.use<AccountDoc>(DB.AUTH), accountDocId(caseDoc.citizen_id)))?.name ?? null) : null;
	const doc = publicSuggestionOf(caseDoc, publicIdOf(effect.action_id), name, new Date((deps.now ?? Date.now)()).toISOString());
	if (!doc) return 'not_implemented';
	await store.ensureDb(DB.PUBLIC);
	const written = await insertOnce(store.use<PublicSuggestionDoc>(DB.PUBLIC), doc);
	if (written) deps.onPublished?.();
	return written ? 'published' : 'already_published';
}

/** The engine's onEffects for publishing: each tried a few times, then dead-lettered, so one bad
 * case never holds up the feed. */
export function publishHandler(deps: PublishDeps): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		for (const effect of effects) {
			if (effect.kind !== 'publish_suggestion') continue;
			await tryEffect(deps, effect, 'publishing a suggestion failed', async () => {
				const outcome = await publishSuggestion(deps, effect);
				if (outcome === 'not_implemented') log.info('suggestion not published', { key: effect.key, reason: outcome });
			});
		}
	};
}
