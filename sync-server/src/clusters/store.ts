/** The `clusters` database (issue 13, server only): one document per cluster, holding its cases.
 * Read through /api/clusters.
 *
 * Views: `active` by [entity, last arrival] (the clusters a new case may join, the entity's top),
 * `repeated` by last arrival for clusters of two cases or more (the national top), `members` from
 * each case still held in a cluster to that cluster. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { summarise, topClusters, type ClusterDoc, type ClusterSummary } from '../../../src/lib/domain/clusters.js';
import { NATIONAL } from '../../../src/lib/domain/stats/model.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

export const CLUSTERS_DESIGN_ID = '_design/clusters';
const ACTIVE_MAP = `function (doc) {
  if (doc.type === 'cluster') emit([doc.entity_id, doc.last_at], null);
}`;
const REPEATED_MAP = `function (doc) {
  if (doc.type === 'cluster' && doc.members && doc.members.length >= 2) emit(doc.last_at, null);
}`;
const MEMBERS_MAP = `function (doc) {
  if (doc.type === 'cluster') doc.members.forEach(function (m) { emit(m.k, [doc.entity_id, doc._id]); });
}`;
const PAGE = 1000;

export const CLUSTERS_VIEWS = { active: { map: ACTIVE_MAP }, repeated: { map: REPEATED_MAP }, members: { map: MEMBERS_MAP } };

export function ensureClusterDbs(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CLUSTERS, CLUSTERS_DESIGN_ID, { views: CLUSTERS_VIEWS });
}

/** The entity's clusters with a case at or after `since`. */
export async function activeClusters(store: Store, entityId: string, since: string): Promise<ClusterDoc[]> {
	const out: ClusterDoc[] = [];
	let startkey: unknown = [entityId, since];
	let skip = 0;
	for (;;) {
		const page = await store.use<ClusterDoc>(DB.CLUSTERS).view('clusters', 'active', { startkey, endkey: [entityId, '\ufff0'], include_docs: true, limit: PAGE, skip });
		for (const row of page.rows) if (row.doc) out.push(row.doc);
		if (page.rows.length < PAGE) return out;
		startkey = page.rows[page.rows.length - 1].key;
		skip = 1;
	}
}

/** The clusters of two cases or more with a case at or after `since`, every entity. */
async function repeatedClusters(store: Store, since: string): Promise<ClusterDoc[]> {
	const out: ClusterDoc[] = [];
	let startkey: unknown = since;
	let skip = 0;
	for (;;) {
		const page = await store.use<ClusterDoc>(DB.CLUSTERS).view('clusters', 'repeated', { startkey, include_docs: true, limit: PAGE, skip });
		for (const row of page.rows) if (row.doc) out.push(row.doc);
		if (page.rows.length < PAGE) return out;
		startkey = page.rows[page.rows.length - 1].key;
		skip = 1;
	}
}

/** A cluster holding a case: its entity and document id. */
export interface ClusterHolder {
	entity_id: string;
	id: string;
}

/** The clusters that hold each of these cases: one, or for a moment two when a transferred case
 * has joined its new entity's cluster and not yet left the old one. */
export async function clusterHolders(store: Store, caseKeys: string[]): Promise<Map<string, ClusterHolder[]>> {
	const out = new Map<string, ClusterHolder[]>();
	if (caseKeys.length === 0) return out;
	const held = await store.use(DB.CLUSTERS).view<[string, string]>('clusters', 'members', { keys: caseKeys });
	for (const row of held.rows) {
		const [entityId, id] = row.value;
		const list = out.get(row.key) ?? [];
		list.push({ entity_id: entityId, id });
		out.set(row.key, list);
	}
	return out;
}

/** The cluster of the entity that holds the case now. */
export async function clusterOfCase(store: Store, entityId: string, caseKey: string): Promise<ClusterDoc | null> {
	const held = await store.use<ClusterDoc>(DB.CLUSTERS).view('clusters', 'members', { key: caseKey, include_docs: true });
	return held.rows.map((row) => row.doc).find((doc) => doc?.entity_id === entityId) ?? null;
}

/** The cluster documents with these ids that exist. */
export async function clustersById(store: Store, ids: string[]): Promise<ClusterDoc[]> {
	if (ids.length === 0) return [];
	const found = await store.use<ClusterDoc>(DB.CLUSTERS).fetch({ keys: ids });
	return found.rows.flatMap((row) => ('doc' in row && row.doc ? [row.doc] : []));
}

export async function getOrNull<T extends object>(store: Store, id: string): Promise<T | null> {
	try {
		return await store.use<T>(DB.CLUSTERS).get(id);
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode === 404) return null;
		throw error;
	}
}

/** The most repeated clusters of `scope` (an entity, or every entity) over the window ending `now`. */
export async function mostRepeated(store: Store, scope: string, options: { windowDays: number; now: Date; limit: number }): Promise<ClusterSummary[]> {
	const since = new Date(options.now.getTime() - options.windowDays * 86_400_000).toISOString();
	const docs = scope === NATIONAL ? await repeatedClusters(store, since) : await activeClusters(store, scope, since);
	return topClusters(
		docs.map((d) => summarise(d, options.now, options.windowDays)),
		options.limit
	);
}

/** What the minister's office and reports are shown of a cluster: what it is about and where,
 * never which cases. */
export function withoutCases(summary: ClusterSummary): ClusterSummary {
	return { ...summary, representative: { case_key: '', ref: '', subject: summary.representative.subject }, case_keys: [] };
}
