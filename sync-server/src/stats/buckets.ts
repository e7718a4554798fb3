/** Sums of facts by bucket document, in memory: a batch's deltas (new facts minus the ones the
 * cases contributed before) and, for a rebuild or the benchmark, whole databases at once. Pure. */
import { contributions, type CaseFacts } from './facts.js';
import { addCounters, cellKey, COUNTERS, NATIONAL, STATS_DOC_TYPE, type Counters, type StatsDoc } from '../../../src/lib/domain/stats/model.js';

interface Accumulator {
	doc: Omit<StatsDoc, 'cells'>;
	/** Cell key → counters in COUNTERS order: plain arrays keep a million additions cheap. */
	cells: Map<string, number[]>;
}

interface Target {
	acc: Accumulator;
	national: boolean;
}

const INDEX = new Map<string, number>(COUNTERS.map((name, i) => [name, i]));

export class BucketSet {
	private readonly accumulators = new Map<string, Accumulator>();
	/** The eight accumulators of each entity × day (× week), found once. */
	private readonly targets = new Map<string, Target[]>();
	private materialised: Map<string, StatsDoc> | null = null;

	/** Adds (sign 1) or takes away (sign -1) what `facts` contributes. */
	add(facts: CaseFacts | null, sign = 1): void {
		if (!facts) return;
		this.materialised = null;
		const entityCell = cellKey(facts.case_type, facts.category_id);
		const nationalCell = cellKey(facts.case_type, facts.entity_id);
		const indexes: number[] = [];
		const values: number[] = [];
		for (const [name, value] of Object.entries(facts.counters)) {
			const index = INDEX.get(name);
			// Facts hold only the counters of COUNTERS; a name outside them would count nowhere.
			if (index === undefined) continue;
			indexes.push(index);
			values.push(sign * value);
		}
		for (const { acc, national } of this.targetsOf(facts)) {
			const key = national ? nationalCell : entityCell;
			let cell = acc.cells.get(key);
			if (!cell) acc.cells.set(key, (cell = new Array<number>(COUNTERS.length).fill(0)));
			for (let i = 0; i < indexes.length; i++) cell[indexes[i]] += values[i];
		}
	}

	/** The move of one case from what it contributed before to what it contributes now. */
	change(before: CaseFacts | null, after: CaseFacts | null): void {
		this.add(before, -1);
		this.add(after, 1);
	}

	/** The sums as `stats` documents: only non-zero counters, only cells with one, counters in
	 * COUNTERS order. A document whose cells all cancelled out stays, with no cells. */
	get docs(): Map<string, StatsDoc> {
		if (this.materialised) return this.materialised;
		const docs = new Map<string, StatsDoc>();
		for (const [id, acc] of this.accumulators) {
			const cells: StatsDoc['cells'] = {};
			for (const [key, vector] of acc.cells) {
				const counters: Counters = {};
				let any = false;
				for (const [i, value] of vector.entries()) {
					if (value !== 0) {
						counters[COUNTERS[i]] = value;
						any = true;
					}
				}
				if (any) cells[key] = counters;
			}
			docs.set(id, { ...acc.doc, cells });
		}
		return (this.materialised = docs);
	}

	get size(): number {
		return this.accumulators.size;
	}

	private targetsOf(facts: CaseFacts): Target[] {
		const key = `${facts.entity_id}|${facts.day}|${facts.week}`;
		let targets = this.targets.get(key);
		if (!targets) {
			targets = contributions(facts).map((c) => {
				let acc = this.accumulators.get(c.id);
				if (!acc) {
					acc = { doc: { _id: c.id, type: STATS_DOC_TYPE, level: c.level, scope: c.scope, period: c.period, batch: 0 }, cells: new Map() };
					this.accumulators.set(c.id, acc);
				}
				return { acc, national: c.scope === NATIONAL };
			});
			this.targets.set(key, targets);
		}
		return targets;
	}
}

/** `delta` applied onto a stored document (or a new one), stamped with the batch that did it. */
export function applyDelta(stored: StatsDoc | null, delta: StatsDoc, batch: number): StatsDoc {
	const next: StatsDoc = stored ? { ...stored, cells: structuredClone(stored.cells) } : { ...delta, cells: {} };
	for (const [key, counters] of Object.entries(delta.cells)) {
		const cell = (next.cells[key] ??= {});
		addCounters(cell, counters);
		if (Object.keys(cell).length === 0) Reflect.deleteProperty(next.cells, key);
	}
	next.batch = batch;
	return next;
}
