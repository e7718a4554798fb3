/** Keeps the repeated-case clusters current (issue 13): the rules engine hands it the cases of each
 * batch once they are saved, like the statistics, and the feed checkpoint waits for it.
 *
 * Why a replay or a restart counts no case twice, with no transactions in CouchDB:
 * 1. A case is clustered once by each entity that holds it: a case that a cluster of its entity
 *    holds (the `members` view) is skipped, so its later versions — replies, closing — and a
 *    replayed batch change nothing. A case transferred to another entity leaves the clusters of the
 *    one before and joins the new entity's when the follower sees it there (so a rebuild, which
 *    places it at its arrival, may place it differently among the new entity's clusters).
 * 2. Each cluster document is written with the revision it was read at; a conflict (a manager
 *    changed a cluster's status meanwhile, or a crash left part of a batch written) starts the
 *    entity's cases again from fresh documents, and the cases already written are then skipped (1).
 * Everything a case's placement depends on is measured from the cases' own times (domain
 * `ClusterIndex`), so the rebuild, which runs the same index over the cases in arrival order,
 * arrives at the same clusters. */
import { arrivalOrder, ClusterIndex, clusteredCase, DEFAULT_CLUSTER_WINDOW_DAYS, withoutMembers, type ClusterDoc } from '../../../src/lib/domain/clusters.js';
import { DB, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import type { CaseSink } from '../engine/engine.js';
import type { Store } from '../store.js';
import { log } from '../log.js';
import { CLUSTERS_REBUILD_MARKER_ID } from './rebuild.js';
import { activeClusters, clusterHolders, clustersById, ensureClusterDbs } from './store.js';
import { onceUntilFailed, SerialQueue } from '../once.js';

const MAX_ATTEMPTS = 8;
const WRITE_CHUNK = 500;
const DAY_MS = 86_400_000;
const HELD_MS = 5 * 60_000;

/** The cases leaving a cluster: departures only hands back clusters that cases leave. */
function leftOf<T>(leaving: ReadonlyMap<string, T>, clusterId: string): T {
	const left = leaving.get(clusterId);
	if (!left) throw new TypeError(`clusters/${clusterId} has no cases leaving it`);
	return left;
}

export class ClusterFollower implements CaseSink {
	readonly name = 'clusters';
	private readonly queue = new SerialQueue();
	private readonly ensureReady = onceUntilFailed(() => ensureClusterDbs(this.store));
	private readonly indexes = new Map<string, { index: ClusterIndex; since: string; loaded: number }>();

	constructor(
		private readonly store: Store,
		private readonly windowDays = DEFAULT_CLUSTER_WINDOW_DAYS
	) {}

	casesSaved(cases: readonly CaseDoc[]): Promise<void> {
		return this.add(cases).then(() => undefined);
	}

	/** Clusters the cases not clustered yet; returns how many joined or started a cluster. */
	add(cases: readonly CaseDoc[]): Promise<number> {
		return this.queue.run(async () => {
			await this.ensureReady();
			if (await this.rebuildUnderWay()) {
				// The rebuild reads the cases as they are when it reaches them, so it places these too.
				log.warn('clusters rebuild under way or unfinished: incremental update skipped', { cases: cases.length });
				return 0;
			}
			const byEntity = new Map<string, CaseDoc[]>();
			for (const c of cases) {
				if (!clusteredCase(c)) continue;
				const list = byEntity.get(c.entity_id) ?? [];
				list.push(c);
				byEntity.set(c.entity_id, list);
			}
			return this.place(byEntity);
		});
	}

	stop(): Promise<void> {
		return this.queue.idle();
	}

	/** One lookup of which cases a cluster holds and one write for the whole batch, every entity
	 * together: on CouchDB each lookup after a write first brings the `members` view up to date,
	 * so a lookup and a write per entity cost a view update per entity. A conflict starts only the
	 * entities it touched again, from fresh documents. */
	private async place(byEntity: Map<string, CaseDoc[]>): Promise<number> {
		let pending = [...byEntity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		let added = 0;
		for (let attempt = 1; pending.length > 0; attempt++) {
			const conflicted = await this.tryEntities(pending);
			added += conflicted.added;
			if (conflicted.entities.size === 0) break;
			if (attempt >= MAX_ATTEMPTS) throw new Error(`clusters of ${[...conflicted.entities].join(', ')} kept conflicting`);
			pending = pending.filter(([entityId]) => conflicted.entities.has(entityId));
		}
		return added;
	}

	private async tryEntities(work: ReadonlyArray<readonly [string, CaseDoc[]]>): Promise<{ added: number; entities: Set<string> }> {
		const holders = await clusterHolders(this.store, [...new Set(work.flatMap(([, cases]) => cases.map((c) => c.case_key)))]);
		const owner = new Map<string, Set<string>>();
		const placed = new Map<string, number>();
		const changed: ClusterDoc[] = [];
		const leaving = new Map<string, { keys: Set<string>; entities: Set<string> }>();
		const touched = new Set<string>();
		try {
			for (const [entityId, cases] of work) {
				const fresh: CaseDoc[] = [];
				for (const c of new Map(cases.map((c) => [c.case_key, c])).values()) {
					const held = holders.get(c.case_key) ?? [];
					for (const h of held.filter((h) => h.entity_id !== entityId)) {
						const left = leaving.get(h.id) ?? { keys: new Set<string>(), entities: new Set<string>() };
						left.keys.add(c.case_key);
						left.entities.add(entityId);
						leaving.set(h.id, left);
						touched.add(h.entity_id);
					}
					if (!held.some((h) => h.entity_id === entityId)) fresh.push(c);
				}
				fresh.sort(arrivalOrder);
				if (fresh.length === 0) continue;
				const index = await this.indexOf(entityId, fresh[0].created_at);
				index.startBatch();
				for (const c of fresh) index.add(c);
				for (const doc of index.changed.values()) {
					changed.push(doc);
					owner.set(doc._id, new Set([entityId]));
				}
				placed.set(entityId, index.placed.size);
			}
			// A cluster the old entity's own new cases changed in this batch is written once, as changed
			// and without the cases that left, its conflict then starting both entities again.
			const pendingAt = new Map(changed.map((doc, i) => [doc._id, i]));
			for (const doc of await this.departures(leaving, changed)) {
				const entities = leftOf(leaving, doc._id).entities;
				const at = pendingAt.get(doc._id);
				if (at === undefined) changed.push(doc);
				else changed[at] = doc;
				owner.set(doc._id, new Set([...(owner.get(doc._id) ?? []), ...entities]));
			}
			const entities = await this.writeClusters(changed, owner);
			// What is held may no longer be what is stored: read it again next time.
			for (const entityId of [...entities, ...touched]) this.indexes.delete(entityId);
			let added = 0;
			for (const [entityId, count] of placed) if (!entities.has(entityId)) added += count;
			return { added, entities };
		} catch (error) {
			for (const entityId of [...work.map(([entityId]) => entityId), ...touched]) this.indexes.delete(entityId);
			throw error;
		}
	}

	/** The clusters of former entities without the cases transferred away from them: a case belongs
	 * to the clusters of the entity that holds it now. Written with the revision read, so a conflict
	 * starts the receiving entity again, which finds the case still held and takes it out again. */
	private async departures(leaving: ReadonlyMap<string, { keys: Set<string> }>, changed: readonly ClusterDoc[]): Promise<ClusterDoc[]> {
		const pending = new Map(changed.filter((doc) => leaving.has(doc._id)).map((doc) => [doc._id, doc]));
		const read = await clustersById(
			this.store,
			[...leaving.keys()].filter((id) => !pending.has(id))
		);
		return [...pending.values(), ...read].map((doc) => withoutMembers(doc, leftOf(leaving, doc._id).keys) ?? { ...doc, _deleted: true });
	}

	/** The entity's open clusters, kept between batches: this follower is their one writer besides a
	 * manager's status change, which makes the next write of that cluster conflict and be read again.
	 * Read again after `HELD_MS` too: another instance may have held the engine's lease meanwhile and
	 * started clusters this one would not know. */
	private async indexOf(entityId: string, firstArrival: string): Promise<ClusterIndex> {
		const since = new Date(Date.parse(firstArrival) - this.windowDays * DAY_MS).toISOString();
		const held = this.indexes.get(entityId);
		if (held && held.since <= since && held.index.canPlace(firstArrival) && Date.now() - held.loaded < HELD_MS) return held.index;
		const index = new ClusterIndex(entityId, this.windowDays);
		index.load(await activeClusters(this.store, entityId, since));
		this.indexes.set(entityId, { index, since, loaded: Date.now() });
		return index;
	}

	/** Writes the clusters with the revisions they were read at and keeps the new revisions;
	 * returns the entities whose writes conflicted. */
	private async writeClusters(docs: ClusterDoc[], owner: ReadonlyMap<string, ReadonlySet<string>>): Promise<Set<string>> {
		const conflicted = new Set<string>();
		for (let i = 0; i < docs.length; i += WRITE_CHUNK) {
			const chunk = docs.slice(i, i + WRITE_CHUNK);
			const results = await this.store.use<ClusterDoc>(DB.CLUSTERS).bulk({ docs: chunk });
			const failed = results.find((r) => r.error && r.error !== 'conflict');
			if (failed) throw new Error(`writing clusters/${failed.id} failed: ${failed.error}`);
			results.forEach((r, n) => {
				if (r.error) {
					const owners = owner.get(chunk[n]._id);
					if (!owners) throw new TypeError(`clusters/${chunk[n]._id} was written without the entities it belongs to`);
					for (const entityId of owners) conflicted.add(entityId);
				} else chunk[n]._rev = r.rev;
			});
		}
		return conflicted;
	}

	private async rebuildUnderWay(): Promise<boolean> {
		try {
			await this.store.use(DB.ENGINE).head(CLUSTERS_REBUILD_MARKER_ID);
			return true;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode === 404) return false;
			throw error;
		}
	}
}
