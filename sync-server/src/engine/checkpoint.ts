/** The feed position, kept in its own document in `engine` (never in the business documents)
 * and moved only after a batch's work is durable.
 *
 * A position means something only in the database it was read from. When the feed's database is
 * replaced (restored from a backup, or deleted and filled again by the devices' replication), its
 * sequence starts again, and an old position would skip every action below it. So the feed
 * carries an epoch in a local document (never replicated, so a replacement filled by replication
 * lacks it) and the checkpoint records the epoch it was read in: a different epoch means another
 * database, and the engine replays it from the start, which its idempotent writes make safe. */
import { randomUUID } from 'node:crypto';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { getOrNull, insertOnce } from '../store-docs.js';
import { log } from '../log.js';
import type { Store } from '../store.js';

const EPOCH_ID = '_local/tawasul-feed-epoch';

interface EpochDoc {
	_id: string;
	epoch: string;
	created_at: string;
}

/** The feed's epoch; `created` when this call made it (the feed had none). */
export async function feedEpoch(store: Store, feed: string): Promise<{ epoch: string; created: boolean }> {
	const db = store.use<EpochDoc>(feed);
	const found = await getOrNull(db, EPOCH_ID);
	if (found) return { epoch: found.epoch, created: false };
	const epoch = randomUUID();
	if (await insertOnce(db, { _id: EPOCH_ID, epoch, created_at: new Date().toISOString() })) return { epoch, created: true };
	// Another instance made it first.
	const winner = await getOrNull(db, EPOCH_ID);
	if (!winner) throw new Error(`the epoch of ${feed} vanished while it was read`);
	return { epoch: winner.epoch, created: false };
}

interface CheckpointDoc {
	_id: string;
	_rev?: string;
	type: string;
	seq: string | number;
	/** The feed's epoch the position was read in (absent in checkpoints written before epochs). */
	epoch?: string;
	updated_at: string;
}

export class Checkpoint {
	seq: string | number = 0;
	private rev: string | undefined;
	private epoch: string | undefined;
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
		await this.store.ensureDb(this.feed);
		const { epoch, created } = await feedEpoch(this.store, this.feed);
		const doc = await getOrNull(this.store.use<CheckpointDoc>(DB.ENGINE), this.id);
		this.seq = 0;
		this.rev = doc?._rev;
		this.epoch = epoch;
		// A checkpoint from before epochs belongs to the feed that is getting its first epoch now.
		const sameFeed = doc && (doc.epoch === epoch || (doc.epoch === undefined && created));
		if (doc && sameFeed) this.seq = doc.seq;
		else if (doc) log.warn('the feed was replaced since its checkpoint was written; replaying it from the start', { feed: this.feed, checkpoint_seq: String(doc.seq) });
		this.loaded = true;
	}

	/** Saved with the revision last read: if another instance moved the checkpoint meanwhile (it
	 * took over the lease), the write conflicts and this batch's position is never recorded. */
	async save(seq: string | number): Promise<void> {
		if (seq === this.seq) return;
		const doc: CheckpointDoc = { _id: this.id, type: DOC_TYPES.COUNTER, seq, epoch: this.epoch, updated_at: new Date().toISOString() };
		if (this.rev) doc._rev = this.rev;
		try {
			const result = await this.store.use<CheckpointDoc>(DB.ENGINE).insert(doc);
			this.rev = result.rev;
			this.seq = seq;
		} catch (error) {
			this.reset();
			if ((error as { statusCode?: number }).statusCode === 409) throw new Error('checkpoint moved by another instance', { cause: error });
			throw error;
		}
	}

	/** Forget what is in memory (after losing the lease, another instance moved it). */
	reset(): void {
		this.loaded = false;
		this.rev = undefined;
	}
}
