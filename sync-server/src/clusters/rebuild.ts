/** `npm run clusters:rebuild`: the clusters recomputed from the `cases` database alone, through the
 * same `ClusterIndex` the follower uses, over each entity's cases in arrival order — so a rebuild
 * of what the follower saw gives the clusters it built, and running it twice gives the same ones.
 *
 * The `clusters` database is server only (no device replicates it), so it is dropped and written
 * again, which is far quicker than updating it in place. What managers decided is kept: a
 * cluster's id is its first case's key, and the status and history of every cluster found again
 * are carried over (and a case that joined after a fix is flagged again from that history).
 *
 * While the marker is in `engine`, the follower adds nothing; the rebuild refuses to start while a
 * rules engine holds its lease, unless forced. */
import { arrivalOrder, ClusterIndex, clusteredCase, comparedText, COMPARED_CHARS, DEFAULT_CLUSTER_WINDOW_DAYS, type CarriedStudy, type ClusterDoc } from '../../../src/lib/domain/clusters.js';
import { DB, DOC_TYPES, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { allDocs, engineRunning, RebuildRefused } from '../stats/rebuild.js';
import type { Store } from '../store.js';
import { statusOf, storedAs } from '../store-docs.js';
import { CLUSTERS_DESIGN_ID, CLUSTERS_VIEWS, ensureClusterDbs } from './store.js';

export const CLUSTERS_REBUILD_MARKER_ID = 'clusters_rebuild';
const WRITE_CHUNK = 1000;
const WRITES_IN_FLIGHT = 3;

export interface ClustersRebuildOptions {
	now?: Date;
	force?: boolean;
	windowDays?: number;
	onProgress?: (cases: number) => void;
}

export interface ClustersRebuildResult {
	cases: number;
	clusters: number;
	/** Clusters of two cases or more. */
	repeated: number;
	/** Studied clusters (under study or fixed) whose first case was not found again. */
	studies_lost: number;
}

async function bulk(store: Store, docs: object[]): Promise<void> {
	for (let i = 0; i < docs.length; i += WRITE_CHUNK) {
		const results = await store.use<object>(DB.CLUSTERS).bulk({ docs: docs.slice(i, i + WRITE_CHUNK) });
		const failed = results.find((r) => r.error);
		if (failed) throw new Error(`writing clusters/${failed.id} failed: ${failed.error}`);
	}
}

async function studies(store: Store): Promise<Map<string, CarriedStudy>> {
	const carried = new Map<string, CarriedStudy>();
	for await (const docs of allDocs<ClusterDoc>(store, DB.CLUSTERS)) {
		for (const doc of docs) if (storedAs(doc, DOC_TYPES.CLUSTER) && doc.history.length > 0) carried.set(doc._id, { status: doc.status, history: doc.history });
	}
	return carried;
}

/** The followed cases, with only what clustering reads (the compared text cut to its length), in
 * the one order every path clusters them in: by entity, then arrival. Read by the primary index,
 * a page at a time, and sorted in memory: far quicker than building a view over every case. */
async function arrivals(store: Store, onRead?: (cases: number) => void): Promise<CaseDoc[]> {
	const cases: CaseDoc[] = [];
	// Read as stored: a case may lack its subject or body, as comparedText allows.
	for await (const page of allDocs<Omit<CaseDoc, 'subject' | 'body'> & Partial<Pick<CaseDoc, 'subject' | 'body'>>>(store, DB.CASES)) {
		for (const c of page) {
			if (!clusteredCase(c)) continue;
			const subject = c.subject ?? '';
			const text = comparedText({ subject, body: c.body ?? '' });
			cases.push({ ...c, subject: subject.slice(0, COMPARED_CHARS), body: text.slice(subject.length + 1), timeline: [], applied: [], rejected: [] });
		}
		onRead?.(cases.length);
	}
	return cases.sort((a, b) => (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : arrivalOrder(a, b)));
}

export async function rebuildClusters(store: Store, options: ClustersRebuildOptions = {}): Promise<ClustersRebuildResult> {
	const now = options.now ?? new Date();
	const windowDays = options.windowDays ?? DEFAULT_CLUSTER_WINDOW_DAYS;
	if (!options.force && (await engineRunning(store, now))) {
		throw new RebuildRefused('a rules engine is running on this store: stop the server first, or pass --force');
	}
	await store.ensureDb(DB.ENGINE);
	// A store no server has run on yet has no cases: that is nothing to cluster, not an error.
	await store.ensureDb(DB.CASES);
	const marker = await store
		.use<{ type: string; started_at: string }>(DB.ENGINE)
		.insert({ _id: CLUSTERS_REBUILD_MARKER_ID, type: DOC_TYPES.COUNTER, started_at: now.toISOString() })
		.catch(async (error: unknown) => {
			if (statusOf(error) !== 409) throw error;
			const old = await store.use(DB.ENGINE).get(CLUSTERS_REBUILD_MARKER_ID);
			return store.use<{ type: string; started_at: string }>(DB.ENGINE).insert({ _id: CLUSTERS_REBUILD_MARKER_ID, _rev: old._rev, type: DOC_TYPES.COUNTER, started_at: now.toISOString() });
		});
	await ensureClusterDbs(store);
	const carried = await studies(store);
	await store.dropDb(DB.CLUSTERS);
	await store.ensureDb(DB.CLUSTERS);
	await store.use<object>(DB.CLUSTERS).insert({ _id: CLUSTERS_DESIGN_ID, views: CLUSTERS_VIEWS });

	const result: ClustersRebuildResult = { cases: 0, clusters: 0, repeated: 0, studies_lost: 0 };
	const found = new Set<string>();
	// An entity's clusters are written while the next entity's are computed: the store and the
	// clustering then work at the same time, with at most WRITES_IN_FLIGHT entities waiting.
	const writing: Promise<void>[] = [];
	const flush = async (index: ClusterIndex) => {
		const docs = [...index.changed.values()];
		for (const d of docs) found.add(d._id);
		result.clusters += docs.length;
		result.repeated += docs.filter((d) => d.members.length >= 2).length;
		const write = bulk(store, docs);
		// Observed at once, so that a failure waiting its turn is not taken for an unhandled one.
		write.catch(() => undefined);
		writing.push(write);
		if (writing.length >= WRITES_IN_FLIGHT) await writing.shift();
	};
	let index: ClusterIndex | undefined;
	let failure: { error: unknown } | null = null;
	try {
		for (const caseDoc of await arrivals(store, options.onProgress)) {
			if (!index || index.entityId !== caseDoc.entity_id) {
				if (index) await flush(index);
				index = new ClusterIndex(caseDoc.entity_id, windowDays, undefined, carried);
			}
			if (index.add(caseDoc)) result.cases++;
		}
		if (index) await flush(index);
	} catch (error) {
		failure = { error };
	}
	// Every write settles before the rebuild answers, a failed one included.
	for (const settled of await Promise.allSettled(writing)) if (settled.status === 'rejected') failure ??= { error: settled.reason };
	if (failure) throw failure.error;
	result.studies_lost = [...carried.keys()].filter((id) => !found.has(id)).length;
	await store.use(DB.ENGINE).destroy(CLUSTERS_REBUILD_MARKER_ID, marker.rev);
	return result;
}
