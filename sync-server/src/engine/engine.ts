/** The rules engine: reads `intake`'s `_changes`, runs the rules on each action against the
 * authoritative case, and writes in one order — reference counters, cases, projections, dead
 * letters — before it moves the feed checkpoint. A crash anywhere replays the batch: actions a
 * case already took in are skipped, projections are rewritten with the same revisions (no-ops),
 * and reference numbers reserved before the crash are never handed out twice. */
import { performance } from 'node:perf_hooks';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { caseDocId, DB, DOC_TYPES, hasAccount } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { collectEffects, runRules, type Rule, type RuleFailure, type SideEffect, type Work } from '../rules/index.js';
import { log } from '../log.js';
import { DEFAULT_ENGINE_BATCH_BYTES as DEFAULT_BATCH_BYTES } from '../env.js';
import type { Store } from '../store.js';
import { CatalogueSource, type Catalogue } from './catalogue.js';
import { Checkpoint } from './checkpoint.js';
import { DEFAULT_LEASE_MS, Lease } from './lease.js';
import { actionHeader, readBounded, type BoundedBatch, type Change } from './feed.js';
import { malformed, saveDeadLetters, SET_ASIDE, setAside, type SetAside } from './dead-letters.js';
import { attachmentWrites } from './attachments.js';
import { projectCase, rejectionDoc, type Projection } from './projections.js';
import { ReferenceCounters } from './references.js';
import { removeRefusedActions, type RefusedAction } from './refused.js';
import { writeProjections } from './writer.js';
import { caseAuditEntry, type AuditDoc } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';
import { storedAs } from '../store-docs.js';

/** Failed batches at one position, past the narrowing, before one action is set aside. */
const MAX_TRIES = 3;
/** Failed batches at one feed position before the engine goes one action at a time to find the
 * action that fails them. */
const NARROW_AFTER = 2;
const MAX_ASIDE_STREAK = 3;

export interface EngineStatus {
	running: boolean;
	leader: boolean;
	last_seq: string | number;
	processed: number;
	rejected: number;
	dead_letters: number;
	last_error: string | null;
	/** Work is waiting in the feed and the checkpoint has not moved for ENGINE_STALL_MS. */
	stalled: boolean;
	/** Milliseconds since the checkpoint last moved or the feed was found caught up. */
	since_progress_ms: number;
}

/** Work that follows the cases once they are saved and projected, such as the statistics. A sink
 * keys what it does on case id + version itself, so the replay of a batch adds nothing; its
 * failure fails the batch, which is retried before the feed checkpoint moves. */
export interface CaseSink {
	readonly name: string;
	casesSaved(cases: readonly CaseDoc[]): Promise<void>;
}

export interface EngineOptions {
	rules: readonly Rule[];
	sinks?: readonly CaseSink[];
	batchSize: number;
	/** Bytes of actions in one batch (ENGINE_BATCH_BYTES); larger single actions are set aside. */
	batchBytes?: number;
	instanceId: string;
	/** Lease length (ENGINE_LEASE_MS): how soon another instance takes over from a dead one. */
	leaseMs?: number;
	/** ENGINE_STALL_MS: after this long without progress while work waits, status says stalled. */
	stallMs?: number;
	/** Long-poll time-out of the feed; short in tests so stop() returns quickly. */
	pollTimeoutMs?: number;
	/** Runs the rules' side effects once a batch's cases and projections are durable, before the
	 * checkpoint moves; it must be idempotent on each effect's key (a crash replays the batch). */
	onEffects?: (effects: SideEffect[]) => Promise<void>;
	/** Seals every reference to its case (references.ts); the server's SECRETS_KEY. */
	secretsKey?: Buffer | null;
	/** One `_bulk_docs` per database on the embedded store too, as on CouchDB (writer.ts). */
	projectionsPerDatabase?: boolean;
}

type Outcome = { kind: 'applied'; after: CaseDoc } | { kind: 'rejected'; code: string; fields?: unknown } | { kind: 'failed'; error: string };

