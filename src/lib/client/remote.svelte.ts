import { untrack } from 'svelte';
import { handleError } from './api';
import { sync } from './sync.svelte';

/** Data read straight from the server (admin, audit): `current` keeps the last good result, so
 * a page that goes offline still shows what it had; `error` is the localised message. */
export class Remote<T> {
	current = $state<T | undefined>(undefined);
	isLoading = $state(false);
	error = $state<string | null>(null);
	#load: () => Promise<T>;
	#run = 0;

	constructor(load: () => Promise<T>) {
		this.#load = load;
	}

	/** Loads again; a slower earlier load never overwrites a newer one. */
	async reload(): Promise<void> {
		const mine = ++this.#run;
		this.isLoading = true;
		try {
			const value = await this.#load();
			if (mine !== this.#run) return;
			this.current = value;
			this.error = null;
		} catch (error) {
			if (mine === this.#run) this.error = handleError(error);
		} finally {
			if (mine === this.#run) this.isLoading = false;
		}
	}
}

/** A Remote loaded when the component starts and again when the browser comes back online
 * after a failed load. Call during component initialisation. */
export function remote<T>(load: () => Promise<T>): Remote<T> {
	const result = new Remote(load);
	$effect(() => {
		if (!sync.online) return;
		untrack(() => {
			if (result.current === undefined || result.error) void result.reload();
		});
	});
	return result;
}
