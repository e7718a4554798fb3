/** Shards (q) and replicas (n) for the databases the server creates on CouchDB. The shared
 * databases (intake, cases, config, …) take COUCHDB_Q / COUCHDB_N; when unset, n follows the
 * cluster's size from `/_membership` (at most 3 copies) and q is CouchDB's own default.
 * Per-person and per-entity databases keep q=1: they are small, and a million of them must stay
 * cheap (docs/design.md). `intake` keeps q=1 too: its changes feed is the order in which the
 * rules engine applies actions, and only a single shard gives one order (a sharded feed
 * interleaves its shards, so a reply written after a request for information could come first).
 * One shard takes far more than a national volume of writes. The embedded store has neither
 * shards nor replicas. */

export interface Shards {
	q: number | null;
	n: number | null;
}

const PER_PERSON_OR_ENTITY = /^[ue]_/;
/** Databases whose changes feed must keep one order. */
const ORDERED = new Set(['intake']);

export function isPersonOrEntityDb(name: string): boolean {
	return PER_PERSON_OR_ENTITY.test(name);
}

/** The replicas a cluster of `nodes` nodes can hold: one per node, three at most. */
export function replicasFor(nodes: number): number {
	return Math.max(1, Math.min(3, nodes));
}

/** Remembers the cluster's size after the first look (nodes joining later need a restart). */
export function shardPolicy(configured: Shards, membership: () => Promise<number>) {
	let nodes: Promise<number> | null = null;
	return async function createQuery(name: string): Promise<Record<string, number>> {
		const query: Record<string, number> = {};
		if (isPersonOrEntityDb(name) || ORDERED.has(name)) query.q = 1;
		else if (configured.q) query.q = configured.q;
		if (configured.n) query.n = configured.n;
		else {
			nodes ??= membership().catch(() => {
				nodes = null;
				return 1;
			});
			query.n = replicasFor(await nodes);
		}
		return query;
	};
}