export class RulesEngine {
	private readonly catalogue: CatalogueSource;
	private readonly checkpoint: Checkpoint;
	private readonly references: ReferenceCounters;
	private readonly lease: Lease;
	private running = false;
	private loop: Promise<void> | null = null;
	private abort: AbortController | null = null;
	private readonly counts = { processed: 0, rejected: 0, dead_letters: 0 };
	private lastError: string | null = null;
	/** Progress for /healthz: when the checkpoint last moved or the feed was found caught up. */
	private lastProgress = performance.now();
	private idle = false;
	/** Consecutive failures at one checkpoint position, and how many rows go one at a time. */
	private failures = { seq: null as string | number | null, count: 0, narrowRows: 0 };
	/** Actions set aside one after another by narrowing: a fault that is not any one action's. */
	private asideStreak = 0;
	private asideInBatch = false;
	private overflowed = false;

	constructor(
		private readonly store: Store,
		private readonly options: EngineOptions
	) {
		this.catalogue = new CatalogueSource(store);
		this.checkpoint = new Checkpoint(store, 'intake');
		this.references = new ReferenceCounters(store, options.secretsKey);
		this.lease = new Lease(store, 'engine', options.instanceId, { leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS });
	}

	status(): EngineStatus {
		const since = Math.round(performance.now() - this.lastProgress);
		return {
			running: this.running,
			leader: this.lease.held,
			last_seq: this.checkpoint.seq,
			...this.counts,
			last_error: this.lastError,
			stalled: this.running && this.lease.held && !this.idle && since > (this.options.stallMs ?? 60_000),
			since_progress_ms: since
		};
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.loop = this.run();
	}

	async stop(): Promise<void> {
		this.running = false;
		this.abort?.abort();
		await this.loop;
		await this.lease.release();
	}

	/** Read afresh at each step of the loop: stop() may have been called while it awaited. */
	private isRunning(): boolean {
		return this.running;
	}

	private progressed(): void {
		this.lastProgress = performance.now();
	}

	/** In a burst two batches are under way at once: while one batch's projections, counters and
	 * effects are written (its tail), the next batch is read, decided and its cases saved (its head). The
	 * checkpoint still moves in feed order, only after a batch's tail, and the next tail starts
	 * only after the previous one ended; if a tail fails, both batches are replayed from the
	 * checkpoint, which the engine does safely after a crash anyway. */
	private async run(): Promise<void> {
		let backoff = 250;
		// How far the feed has been read: ahead of the checkpoint while a tail is under way.
		let since: string | number | null = null;
		let tail: Promise<void> = Promise.resolve();
		// Rows read past the checkpoint: a failure narrows the search to these.
		let unconfirmed = 0;
		const stopRenewing = this.lease.keepAlive();
		while (this.isRunning()) {
			try {
				if (!(await this.lease.acquire())) {
					await settled(tail);
					since = null;
					unconfirmed = 0;
					// Another instance holds the feed; what we cached may be stale when we get it back.
					this.forget();
					this.progressed();
					await sleep(Math.min(2000, (this.options.leaseMs ?? DEFAULT_LEASE_MS) / 4));
					continue;
				}
				await this.checkpoint.load();
				since ??= this.checkpoint.seq;
				const narrow = this.failures.narrowRows > 0;
				const limit = narrow ? 1 : this.options.batchSize;
				const batch = await this.readBatch(since, limit, since === this.checkpoint.seq);
				if (!this.isRunning()) break;
				const read = batch.changes.length + (batch.oversized ? 1 : 0);
				unconfirmed += read;
				const finish = await this.beginChecked(batch, narrow);
				await tail;
				const last = batch.last_seq;
				tail = (finish ? finish() : Promise.resolve()).then(() => this.confirm(last, read));
				// Reported at once; the loop meets the failure when it next waits for this tail.
				tail.catch((error: unknown) => {
					this.lastError = error instanceof Error ? error.message : String(error);
				});
				since = last;
				// A batch that did not fill up means the feed has caught up: finishing it before reading
				// on gives the lowest delay. Only in a burst does the next head overlap this tail.
				if (read < limit || narrow) {
					await tail;
					unconfirmed = 0;
				}
				backoff = 250;
				this.lastError = null;
			} catch (error) {
				await settled(tail);
				tail = Promise.resolve();
				since = null;
				this.forget();
				if (!this.isRunning()) break;
				this.lastError = (error as Error).message;
				await this.countFailure(error, unconfirmed);
				unconfirmed = 0;
				log.error('engine batch failed, will retry', { error: this.lastError, since: this.checkpoint.seq });
				await sleep(backoff);
				backoff = Math.min(backoff * 2, 10_000);
			}
		}
		// Stopping: the batch under way finishes (or is replayed at the next start).
		await settled(tail);
		stopRenewing();
	}

