/** Reference numbers: one counter document per year in `engine`. A batch allocates in memory
 * and commits the counters before any case that uses them is saved. */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { formatReference } from '../../../src/lib/domain/reference.js';
import type { Store } from '../store.js';

interface CounterDoc {
	_id: string;
	_rev?: string;
	type: string;
	year: number;
	value: number;
}

export class ReferenceCounters {
	private readonly counters = new Map<number, CounterDoc>();

	constructor(private readonly store: Store) {}

	/** Starts a batch: `next` allocates, `commit` saves what was allocated. */
	begin(timeZone: string) {
		const dirty = new Map<number, CounterDoc>();
		const counters = this.counters;
		return {
			next: (at: Date): string => {
				const year = Number(localDateOf(at, timeZone).slice(0, 4));
				const counter = counters.get(year);
				if (!counter) throw new Error(`reference counter for ${year} not loaded`);
				counter.value += 1;
				dirty.set(year, counter);
				return formatReference(year, counter.value);
			},
			commit: async () => {
				for (const counter of dirty.values()) {
					const result = await this.store.use<CounterDoc>(DB.ENGINE).insert(counter);
					counter._rev = result.rev;
				}
			}
		};
	}

	/** Loads the counters of the years a batch may need (this year and, near New Year, the next). */
	async load(years: number[]): Promise<void> {
		const missing = years.filter((y) => !this.counters.has(y));
		if (missing.length === 0) return;
		await this.store.ensureDb(DB.ENGINE);
		const db = this.store.use<CounterDoc>(DB.ENGINE);
		const result = await db.fetch({ keys: missing.map((y) => `counter:ref:${y}`) });
		for (const [i, year] of missing.entries()) {
			const row = result.rows[i];
			const doc = 'doc' in row && row.doc ? (row.doc as CounterDoc) : null;
			this.counters.set(year, doc ?? { _id: `counter:ref:${year}`, type: DOC_TYPES.COUNTER, year, value: 0 });
		}
	}

	/** Forget cached counters (after losing the lease, another instance moved them). */
	reset(): void {
		this.counters.clear();
	}
}
