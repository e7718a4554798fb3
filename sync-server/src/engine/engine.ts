/** The rules engine: reads `intake`'s `_changes`, runs the rules on each action against the
 * authoritative case, and writes in one order — reference counters, cases, projections, dead
 * letters — before it moves the feed checkpoint. A crash anywhere replays the batch: actions a
 * case already took in are skipped, projections are rewritten with the same revisions (no-ops),
 * and reference numbers reserved before the crash are never handed out twice. */
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { caseDocId, DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { collectEffects, runRules, type Rule, type SideEffect, type Work } from '../rules/index.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { CatalogueSource, type Catalogue } from './catalogue.js';
import { Checkpoint } from './checkpoint.js';
import { Lease } from './lease.js';
import { attachmentWrites } from './attachments.js';
import { projectCase, rejectionDoc, type Projection } from './projections.js';
import { ReferenceCounters } from './references.js';
import { removeRefusedActions, type RefusedAction } from './refused.js';
import { writeProjections } from './writer.js';
import { caseAuditEntry, type AuditDoc } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';

/** Attempts of one action before it goes to a dead-letter record. */
const MAX_TRIES = 3;

interface Change {
	seq: string | number;
	id: string;
	deleted?: boolean;
	doc?: ActionDoc;
}

export interface EngineStatus {
	running: boolean;
	leader: boolean;
	last_seq: string | number;
	processed: number;
	rejected: number;
	dead_letters: number;
	last_error: string | null;
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
	instanceId: string;
	/** Long-poll time-out of the feed; short in tests so stop() returns quickly. */
	pollTimeoutMs?: number;
	/** Runs the rules' side effects once a batch's cases and projections are durable, before the
	 * checkpoint moves; it must be idempotent on each effect's key (a crash replays the batch). */
	onEffects?: (effects: SideEffect[]) => Promise<void>;
	/** Seals every reference to its case (references.ts); the server's SECRETS_KEY. */
	secretsKey?: Buffer | null;
}

type Outcome =
	| { kind: 'applied'; after: CaseDoc }
	| { kind: 'rejected'; code: string; fields?: unknown }
	| { kind: 'failed'; error: string };

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

	constructor(
		private readonly store: Store,
		private readonly options: EngineOptions
	) {
		this.catalogue = new CatalogueSource(store);
		this.checkpoint = new Checkpoint(store, 'intake');
		this.references = new ReferenceCounters(store, options.secretsKey);
		this.lease = new Lease(store, 'engine', options.instanceId);
	}

	status(): EngineStatus {
		return {
			running: this.running,
			leader: this.lease.held,
			last_seq: this.checkpoint.seq,
			...this.counts,
			last_error: this.lastError
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
		while (this.running) {
			try {
				if (!(await this.lease.acquire())) {
					await settled(tail);
					since = null;
					// Another instance holds the feed; what we cached may be stale when we get it back.
					this.checkpoint.reset();
					this.references.reset();
					await sleep(2000);
					continue;
				}
				await this.checkpoint.load();
				since ??= this.checkpoint.seq;
				const changes = await this.readFeed(since);
				if (!this.running) break;
				const finish = changes.results.length > 0 ? await this.beginBatch(changes.results) : null;
				await tail;
				const last = changes.last_seq;
				tail = (finish ? finish() : Promise.resolve()).then(() => this.checkpoint.save(last));
				// Reported at once; the loop meets the failure when it next waits for this tail.
				tail.catch((error: Error) => {
					this.lastError = error.message;
				});
				since = last;
				// A batch that did not fill up means the feed has caught up: finishing it before reading
				// on gives the lowest delay. Only in a burst does the next head overlap this tail.
				if (changes.results.length < this.options.batchSize) await tail;
				backoff = 250;
				this.lastError = null;
			} catch (error) {
				await settled(tail);
				tail = Promise.resolve();
				since = null;
				if (!this.running) break;
				this.lastError = (error as Error).message;
				log.error('engine batch failed, will retry', { error: this.lastError, since: this.checkpoint.seq });
				await sleep(backoff);
				backoff = Math.min(backoff * 2, 10_000);
			}
		}
		// Stopping: the batch under way finishes (or is replayed at the next start).
		await settled(tail);
	}

	private async readFeed(since: string | number): Promise<{ results: Change[]; last_seq: string | number }> {
		this.abort = new AbortController();
		const query = new URLSearchParams({
			since: String(since),
			limit: String(this.options.batchSize),
			include_docs: 'true',
			feed: 'longpoll',
			timeout: String(this.options.pollTimeoutMs ?? 10_000)
		});
		// CouchDB ends a long poll after `timeout`; express-pouchdb ignores it and holds the request
		// until a change comes, so the engine ends the wait itself and asks again.
		const timeoutMs = this.options.pollTimeoutMs ?? 10_000;
		const timer = setTimeout(() => this.abort?.abort(), timeoutMs + 2_000);
		try {
			const response = await this.store.fetch(`/${DB.INTAKE}/_changes?${query}`, { signal: this.abort.signal });
			if (!response.ok) throw new Error(`intake feed answered ${response.status}`);
			return (await response.json()) as { results: Change[]; last_seq: string | number };
		} catch (error) {
			if (this.running && this.abort.signal.aborted) return { results: [], last_seq: since };
			throw error;
		} finally {
			clearTimeout(timer);
		}
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
		const actions = inDeviceOrder(
			changes.flatMap((c) => (c.doc && !c.deleted && c.doc.type === DOC_TYPES.ACTION && !c.id.startsWith('_design/') ? [c.doc] : []))
		);
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
				if (current.applied.includes(action._id)) effects.push(...collectEffects(this.options.rules, action, current));
				continue;
			}
			const outcome = this.decide(action, current, catalogue, reserve);
			audits.push(caseAuditEntry(action, current, outcome, processedAt));
			const at = action.received_at ?? new Date().toISOString();
			if (outcome.kind === 'applied') {
				if (outcome.after.ref && !outcome.after.ref_seal) outcome.after.ref_seal = this.references.seal(outcome.after.ref, outcome.after.case_key);
				cases.set(id, outcome.after);
				changed.add(id);
				touched.add(id);
				if (hasFiles(action) || action.kind === 'transfer') withFiles.push(action);
				effects.push(...collectEffects(this.options.rules, action, outcome.after));
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
			if (action.author?.user_id) {
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
		await this.saveCases([...changed].map((id) => cases.get(id)!));
		const projections = [...touched].flatMap((id) => projectCase(cases.get(id)!).writes);
		const saved = [...touched].map((id) => cases.get(id)!);
		return async () => {
			// Projections and the sinks (the dashboard's counters) both follow the saved cases and
			// are idempotent, so they are written side by side; the checkpoint waits for both.
			await Promise.all([
				attachmentWrites(this.store, withFiles, cases).then((files) => writeProjections(this.store, [...projections, ...files, ...extra])),
				...(this.options.sinks ?? []).map((sink) => sink.casesSaved(saved))
			]);
			if (deadLetters.length > 0) await this.saveDeadLetters(deadLetters);
			// Their refusals are durable now (audit in the head, rejections just above).
			await removeRefusedActions(this.store, refused);
			// Effects (the rating SMS) only once the reply has reached the citizen's database.
			if (effects.length > 0 && this.options.onEffects) await this.options.onEffects(effects);
		};
	}

	private decide(
		action: ActionDoc,
		current: CaseDoc | null,
		catalogue: Catalogue,
		reserve: ReturnType<ReferenceCounters['begin']>
	): Outcome {
		let lastError = '';
		for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
			const work: Work = {
				action,
				before: current,
				after: current ? structuredClone(current) : null,
				at: new Date(action.received_at ?? Date.now())
			};
			try {
				runRules(this.options.rules, work, { catalogue, reference: (at) => reserve.next(at, action.case_key) });
				if (!work.after) return { kind: 'failed', error: 'no case after the rules ran' };
				return { kind: 'applied', after: work.after };
			} catch (error) {
				if (error instanceof TawasulError) return { kind: 'rejected', code: error.code, fields: error.fields };
				lastError = (error as Error).message;
				log.warn('rule failed', { action_id: action._id, attempt, error: lastError });
			}
		}
		return { kind: 'failed', error: lastError };
	}

	private async loadCases(actions: ActionDoc[]): Promise<Map<string, CaseDoc>> {
		const keys = [...new Set(actions.map((a) => caseDocId(a.case_key)))];
		const result = await this.store.use<CaseDoc>(DB.CASES).fetch({ keys });
		const cases = new Map<string, CaseDoc>();
		for (const row of result.rows) {
			if ('doc' in row && row.doc) cases.set(row.doc._id, row.doc as CaseDoc);
		}
		return cases;
	}

	private async saveCases(docs: CaseDoc[]): Promise<void> {
		if (docs.length === 0) return;
		const result = await this.store.use<CaseDoc>(DB.CASES).bulk({ docs });
		const failed = result.filter((r) => r.error);
		if (failed.length > 0) throw new Error(`saving cases failed: ${failed[0].id} ${failed[0].error}`);
	}

	private async saveDeadLetters(docs: Record<string, unknown>[]): Promise<void> {
		await this.store.ensureDb(DB.ENGINE);
		// A dead letter already there (a replay) answers with a conflict: that is fine.
		await this.store.use(DB.ENGINE).bulk({ docs });
	}
}

/** Replication does not keep the order of documents inside one upload, so actions that
 * arrived together (same `received_at`) are put back in the order the device made them.
 * Across uploads the server's order of arrival decides. */
export function inDeviceOrder(actions: ActionDoc[]): ActionDoc[] {
	return actions
		.map((action, index) => ({ action, index }))
		.sort(
			(a, b) =>
				(a.action.received_at ?? '').localeCompare(b.action.received_at ?? '') ||
				(a.action.client_time ?? '').localeCompare(b.action.client_time ?? '') ||
				a.index - b.index
		)
		.map(({ action }) => action);
}

function yearOf(action: ActionDoc, timeZone: string): number {
	return Number(localDateOf(new Date(action.received_at ?? Date.now()), timeZone).slice(0, 4));
}

function hasFiles(action: ActionDoc): boolean {
	return Object.keys(action._attachments ?? {}).length > 0;
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
