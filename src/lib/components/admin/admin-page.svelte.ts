import { tick } from 'svelte';
import { announcer } from '$lib/client/announcer.svelte';
import { handleError } from '$lib/client/api';

/** Moves focus to an element once the screen has caught up with the state. */
export async function focusById(id: string) {
	await tick();
	document.getElementById(id)?.focus();
}

/**
 * A risky action waiting for the coordinator to confirm it in a ConfirmDialog:
 * `ask` opens the dialog, `confirm` closes it and acts, `cancel` closes it.
 */
export class Confirmation<T> {
	pending = $state<T | null>(null);

	ask = (value: T) => {
		this.pending = value;
	};

	cancel = () => {
		this.pending = null;
	};

	confirm(act: (value: T) => Promise<unknown>) {
		return () => {
			const value = this.pending;
			this.pending = null;
			if (value !== null) void act(value);
		};
	}
}

/** A row action that talks to the server: `active` while it runs (its buttons wait), the
 * outcome announced, a failure shown and announced. */
export class RowAction {
	active = $state(false);

	async run(act: () => Promise<unknown>, done: string): Promise<void> {
		this.active = true;
		try {
			await act();
			announcer.announce(done);
		} catch (error) {
			handleError(error);
		} finally {
			this.active = false;
		}
	}
}