	/** Cached positions and counters are re-read from the store after any failure or lost lease. */
	private forget(): void {
		this.checkpoint.reset();
		this.references.reset();
	}

	/** Moves the checkpoint once a batch's work is durable, unless the lease ran out meanwhile:
	 * then another instance may be doing the same work, and its position is the one that counts. */
	private async confirm(seq: string | number, rows: number): Promise<void> {
		if (!this.lease.valid()) throw new Error('engine lease ran out before the batch was finished');
		const moved = seq !== this.checkpoint.seq;
		await this.checkpoint.save(seq);
		if (moved) this.progressed();
		if (this.failures.narrowRows > 0) this.failures.narrowRows = Math.max(0, this.failures.narrowRows - rows);
		if (moved) this.failures = { ...this.failures, seq: null, count: 0 };
		if (moved && !this.asideInBatch) this.asideStreak = 0;
		this.asideInBatch = false;
	}

	/** A failure of the kind bad input causes in code (a type or range error: `Invalid string
	 * length`, a method missing on a field of the wrong type) that repeats at one position while the
	 * store is up is blamed on an action: the engine then goes one action at a time through the rows
	 * it had read, and sets aside the one that keeps failing. The store's own faults (down,
	 * restarting, another instance) and the work's other errors are waited out and retried. */
	private async countFailure(error: unknown, unconfirmed: number): Promise<void> {
		if (!inputFault(error) || !(await this.store.ping())) return;
		const seq = this.checkpoint.seq;
		const count = this.failures.seq === seq ? this.failures.count + 1 : 1;
		const narrowRows = count >= NARROW_AFTER ? Math.max(this.failures.narrowRows, unconfirmed, 1) : this.failures.narrowRows;
		this.failures = { seq, count, narrowRows };
	}

	private async readBatch(since: string | number, limit: number, atCheckpoint: boolean): Promise<BoundedBatch> {
		this.idle = atCheckpoint;
		try {
			const batch = await this.readFeed(since, limit);
			if (batch.changes.length === 0 && !batch.oversized) this.progressed();
			return batch;
		} finally {
			this.idle = false;
		}
	}

	/** Sets aside what cannot be processed (too large, malformed, or one action that keeps failing
	 * the batch) and begins the batch with the rest; the tail records the dead letters first. */
	private async beginChecked(batch: BoundedBatch, narrow: boolean): Promise<(() => Promise<void>) | null> {
		const aside: SetAside[] = [];
		if (batch.oversized) {
			const header = await actionHeader(this.store, batch.oversized.id);
			aside.push({ action_id: batch.oversized.id, header, code: SET_ASIDE.TOO_LARGE, reason: `larger than ENGINE_BATCH_BYTES (${this.options.batchBytes ?? DEFAULT_BATCH_BYTES})` });
		}
		const usable: Change[] = [];
		for (const change of batch.changes) {
			const doc = change.doc;
			const problem = doc && !change.deleted && storedAs(doc, DOC_TYPES.ACTION) ? malformed(doc) : null;
			if (doc && problem) aside.push({ action_id: change.id, header: doc, code: SET_ASIDE.UNPROCESSABLE, reason: problem });
			else usable.push(change);
		}
		// Three in a row without one action passing is not the actions' fault: stop and say so (/healthz).
		if (narrow && this.failures.count >= NARROW_AFTER + MAX_TRIES - 1 && usable.length === 1 && this.asideStreak < MAX_ASIDE_STREAK) {
			const [change] = usable.splice(0, 1);
			this.asideStreak++;
			this.asideInBatch = true;
			aside.push(await this.failing(change));
		}
		const finish = usable.length > 0 ? await this.beginBatch(usable) : null;
		if (aside.length === 0) return finish;
		for (const item of aside) log.warn('action set aside', { action_id: item.action_id, code: item.code, reason: item.reason });
		return async () => {
			await setAside(this.store, aside);
			this.counts.dead_letters += aside.length;
			this.counts.rejected += aside.length;
			await finish?.();
		};
	}

