/** Work that must reach storage before the page goes away (an update reload): the draft form
 * registers its pending save here. Kept free of Dexie so the update banner stays light. */
const flushers = new Set<() => Promise<void>>();

export function onFlush(flush: () => Promise<void>): () => void {
	flushers.add(flush);
	return () => flushers.delete(flush);
}

export async function flushAll(): Promise<void> {
	await Promise.allSettled([...flushers].map((flush) => flush()));
}
