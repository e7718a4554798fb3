/** Sums of facts by bucket document, in memory: a batch's deltas (new facts minus the ones the
 * cases contributed before) and, for a rebuild or the benchmark, whole databases at once. Pure. */
import { contributions, type CaseFacts } from './facts.js';
import { addCounters, STATS_DOC_TYPE, type StatsDoc } from './model.js';

export class BucketSet {
	readonly docs = new Map<string, StatsDoc>();

	/** Adds (sign 1) or takes away (sign -1) what `facts` contributes. */
	add(facts: CaseFacts | null, sign = 1): void {
		if (!facts) return;
		for (const c of contributions(facts)) {
			let doc = this.docs.get(c.id);
			if (!doc) {
				doc = { _id: c.id, type: STATS_DOC_TYPE, level: c.level, scope: c.scope, period: c.period, batch: 0, cells: {} };
				this.docs.set(c.id, doc);
			}
			const cell = (doc.cells[c.cell] ??= {});
			addCounters(cell, c.counters, sign);
			if (Object.keys(cell).length === 0) delete doc.cells[c.cell];
		}
	}

	/** The move of one case from what it contributed before to what it contributes now. */
	change(before: CaseFacts | null, after: CaseFacts | null): void {
		this.add(before, -1);
		this.add(after, 1);
	}

	get size(): number {
		return this.docs.size;
	}
}

/** `delta` applied onto a stored document (or a new one), stamped with the batch that did it. */
export function applyDelta(stored: StatsDoc | null, delta: StatsDoc, batch: number): StatsDoc {
	const next: StatsDoc = stored ? { ...stored, cells: structuredClone(stored.cells) } : { ...delta, cells: {} };
	for (const [key, counters] of Object.entries(delta.cells)) {
		const cell = (next.cells[key] ??= {});
		addCounters(cell, counters);
		if (Object.keys(cell).length === 0) delete next.cells[key];
	}
	next.batch = batch;
	return next;
}