	/** The action that keeps failing its batch. If its case already took it in (the failure came
	 * after the case was saved), its author is not told it was refused: the dead letter says what
	 * is left undone for an operator to replay. */
	private async failing(change: Change): Promise<SetAside> {
		const reason = this.lastError ?? 'failed repeatedly';
		const doc = change.doc;
		const key = doc?.case_key;
		const saved = doc && key ? (await this.loadCases([doc])).get(caseDocId(key)) : undefined;
		if (saved?.applied.includes(change.id)) {
			return { action_id: change.id, header: null, code: SET_ASIDE.UNPROCESSABLE, reason: `applied to its case; what follows failed: ${reason}` };
		}
		return { action_id: change.id, header: change.doc ?? null, code: SET_ASIDE.UNPROCESSABLE, reason };
	}

	private readFeed(since: string | number, limit: number): Promise<BoundedBatch> {
		this.abort = new AbortController();
		// CouchDB ends a long poll after `timeout`; express-pouchdb ignores it and holds the request
		// until a change comes, so the engine ends the wait itself and asks again.
		const timeoutMs = this.options.pollTimeoutMs ?? 10_000;
		const abort = this.abort;
		const timer = setTimeout(() => {
			abort.abort();
		}, timeoutMs + 2_000);
		// Right after a feed that did not fit, more large actions are likely: no long poll, no documents.
		const idsFirst = this.overflowed;
		return readBounded(this.store, { since, limit, timeoutMs }, abort.signal, this.options.batchBytes ?? DEFAULT_BATCH_BYTES, idsFirst)
			.then((batch) => {
				this.overflowed = Boolean(batch.overflowed) && batch.changes.length + (batch.oversized ? 1 : 0) > 0;
				return batch;
			})
			.catch((error: unknown) => {
				if (this.running && abort.signal.aborted) return { changes: [], last_seq: since, oversized: null };
				throw error;
			})
			.finally(() => {
				clearTimeout(timer);
			});
	}

	/** Processes one batch of feed rows, head and tail; for tests. */
	async processBatch(changes: Change[]): Promise<void> {
		const finish = await this.beginBatch(changes);
		await finish?.();
	}

