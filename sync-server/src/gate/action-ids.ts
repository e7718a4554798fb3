/** Who may use which action id, and how a new action is written so that one id holds one body.
 *
 * Devices name their actions `act:<uuid>`. The server writes some actions itself on a person's
 * behalf (a rating, a reopening through the rating link) under ids it derives, so that repeating a
 * request writes nothing twice; those ids live under `act:srv:`, which the gate refuses from every
 * device (issue 10, finding 3: an agent who pushed a `note` under the id of a citizen's future
 * rating made that rating vanish).
 *
 * A new action is created by the store's own atomic create (`_bulk_docs` with new_edits and no
 * `_rev`): of any number of concurrent writers of one id, CouchDB and PouchDB let exactly one
 * create it and answer the others with a conflict (finding 4: checking for the id first and then
 * writing raced, and `new_edits:false` kept every writer's `1-` revision as a conflict). A
 * conflict is then judged against what is stored: the same body again is an idempotent success,
 * another body is `duplicate_action`. Because the stored revision is the server's, not the
 * device's, the replicator's `_revs_diff` on `intake` is answered from which ids exist, so a
 * device sees its action as delivered and never sends it again. */
import { createHash } from 'node:crypto';
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

const SERVER_ACTION_PREFIX = 'act:srv:';

/** The id of an action the server writes on someone's behalf: fixed by what it is about (e.g.
 * `rate:<reply action id>`), so a repeated request meets the action already written. */
export function serverActionId(seed: string): string {
	return SERVER_ACTION_PREFIX + createHash('sha256').update(seed).digest('hex').slice(0, 40);
}

export function isServerActionId(id: string): boolean {
	return id.startsWith(SERVER_ACTION_PREFIX);
}

export interface WriteResult {
	id: string;
	rev?: string;
	ok?: boolean;
	error?: string;
	reason?: string;
}

type StoredAttachment = { content_type?: string; digest?: string; length?: number; data?: string };
type ActionBody = Record<string, unknown> & { _id: string; _attachments?: Record<string, StoredAttachment> };

/** Fields that differ between two copies of one action without it being another action: the
 * revision bookkeeping and the gate's time of receipt. Files are compared by their digests. */
const NOT_COMPARED = new Set(['_id', '_rev', '_revisions', '_attachments', '_conflicts', 'received_at']);

function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value)
			.filter((k) => (value as Record<string, unknown>)[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value);
}

function fileDigests(files: Record<string, StoredAttachment> | undefined): string {
	const digests = Object.entries(files ?? {})
		.map(([name, file]) => {
			const digest = file.data !== undefined ? `md5-${createHash('md5').update(Buffer.from(file.data, 'base64')).digest('base64')}` : file.digest;
			return `${name}\u0000${file.content_type}\u0000${digest}`;
		})
		.sort();
	return digests.join('\u0001');
}

/** Whether `incoming` (as the gate would write it) is the action `stored` already holds. */
function sameAction(stored: ActionBody, incoming: ActionBody): boolean {
	const body = (doc: ActionBody) => canonical(Object.fromEntries(Object.entries(doc).filter(([k]) => !NOT_COMPARED.has(k))));
	return body(stored) === body(incoming) && fileDigests(stored._attachments) === fileDigests(incoming._attachments);
}

/** Creates each action once. Returns one result per doc, in order: created, the same action
 * already there (ok, with the stored revision), or `duplicate_action`. */
export async function createActions(store: Store, docs: ActionBody[]): Promise<WriteResult[]> {
	if (docs.length === 0) return [];
	const fresh = docs.map((doc) => {
		const copy = { ...doc };
		delete copy._rev;
		delete copy._revisions;
		return copy;
	});
	const response = await store.fetch(`/${DB.INTAKE}/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs: fresh, new_edits: true })
	});
	if (!response.ok) throw new Error(`intake _bulk_docs answered ${response.status}`);
	const written = (await response.json()) as WriteResult[];
	const results: WriteResult[] = fresh.map((doc, i) => written[i] ?? { id: doc._id, error: 'server', reason: 'no answer' });
	// CouchDB answers a second create with a conflict; PouchDB runs intake's validate_doc_update
	// first, which refuses it as "actions are immutable". Either way the stored action decides.
	const clashed = results.flatMap((r, i) => (r.error === 'conflict' || r.error === 'forbidden' ? [i] : []));
	if (clashed.length === 0) return results;
	const stored = await storedActions(
		store,
		clashed.map((i) => fresh[i]._id)
	);
	for (const i of clashed) {
		const existing = stored.get(fresh[i]._id);
		if (!existing) continue;
		results[i] =
			existing !== 'deleted' && sameAction(existing, fresh[i]) ? { id: fresh[i]._id, ok: true, rev: String(existing._rev) } : { id: fresh[i]._id, error: 'forbidden', reason: 'duplicate_action' };
	}
	return results;
}

/** The stored actions of these ids (a removed one as 'deleted'), with file digests. */
async function storedActions(store: Store, ids: string[]): Promise<Map<string, ActionBody | 'deleted'>> {
	const response = await store.fetch(`/${DB.INTAKE}/_all_docs?include_docs=true`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ keys: ids })
	});
	if (!response.ok) throw new Error(`intake _all_docs answered ${response.status}`);
	const { rows } = (await response.json()) as { rows: { key: string; value?: { deleted?: boolean }; doc?: ActionBody | null }[] };
	const found = new Map<string, ActionBody | 'deleted'>();
	for (const row of rows) {
		if (row.value?.deleted) found.set(row.key, 'deleted');
		else if (row.doc) found.set(row.key, row.doc);
	}
	return found;
}

/** Which of these ids `intake` has ever held: 'live', or 'removed' after it was refused. */
export async function idStates(store: Store, ids: string[]): Promise<Map<string, 'live' | 'removed'>> {
	const states = new Map<string, 'live' | 'removed'>();
	if (ids.length === 0) return states;
	const response = await store.fetch(`/${DB.INTAKE}/_all_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ keys: ids })
	});
	if (!response.ok) throw new Error(`intake _all_docs answered ${response.status}`);
	const { rows } = (await response.json()) as { rows: { key: string; value?: { rev: string; deleted?: boolean } }[] };
	for (const row of rows) if (row.value) states.set(row.key, row.value.deleted ? 'removed' : 'live');
	return states;
}

/** The replicator's `_revs_diff` for `intake`: an action whose id is there (whatever its stored
 * revision) is not missing; any other is missing with every revision asked about. Null when the
 * body is not a revs_diff request. */
export async function intakeRevsDiff(store: Store, body: unknown): Promise<Record<string, { missing: string[] }> | null> {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
	const asked = Object.entries(body as Record<string, unknown>);
	if (asked.length > 1000 || asked.some(([, revs]) => !Array.isArray(revs) || revs.some((r) => typeof r !== 'string'))) return null;
	const there = await idStates(
		store,
		asked.map(([id]) => id)
	);
	const answer: Record<string, { missing: string[] }> = {};
	for (const [id, revs] of asked) if (!there.has(id)) answer[id] = { missing: revs as string[] };
	return answer;
}
