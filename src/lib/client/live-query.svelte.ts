import { untrack } from 'svelte';
import { sync } from './sync.svelte';

/** A query result that follows the data: `current` is undefined until the first result. */
export interface Live<T> {
	readonly current: T | undefined;
	readonly isLoading: boolean;
	readonly error: unknown;
}

class LiveResult<T> implements Live<T> {
	current = $state<T | undefined>(undefined);
	isLoading = $state(true);
	error = $state<unknown>(null);

	resolve(value: T): void {
		this.current = value;
		this.error = null;
		this.isLoading = false;
	}

	reject(error: unknown): void {
		this.error = error;
		this.isLoading = false;
	}
}

/**
 * A Dexie live query for Svelte 5. Call during component initialisation. `deps` is read in an
 * effect (so route params and other state it reads restart the query); `query` runs inside
 * Dexie's liveQuery and re-runs whenever a table it read changes.
 */
export function liveDexie<T, D = void>(query: (deps: D) => T | Promise<T>, deps: () => D = () => undefined as D): Live<T> {
	const result = new LiveResult<T>();
	$effect(() => {
		const args = deps();
		let subscription: { unsubscribe(): void } | null = null;
		let stopped = false;
		// Dexie is loaded with the first live query, not with every page that imports this module.
		void untrack(() =>
			import('dexie').then(({ liveQuery }) => {
				if (stopped) return;
				subscription = liveQuery(() => query(args)).subscribe({
					next: (value) => {
						result.resolve(value);
					},
					error: (error: unknown) => {
						result.reject(error);
					}
				});
			})
		);
		return () => {
			stopped = true;
			subscription?.unsubscribe();
		};
	});
	return result;
}

/**
 * A live query over the PouchDB mirrors and the outbox: re-runs `load` whenever replication or a
 * local write changes any local database (sync.revision) or `deps` changes. Results of an
 * outdated run are dropped, so a slow query never overwrites a newer one.
 */
export function livePouch<T, D = void>(load: (deps: D) => Promise<T>, deps: () => D = () => undefined as D): Live<T> {
	const result = new LiveResult<T>();
	let run = 0;
	$effect(() => {
		const args = deps();
		// Read so that the effect re-runs whenever a local database changes.
		const _revision = sync.revision;
		const mine = ++run;
		untrack(() => load(args)).then(
			(value) => {
				if (mine === run) result.resolve(value);
			},
			(error: unknown) => {
				if (mine === run) result.reject(error);
			}
		);
	});
	return result;
}