	/** The head of a batch: decides every action and saves the cases. Returns the tail, which
	 * writes what follows from the saved cases; null when the batch holds no action. */
	private async beginBatch(changes: Change[]): Promise<(() => Promise<void>) | null> {
		const catalogue = await this.catalogue.get();
		const actions = inDeviceOrder(changes.flatMap((c) => (c.doc && !c.deleted && storedAs(c.doc, DOC_TYPES.ACTION) && !c.id.startsWith('_design/') ? [c.doc] : [])));
		if (actions.length === 0) return null;
		const cases = await this.loadCases(actions);
		const changed = new Set<string>();
		const touched = new Set<string>();
		const withFiles: ActionDoc[] = [];
		const extra: Projection[] = [];
		const deadLetters: Record<string, unknown>[] = [];
		const audits: AuditDoc[] = [];
		const refused: RefusedAction[] = [];
		const processedAt = new Date().toISOString();
		const effects: SideEffect[] = [];
		const zone = catalogue.settings.time_zone;
		// A case re-created after the store lost it takes back the reference a device proved it had.
		const newCases = actions.filter((a) => a.kind === 'submit' && !cases.has(caseDocId(a.case_key))).map((a) => a.case_key);
		await this.references.load([...new Set(actions.map((a) => yearOf(a, zone)))], newCases);
		const reserve = this.references.begin(zone);

		for (const action of actions) {
			const id = caseDocId(action.case_key);
			const current = cases.get(id) ?? null;
			if (current && (current.applied.includes(action._id) || current.rejected.includes(action._id))) {
				touched.add(id);
				if (current.applied.includes(action._id) && hasFiles(action)) withFiles.push(action);
				// A replay re-derives the effects: the crash may have come before they were done.
				if (current.applied.includes(action._id)) effects.push(...this.effectsOf(action, current, deadLetters));
				continue;
			}
			const outcome = this.decide(action, current, catalogue, reserve, cases);
			audits.push(caseAuditEntry(action, current, outcome, processedAt));
			const at = action.received_at ?? new Date().toISOString();
			if (outcome.kind === 'applied') {
				if (outcome.after.ref && !outcome.after.ref_seal) outcome.after.ref_seal = this.references.seal(outcome.after.ref, outcome.after.case_key);
				cases.set(id, outcome.after);
				changed.add(id);
				touched.add(id);
				if (hasFiles(action) || action.kind === 'transfer') withFiles.push(action);
				effects.push(...this.effectsOf(action, outcome.after, deadLetters));
				this.counts.processed++;
				continue;
			}
			const code = outcome.kind === 'rejected' ? outcome.code : 'server';
			if (outcome.kind === 'failed') {
				deadLetters.push({ _id: `dead:${action._id}`, type: DOC_TYPES.DEAD_LETTER, action_id: action._id, error: outcome.error, at });
				this.counts.dead_letters++;
			}
			if (current) {
				cases.set(id, { ...current, rejected: [...current.rejected, action._id] });
				changed.add(id);
			}
			// An anonymous report's author has no database to be told in.
			if (action.author?.user_id && hasAccount(action.author.user_id)) {
				const fields = outcome.kind === 'rejected' ? outcome.fields : undefined;
				extra.push(rejectionDoc(action._id, action.case_key, action.kind, code, at, action.author.user_id, fields));
			}
			if (outcome.kind === 'rejected' && action._rev) refused.push({ _id: action._id, _rev: action._rev });
			this.counts.rejected++;
		}

		// Reference numbers first: a crash after this point leaves a gap, never a duplicate.
		// The audit entries are durable before the cases too: an action a saved case already holds
		// is skipped on replay, so its entry must exist by then; entries already written stay as they are.
		await Promise.all([reserve.commit(), writeAudit(this.store, audits)]);
		const held = (id: string): CaseDoc => {
			const caseDoc = cases.get(id);
			if (!caseDoc) throw new TypeError(`case ${id} was changed in this batch but is not held`);
			return caseDoc;
		};
		await this.saveCases([...changed].map(held));
		const projections = [...touched].flatMap((id) => projectCase(held(id)).writes);
		const saved = [...touched].map(held);
		return async () => {
			// Projections and the sinks (the dashboard's counters) both follow the saved cases and
			// are idempotent, so they are written side by side; the checkpoint waits for both.
			await Promise.all([
				attachmentWrites(this.store, withFiles, cases).then((files) => writeProjections(this.store, [...projections, ...files, ...extra], { perDatabase: this.options.projectionsPerDatabase })),
				...(this.options.sinks ?? []).map((sink) => sink.casesSaved(saved))
			]);
			if (deadLetters.length > 0) await this.saveDeadLetters(deadLetters);
			// Their refusals are durable now (audit in the head, rejections just above).
			await removeRefusedActions(this.store, refused);
			// Effects (the rating SMS) only once the reply has reached the citizen's database.
			if (effects.length > 0 && this.options.onEffects) await this.options.onEffects(effects);
		};
	}

	/** Runs the rules once: they are pure, so an error would only repeat (and burn a reference
	 * number each time). A broken rule fails the action, with every broken rule named. */
	private decide(action: ActionDoc, current: CaseDoc | null, catalogue: Catalogue, reserve: ReturnType<ReferenceCounters['begin']>, cases: ReadonlyMap<string, CaseDoc>): Outcome {
		const work: Work = {
			action,
			before: current,
			after: current ? structuredClone(current) : null,
			at: new Date(action.received_at ?? Date.now())
		};
		const mark = reserve.mark();
		let failures: RuleFailure[];
		try {
			failures = runRules(this.options.rules, work, { catalogue, reference: (at) => reserve.next(at, action.case_key), caseOf: (key) => cases.get(caseDocId(key)) ?? null });
		} catch (error) {
			reserve.rewind(mark);
			if (error instanceof TawasulError) return { kind: 'rejected', code: error.code, fields: error.fields };
			throw error;
		}
		if (failures.length === 0 && work.after) return { kind: 'applied', after: work.after };
		reserve.rewind(mark);
		for (const failure of failures) log.warn('rule failed', { action_id: action._id, rule: failure.rule, error: failure.error });
		const error = failures.length > 0 ? failures.map((f) => `${f.rule}: ${f.error}`).join('; ') : 'no case after the rules ran';
		return { kind: 'failed', error };
	}

