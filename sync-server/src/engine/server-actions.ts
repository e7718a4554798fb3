/** The engine's onEffects for the actions the server writes itself (issue 13: the primary's side of
 * a link, a primary's reply copied onto each linked case). Each is created once under its derived
 * id: a replay after a crash meets the same action already there, which counts as written. */
import { createActions } from '../gate/action-ids.js';
import { log } from '../log.js';
import type { SideEffect } from '../rules/index.js';
import type { Store } from '../store.js';

export function serverActionHandler(store: Store): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		// The server's own actions carry no files.
		const actions = effects.flatMap((effect) => (effect.kind === 'server_action' ? [{ ...effect.action, _attachments: undefined }] : []));
		if (actions.length === 0) return;
		const results = await createActions(store, actions);
		for (const result of results) {
			if (!result.error) continue;
			// Another body under a derived id cannot come from a device (the gate refuses the namespace).
			if (result.reason === 'duplicate_action') log.warn('server action already taken by another body', { action_id: result.id });
			else throw new Error(`writing server action ${result.id} failed: ${result.error}`);
		}
	};
}
