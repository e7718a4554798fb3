/** The feed position, kept in its own document in `engine` (never in the business documents)
 * and moved only after a batch's work is durable. */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

interface CheckpointDoc {
	_id: string;
	_rev?: string;
	type: string;
	seq: string | number;
	updated_at: string;
}

export class Checkpoint {
	seq: string | number = 0;
	private rev: string | undefined;
	private loaded = false;

	constructor(
		private readonly store: Store,
		private readonly feed: string
	) {}

	private get id() {
		return `checkpoint:${this.feed}`;
	}

	async load(): Promise<void> {
		if (this.loaded) return;
		await this.store.ensureDb(DB.ENGINE);
		try {
			const doc = await this.store.use<CheckpointDoc>(DB.ENGINE).get(this.id);
			this.seq = doc.seq;
			this.rev = doc._rev;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 404) throw error;
		}
		this.loaded = true;
	}

	/** Saved with the revision last read: if another instance moved the checkpoint meanwhile (it
	 * took over the lease), the write conflicts and this batch's position is never recorded. */
	async save(seq: string | number): Promise<void> {
		if (seq === this.seq) return;
		const doc: CheckpointDoc = { _id: this.id, type: DOC_TYPES.COUNTER, seq, updated_at: new Date().toISOString() };
		if (this.rev) doc._rev = this.rev;
		try {
			const result = await this.store.use<CheckpointDoc>(DB.ENGINE).insert(doc);
			this.rev = result.rev;
			this.seq = seq;
		} catch (error) {
			this.reset();
			if ((error as { statusCode?: number }).statusCode === 409) throw new Error('checkpoint moved by another instance');
			throw error;
		}
	}

	/** Forget what is in memory (after losing the lease, another instance moved it). */
	reset(): void {
		this.loaded = false;
		this.rev = undefined;
	}
}
