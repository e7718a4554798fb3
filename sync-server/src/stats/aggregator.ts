/** Keeps the `stats` buckets current as cases change: the rules engine hands it the cases of
 * each batch once they are saved, the importer the cases it wrote, and a sweep the cases whose
 * due date has just passed (time alone turns a pending case into an overdue one).
 *
 * Why it cannot count twice or lose a count, with no transactions in CouchDB:
 * 1. `stats_facts` keeps, per case, the facts it last contributed and the case version they came
 *    from. A case whose version has not advanced is skipped, so replaying a feed batch adds nothing.
 * 2. A batch's changes (facts before → after, per case) are first written, whole, into one
 *    `journal` document, numbered n = previous + 1. That single-document write is the commit
 *    point; it also serialises writers (the engine, an import, a sweep, another server), because
 *    each writes the journal with the revision of the finished one before it and a second writer
 *    gets a conflict and starts again from fresh facts.
 * 3. The journal is then applied: every bucket it touches is written with `batch: n`, and every
 *    facts document with `batch: n`. A document already at batch ≥ n is skipped, so applying the
 *    same journal again — after a crash between any two writes, by this or any other process —
 *    changes nothing that was already done and finishes what was not.
 * 4. The journal is marked done. Any writer finds an unfinished journal first and finishes it
 *    before it computes anything new, so facts are never read half-applied. */
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { log } from '../log.js';
import { onceUntilFailed, SerialQueue } from '../once.js';
import type { Store } from '../store.js';
import { applyDelta, BucketSet } from './buckets.js';
import { caseFacts, sameFacts, watchDueAt, type CaseFacts, type FactsContext } from './facts.js';
import { FACTS_DOC_TYPE, JOURNAL_DOC_TYPE, STATS_DB, STATS_FACTS_DB, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import { weekStartDay } from '../../../src/lib/domain/stats/periods.js';

/** Cases per journal, as many as the engine's default batch: the journal document stays under a megabyte. */
const MAX_CHANGES = 1000;
const WRITE_CHUNK = 1000;
const MAX_ATTEMPTS = 8;
export const JOURNAL_ID = 'journal';
/** In `engine` (server only): a rebuild is under way, or died before it finished (rebuild.ts). */
export const REBUILD_MARKER_ID = 'stats_rebuild';
const SWEEP_PAGE = 2000;
/** How often the server looks for cases whose due date has passed without a reply. */
export const STATS_SWEEP_MS = 5 * 60_000;

export interface FactsDoc {
	_id: string;
	_rev?: string;
	type: typeof FACTS_DOC_TYPE;
	version: number;
	batch: number;
	facts: CaseFacts | null;
	/** Set while the case's clock runs towards a due date not yet passed (the sweep's index). */
	watch_due_at: string | null;
}

export interface JournalChange {
	id: string;
	version: number;
	before: CaseFacts | null;
	after: CaseFacts | null;
	watch_due_at: string | null;
}

export interface JournalDoc {
	_id: typeof JOURNAL_ID;
	_rev?: string;
	type: typeof JOURNAL_DOC_TYPE;
	n: number;
	done: boolean;
	changes: JournalChange[];
}

export const FACTS_DESIGN = {
	_id: '_design/stats',
	views: { watch: { map: 'function (doc) { if (doc.watch_due_at) emit(doc.watch_due_at, null); }' } }
};

/** Steps at which a test can make the aggregator "crash". */
export type Step = 'journal' | 'buckets' | 'facts';

export interface AggregatorOptions {
	now?: () => Date;
	/** Test seam: called after each durable step; throwing there is a crash at that point. */
	afterStep?: (step: Step, journal: number) => void;
}

class Conflict extends Error {}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class StatsAggregator {
	readonly name = 'stats';
	private readonly catalogue: CatalogueSource;
	private readonly queue = new SerialQueue();
	private readonly ensureReady = onceUntilFailed(() => ensureStatsDbs(this.store));
	private sweeper: NodeJS.Timeout | null = null;

	constructor(
		private readonly store: Store,
		private readonly options: AggregatorOptions = {}
	) {
		this.catalogue = new CatalogueSource(store);
	}

	/** The engine's hook: the cases of a batch, after they are saved and projected. */
	casesSaved(cases: readonly CaseDoc[]): Promise<void> {
		return this.apply(cases).then(() => undefined);
	}

	/** Brings the buckets up to date with these cases; `recheck` looks again at cases whose
	 * version has not moved (the sweep: the clock ran out). Returns how many cases changed. */
	apply(cases: readonly CaseDoc[], options: { recheck?: boolean } = {}): Promise<number> {
		return this.queue.run(async () => {
			await this.ensureReady();
			if (await this.rebuildUnderWay()) {
				// The rebuild reads the cases as they are when it reaches them, so it counts these too.
				log.warn('statistics rebuild under way or unfinished: incremental update skipped', { cases: cases.length });
				return 0;
			}
			const latest = new Map<string, CaseDoc>();
			for (const c of cases) if ((latest.get(c._id)?.version ?? -1) < c.version) latest.set(c._id, c);
			const all = [...latest.values()];
			let changed = 0;
			for (let i = 0; i < all.length; i += MAX_CHANGES) changed += await this.applyChunk(all.slice(i, i + MAX_CHANGES), !!options.recheck);
			return changed;
		});
	}

	/** Re-evaluates the cases whose due date passed since their facts were computed. */
	async sweep(): Promise<number> {
		await this.ensureReady();
		const now = this.now().toISOString();
		let total = 0;
		for (;;) {
			const rows = await this.store.use(STATS_FACTS_DB).view<null>('stats', 'watch', { endkey: now, limit: SWEEP_PAGE });
			if (rows.rows.length === 0) return total;
			const found = await this.store.use<CaseDoc>(DB.CASES).fetch({ keys: rows.rows.map((r) => r.id) });
			const cases = found.rows.flatMap((r) => ('doc' in r && r.doc ? [r.doc as CaseDoc] : []));
			const changed = await this.apply(cases, { recheck: true });
			total += changed;
			// Nothing changed means those rows cannot leave the index (their cases vanished): stop.
			if (changed === 0 || rows.rows.length < SWEEP_PAGE) return total;
		}
	}

	startSweeper(intervalMs: number): void {
		if (this.sweeper) return;
		this.sweeper = setInterval(() => {
			this.sweep().catch((error: unknown) => {
				log.warn('stats sweep failed, will retry', { error: (error as Error).message });
			});
		}, intervalMs);
		this.sweeper.unref();
	}

	async stop(): Promise<void> {
		if (this.sweeper) clearInterval(this.sweeper);
		this.sweeper = null;
		await this.queue.idle();
	}

	/** Finishes a journal left unfinished (by a crash) and returns the last finished one. */
	async settle(): Promise<{ n: number; rev?: string }> {
		await this.ensureReady();
		for (let attempt = 1; ; attempt++) {
			const journal = await this.readJournal();
			if (!journal) return { n: 0 };
			if (journal.done) return { n: journal.n, rev: journal._rev };
			try {
				await this.complete(journal);
			} catch (error) {
				if (!(error instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw error;
			}
		}
	}

	private async applyChunk(cases: CaseDoc[], recheck: boolean): Promise<number> {
		for (let attempt = 1; ; attempt++) {
			try {
				const last = await this.settle();
				const stored = await this.fetch<FactsDoc>(
					STATS_FACTS_DB,
					cases.map((c) => c._id)
				);
				const changes = await this.changesFor(cases, stored, recheck);
				if (changes.length === 0) return 0;
				const journal: JournalDoc = { _id: JOURNAL_ID, type: JOURNAL_DOC_TYPE, n: last.n + 1, done: false, changes };
				if (last.rev) journal._rev = last.rev;
				journal._rev = await this.insert(STATS_FACTS_DB, journal);
				this.options.afterStep?.('journal', journal.n);
				// The facts just read are still current: nobody writes them without first winning the
				// journal, which we hold.
				await this.complete(journal, stored);
				return changes.length;
			} catch (error) {
				// Another writer moved first: start again from what it left.
				if (!(error instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw error;
			}
		}
	}

	private async changesFor(cases: CaseDoc[], stored: Map<string, FactsDoc>, recheck: boolean): Promise<JournalChange[]> {
		const ctx = await this.context();
		const changes: JournalChange[] = [];
		for (const caseDoc of cases) {
			const before = stored.get(caseDoc._id) ?? null;
			// An older copy of a case never takes its facts back.
			if (before && before.version > caseDoc.version) continue;
			if (before && before.version === caseDoc.version && !recheck) continue;
			const after = caseFacts(caseDoc, ctx);
			const watch = watchDueAt(caseDoc, ctx.now);
			if (before && sameFacts(before.facts, after) && before.watch_due_at === watch) continue;
			changes.push({ id: caseDoc._id, version: caseDoc.version, before: before?.facts ?? null, after, watch_due_at: watch });
		}
		return changes;
	}

	private async complete(journal: JournalDoc, knownFacts?: Map<string, FactsDoc>): Promise<void> {
		const n = journal.n;
		const delta = new BucketSet();
		for (const change of journal.changes) delta.change(change.before, change.after);
		const touched = [...delta.docs.values()].filter((d) => Object.keys(d.cells).length > 0);
		const buckets = await this.fetch<StatsDoc>(
			STATS_DB,
			touched.map((d) => d._id)
		);
		const bucketWrites = touched.flatMap((d) => {
			const stored = buckets.get(d._id) ?? null;
			return stored && stored.batch >= n ? [] : [applyDelta(stored, d, n)];
		});
		await this.bulk(STATS_DB, bucketWrites);
		this.options.afterStep?.('buckets', n);

		const facts =
			knownFacts ??
			(await this.fetch<FactsDoc>(
				STATS_FACTS_DB,
				journal.changes.map((c) => c.id)
			));
		const factWrites = journal.changes.flatMap((c): FactsDoc[] => {
			const stored = facts.get(c.id);
			if (stored && stored.batch >= n) return [];
			const doc: FactsDoc = { _id: c.id, type: FACTS_DOC_TYPE, version: c.version, batch: n, facts: c.after, watch_due_at: c.watch_due_at };
			if (stored?._rev) doc._rev = stored._rev;
			return [doc];
		});
		await this.bulk(STATS_FACTS_DB, factWrites);
		this.options.afterStep?.('facts', n);

		// Marked done without its changes: the record of what happened is in the buckets now.
		await this.insert(STATS_FACTS_DB, { _id: JOURNAL_ID, _rev: journal._rev, type: JOURNAL_DOC_TYPE, n, done: true, changes: [] });
	}

	private async context(): Promise<FactsContext> {
		const { settings } = await this.catalogue.get();
		return { timeZone: settings.time_zone, weekStart: weekStartDay(settings.weekend), now: this.now() };
	}

	private now(): Date {
		return this.options.now?.() ?? new Date();
	}

	private async rebuildUnderWay(): Promise<boolean> {
		try {
			await this.store.use(DB.ENGINE).head(REBUILD_MARKER_ID);
			return true;
		} catch (error) {
			if (statusOf(error) === 404) return false;
			throw error;
		}
	}

	private async readJournal(): Promise<JournalDoc | null> {
		try {
			return await this.store.use<JournalDoc>(STATS_FACTS_DB).get(JOURNAL_ID);
		} catch (error) {
			if (statusOf(error) === 404) return null;
			throw error;
		}
	}

	private async fetch<T extends { _id: string }>(db: string, ids: string[]): Promise<Map<string, T>> {
		const out = new Map<string, T>();
		for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
			const result = await this.store.use<T>(db).fetch({ keys: ids.slice(i, i + WRITE_CHUNK) });
			for (const row of result.rows) if ('doc' in row && row.doc) out.set(row.doc._id, row.doc);
		}
		return out;
	}

	private async bulk(db: string, docs: object[]): Promise<void> {
		for (let i = 0; i < docs.length; i += WRITE_CHUNK) {
			const results = await this.store.use<object>(db).bulk({ docs: docs.slice(i, i + WRITE_CHUNK) });
			const failed = results.find((r) => r.error);
			if (failed?.error === 'conflict') throw new Conflict(`${db}/${failed.id}`);
			if (failed) throw new Error(`writing ${db}/${failed.id} failed: ${failed.error}`);
		}
	}

	private async insert(db: string, doc: object): Promise<string> {
		try {
			return (await this.store.use<object>(db).insert(doc)).rev;
		} catch (error) {
			if (statusOf(error) === 409) throw new Conflict(`${db}/${(doc as { _id: string })._id}`);
			throw error;
		}
	}
}

/** Both databases and the sweep's view; safe to call on every start. */
export async function ensureStatsDbs(store: Store): Promise<void> {
	await store.ensureDb(STATS_DB);
	await store.ensureDb(STATS_FACTS_DB);
	try {
		await store.use<object>(STATS_FACTS_DB).insert(FACTS_DESIGN);
	} catch (error) {
		if (statusOf(error) !== 409) throw error;
	}
}
