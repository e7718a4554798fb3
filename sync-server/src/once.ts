/** Two small disciplines the server's followers and routes share. */

/** A setup step (databases, views) run once for the process: callers share the one under way,
 * and a failed attempt is forgotten, so the next caller tries again. */
export function onceUntilFailed(setup: () => Promise<void>): () => Promise<void> {
	let ready: Promise<void> | null = null;
	return () => {
		ready ??= setup().catch((error: unknown) => {
			ready = null;
			throw error;
		});
		return ready;
	};
}

/** Work run one piece at a time in the order it was asked for; a piece that fails fails only its
 * caller, never the pieces after it. */
export class SerialQueue {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(work: () => Promise<T>): Promise<T> {
		const next = this.tail.then(work, work);
		this.tail = next.catch(() => undefined);
		return next;
	}

	/** Settles once the work asked for so far has ended, however it ended. */
	idle(): Promise<void> {
		return this.tail.then(
			() => undefined,
			() => undefined
		);
	}
}