	/** The action's side effects; a rule whose effects break leaves a dead letter naming it. */
	private effectsOf(action: ActionDoc, caseDoc: CaseDoc, deadLetters: Record<string, unknown>[]): SideEffect[] {
		return collectEffects(this.options.rules, action, caseDoc, (failure) => {
			log.warn('rule effects failed', { action_id: action._id, rule: failure.rule, error: failure.error });
			deadLetters.push({
				_id: `dead:effects:${failure.rule}:${action._id}`,
				type: DOC_TYPES.DEAD_LETTER,
				action_id: action._id,
				rule: failure.rule,
				error: `effects: ${failure.error}`,
				at: new Date().toISOString()
			});
		});
	}

	/** The actions' cases, and the other case a link names (issue 13), for the rules to check. */
	private async loadCases(actions: ActionDoc[]): Promise<Map<string, CaseDoc>> {
		const named = actions.flatMap((a) => [a.case_key, a.primary_key, a.duplicate_key]).filter((k): k is string => typeof k === 'string' && k.length <= 100);
		const keys = [...new Set(named.map(caseDocId))];
		const result = await this.store.use<CaseDoc>(DB.CASES).fetch({ keys });
		const cases = new Map<string, CaseDoc>();
		for (const row of result.rows) {
			if ('doc' in row && row.doc) cases.set(row.doc._id, row.doc);
		}
		return cases;
	}

	private async saveCases(docs: CaseDoc[]): Promise<void> {
		if (docs.length === 0) return;
		const result = await this.store.use<CaseDoc>(DB.CASES).bulk({ docs });
		const failed = result.filter((r) => r.error);
		if (failed.length > 0) throw new Error(`saving cases failed: ${failed[0].id} ${failed[0].error}`);
	}

	private saveDeadLetters(docs: Record<string, unknown>[]): Promise<void> {
		// A dead letter already there (a replay) answers with a conflict: that is fine.
		return saveDeadLetters(this.store, docs);
	}
}

/** Replication does not keep the order of documents inside one upload, so actions that
 * arrived together (same `received_at`) are put back in the order the device made them.
 * Across uploads the server's order of arrival decides. Either time may be missing from an action
 * a device wrote by another way (malformed lets those through). */
function inDeviceOrder<T extends { received_at?: string; client_time?: string }>(actions: T[]): T[] {
	return actions
		.map((action, index) => ({ action, index }))
		.sort((a, b) => (a.action.received_at ?? '').localeCompare(b.action.received_at ?? '') || (a.action.client_time ?? '').localeCompare(b.action.client_time ?? '') || a.index - b.index)
		.map(({ action }) => action);
}

function yearOf(action: ActionDoc, timeZone: string): number {
	return Number(localDateOf(new Date(action.received_at ?? Date.now()), timeZone).slice(0, 4));
}

function hasFiles(action: ActionDoc): boolean {
	return Object.keys(action._attachments ?? {}).length > 0;
}

/** Errors that bad input causes in code; the store's errors (fetch failed is a TypeError too)
 * are never among them. A broken assumption about what a batch holds (a case or cluster not held,
 * checks in clusters and here) throws a TypeError too, so the action behind it is set aside. */
function inputFault(error: unknown): boolean {
	if (!(error instanceof TypeError || error instanceof RangeError)) return false;
	if ((error as { statusCode?: number }).statusCode !== undefined || (error as { cause?: unknown }).cause !== undefined) return false;
	return !/fetch failed|ECONN|EPIPE|socket|aborted|terminated/i.test(error.message);
}

function settled(work: Promise<unknown>): Promise<void> {
	return work.then(
		() => undefined,
		() => undefined
	);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
