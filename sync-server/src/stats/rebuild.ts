/** `npm run stats:rebuild`: the statistics recomputed from the `cases` database alone, through
 * the same facts and bucket code as the incremental path, so both give the same numbers.
 *
 * Buckets are rewritten in place, never dropped with their database: dashboard devices replicate
 * `stats`, and a recreated document would conflict with the copy they hold. Unchanged buckets are
 * not written at all, so a rebuild that finds nothing wrong sends devices nothing. `stats_facts`
 * (server only) is dropped and refilled, which is far quicker than a million updates.
 *
 * A marker in `engine` says a rebuild is under way; while it is there the incremental path does
 * nothing, and a rebuild that died leaves the marker until one finishes. The rebuild refuses to
 * start while a rules engine holds its lease; forced, a case the engine changes behind the
 * rebuild's read position is caught up at its next event, since its facts name the version they
 * came from. */
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import type { Store } from '../store.js';
import { ensureStatsDbs, FACTS_DESIGN, JOURNAL_ID, REBUILD_MARKER_ID, type FactsDoc, type JournalDoc } from './aggregator.js';
import { BucketSet } from './buckets.js';
import { caseFacts, watchDueAt, type FactsContext } from './facts.js';
import { FACTS_DOC_TYPE, JOURNAL_DOC_TYPE, STATS_DB, STATS_FACTS_DB, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import { weekStartDay } from '../../../src/lib/domain/stats/periods.js';

const PAGE = 2000;
const WRITE_CHUNK = 1000;

export class RebuildRefused extends Error {}

export interface RebuildOptions {
	now?: Date;
	/** Run even while a rules engine holds its lease (its batches meanwhile are not counted). */
	force?: boolean;
	onProgress?: (cases: number) => void;
}

export interface RebuildResult {
	cases: number;
	written: number;
	deleted: number;
	unchanged: number;
	batch: number;
}

/** What a stored document holds, which may be less than its type says. */
const storedBatch = (doc: { batch?: number }) => doc.batch ?? 0;
const storedCells = (doc: { cells?: StatsDoc['cells'] }) => doc.cells ?? {};

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

async function getOrNull<T>(store: Store, db: string, id: string): Promise<(T & { _rev: string }) | null> {
	try {
		return await store.use<T & { _id: string }>(db).get(id);
	} catch (error) {
		if (statusOf(error) === 404) return null;
		throw error;
	}
}

/** Whether a rules engine holds its lease on this store now. */
export async function engineRunning(store: Store, now: Date): Promise<boolean> {
	const lease = await getOrNull<{ expires_at: number }>(store, DB.ENGINE, 'lease:engine');
	return !!lease && lease.expires_at > now.getTime();
}

/** Every document of a database, a page at a time (design documents left out). */
export async function* allDocs<T>(store: Store, db: string, pageSize = PAGE): AsyncGenerator<T[]> {
	let startkey: string | undefined;
	for (;;) {
		const page = await store.use(db).list({ include_docs: true, limit: pageSize + 1, ...(startkey ? { startkey } : {}) });
		const rows = page.rows.slice(0, pageSize);
		yield rows.flatMap((r) => (r.doc && !r.id.startsWith('_design/') ? [r.doc as T] : []));
		if (page.rows.length <= pageSize) return;
		startkey = page.rows[pageSize].id;
	}
}

async function bulk(store: Store, db: string, docs: object[]): Promise<void> {
	for (let i = 0; i < docs.length; i += WRITE_CHUNK) {
		const results = await store.use<object>(db).bulk({ docs: docs.slice(i, i + WRITE_CHUNK) });
		const failed = results.find((r) => r.error);
		if (failed) throw new Error(`writing ${db}/${failed.id} failed: ${failed.error}`);
	}
}

/** Cells compared by value, whatever order their keys were written in. `b` is the stored
 * document's, which may lack a cell of `a`. */
function sameCells(a: StatsDoc['cells'], b: Partial<StatsDoc['cells']>): boolean {
	const keys = Object.keys(a);
	if (keys.length !== Object.keys(b).length) return false;
	return keys.every((key) => {
		const x = a[key];
		const y = b[key];
		if (!y) return false;
		const names = Object.keys(x) as (keyof typeof x)[];
		return names.length === Object.keys(y).length && names.every((n) => x[n] === y[n]);
	});
}

export async function rebuildStats(store: Store, options: RebuildOptions = {}): Promise<RebuildResult> {
	const now = options.now ?? new Date();
	if (!options.force && (await engineRunning(store, now))) {
		throw new RebuildRefused('a rules engine is running on this store: stop the server first, or pass --force');
	}
	await ensureStatsDbs(store);
	await store.ensureDb(DB.ENGINE);
	const { settings } = await new CatalogueSource(store).get();
	const ctx: FactsContext = { timeZone: settings.time_zone, weekStart: weekStartDay(settings.weekend), now };

	const marker = await getOrNull<object>(store, DB.ENGINE, REBUILD_MARKER_ID);
	const markerDoc = { _id: REBUILD_MARKER_ID, ...(marker ? { _rev: marker._rev } : {}), type: DOC_TYPES.COUNTER, started_at: now.toISOString() };
	const markerRev = (await store.use<object>(DB.ENGINE).insert(markerDoc)).rev;

	// The rebuild's batch number must be above every batch a bucket has seen, so that the batches
	// after it apply (a bucket at batch ≥ n skips journal n).
	const existing = new Map<string, StatsDoc>();
	let batch = (await getOrNull<JournalDoc>(store, STATS_FACTS_DB, JOURNAL_ID))?.n ?? 0;
	for await (const docs of allDocs<StatsDoc>(store, STATS_DB)) {
		for (const doc of docs) {
			existing.set(doc._id, doc);
			batch = Math.max(batch, storedBatch(doc));
		}
	}
	batch += 1;

	await store.dropDb(STATS_FACTS_DB);
	await store.ensureDb(STATS_FACTS_DB);
	await store.use<object>(STATS_FACTS_DB).insert(FACTS_DESIGN);

	const buckets = new BucketSet();
	let cases = 0;
	for await (const page of allDocs<CaseDoc>(store, DB.CASES)) {
		const facts: FactsDoc[] = [];
		for (const caseDoc of page) {
			// Every document of the database comes through, not only cases.
			const type: string = caseDoc.type;
			if (type !== DOC_TYPES.CASE) continue;
			const f = caseFacts(caseDoc, ctx);
			buckets.add(f);
			facts.push({ _id: caseDoc._id, type: FACTS_DOC_TYPE, version: caseDoc.version, batch, facts: f, watch_due_at: watchDueAt(caseDoc, now) });
		}
		await bulk(store, STATS_FACTS_DB, facts);
		cases += facts.length;
		options.onProgress?.(cases);
	}

	const writes: object[] = [];
	let unchanged = 0;
	for (const doc of buckets.docs.values()) {
		if (Object.keys(doc.cells).length === 0) continue;
		const old = existing.get(doc._id);
		existing.delete(doc._id);
		if (old && sameCells(old.cells, doc.cells)) {
			unchanged++;
			continue;
		}
		writes.push({ ...doc, batch, ...(old ? { _rev: old._rev } : {}) });
	}
	// A bucket left with no cells (its cases moved elsewhere) counts nothing, like a missing one.
	const deletions = [...existing.values()].filter((old) => Object.keys(storedCells(old)).length > 0).map((old) => ({ _id: old._id, _rev: old._rev, _deleted: true }));
	await bulk(store, STATS_DB, [...writes, ...deletions]);

	const journal: JournalDoc = { _id: JOURNAL_ID, type: JOURNAL_DOC_TYPE, n: batch, done: true, changes: [] };
	await store.use<object>(STATS_FACTS_DB).insert(journal);
	await store.use(DB.ENGINE).destroy(REBUILD_MARKER_ID, markerRev);
	return { cases, written: writes.length, deleted: deletions.length, unchanged, batch };
}
