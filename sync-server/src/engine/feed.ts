/** Reading `intake` for the engine, bounded by bytes as well as by count. The feed with its
 * documents is read as a stream and used when it fits the batch's byte budget; otherwise it is
 * read again without documents (a row is a few dozen bytes whatever the action holds) and the
 * documents are fetched in feed order until the budget is spent. Several multi-megabyte
 * actions in one `include_docs` feed once made every batch fail with `Invalid string length`
 * for ever (issue 10); now a batch ends before the action that would not fit, and an action that
 * alone exceeds the budget is set aside without being read. Only the CouchDB API is used
 * (`_changes`, `_all_docs`, `_find`), so it holds on CouchDB and the embedded store alike. */
import type { ActionDoc } from '../../../src/lib/domain/doc-types.js';
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

interface FeedRow {
	seq: string | number;
	id: string;
	deleted?: boolean;
}

export interface Change extends FeedRow {
	doc?: ActionDoc;
}

interface FeedPage {
	rows: FeedRow[];
	last_seq: string | number;
}

/** One page of the feed, ids and positions only. */
async function readChanges(store: Store, query: { since: string | number; limit: number }, signal: AbortSignal): Promise<FeedPage> {
	const params = new URLSearchParams({ since: String(query.since), limit: String(query.limit), feed: 'normal' });
	const response = await store.fetch(`/${DB.INTAKE}/_changes?${params}`, { signal });
	if (!response.ok) throw new Error(`intake feed answered ${response.status}`);
	const body = (await response.json()) as { results: FeedRow[]; last_seq: string | number };
	return { rows: body.results.map(({ seq, id, deleted }) => ({ seq, id, ...(deleted ? { deleted } : {}) })), last_seq: body.last_seq };
}

export interface BoundedBatch {
	/** The first `changes.length` rows of the page, with their documents. */
	changes: Change[];
	/** Where the batch ends in the feed: the page's last_seq when every row fitted. */
	last_seq: string | number;
	/** The first row alone is larger than the whole budget: it was not read. */
	oversized: FeedRow | null;
	/** The feed with documents did not fit: large actions are about, read the next without them. */
	overflowed?: boolean;
}

/** The longest prefix of the page whose documents fit in `budget` bytes. */
async function fetchBounded(store: Store, page: FeedPage, budget: number): Promise<BoundedBatch> {
	const { docs, count } = await fetchPrefix(store, page.rows, budget);
	if (page.rows.length > 0 && count === 0) return { changes: [], last_seq: page.rows[0].seq, oversized: page.rows[0], overflowed: true };
	const changes = page.rows.slice(0, count).map((row) => {
		const doc = docs.get(row.id);
		return doc && !row.deleted ? { ...row, doc } : row;
	});
	return { changes, last_seq: count === page.rows.length ? page.last_seq : page.rows[count - 1].seq, oversized: null, overflowed: count < page.rows.length };
}

/** Fetches documents in feed order in groups that double while they fit (1, 2, 4…) and halve
 * when one does not: an oversized action at the front costs one small request, and a batch of
 * small actions a handful. Only the first, ids-only feed read is needed to get here, which
 * happens only after a feed with documents did not fit the budget. */
async function fetchPrefix(store: Store, rows: FeedRow[], budget: number): Promise<{ docs: Map<string, ActionDoc>; count: number }> {
	const docs = new Map<string, ActionDoc>();
	let count = 0;
	let bytes = 0;
	let size = 1;
	while (count < rows.length) {
		const group = rows.slice(count, count + size);
		const got = await fetchDocs(
			store,
			group.map((r) => r.id),
			budget - bytes
		);
		if (got) {
			for (const [id, doc] of got.docs) docs.set(id, doc);
			count += group.length;
			bytes += got.bytes;
			size *= 2;
		} else if (group.length === 1) {
			break;
		} else {
			size = Math.floor(group.length / 2);
		}
	}
	return { docs, count };
}

/** `_all_docs` with the documents, abandoned as soon as it passes `budget`. */
async function fetchDocs(store: Store, ids: string[], budget: number): Promise<{ docs: Map<string, ActionDoc>; bytes: number } | null> {
	if (budget <= 0) return null;
	const abort = new AbortController();
	const response = await store.fetch(`/${DB.INTAKE}/_all_docs?include_docs=true`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ keys: [...new Set(ids)] }),
		signal: abort.signal
	});
	if (!response.ok) throw new Error(`reading intake answered ${response.status}`);
	const read = await readCapped(response, budget, abort);
	if (!read) return null;
	const body = JSON.parse(read.text) as { rows: { key: string; doc?: ActionDoc | null }[] };
	const docs = new Map<string, ActionDoc>();
	for (const row of body.rows) if (row.doc) docs.set(row.key, row.doc);
	return { docs, bytes: read.bytes };
}

/** A response body as text, or null (and the request abandoned) once it passes `cap` bytes:
 * nothing larger is ever held in memory or turned into one string. */
async function readCapped(response: Response, cap: number, abort: AbortController): Promise<{ text: string; bytes: number } | null> {
	if (!response.body) throw new Error('the store sent no body');
	const chunks: Buffer[] = [];
	let bytes = 0;
	const reader = response.body.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			bytes += value.byteLength;
			if (bytes > cap) break;
			chunks.push(Buffer.from(value));
		}
	} catch (error) {
		if (bytes <= cap) throw error;
	}
	if (bytes > cap) {
		// Ends the request, and with it the body, of which nothing more is read.
		abort.abort();
		return null;
	}
	return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}

/** The usual case in one request: the feed with its documents, when it fits in `budget`. When it
 * does not, the feed is read again without documents and they are fetched in a bounded prefix. */
export async function readBounded(store: Store, query: { since: string | number; limit: number; timeoutMs: number }, signal: AbortSignal, budget: number, idsFirst = false): Promise<BoundedBatch> {
	if (idsFirst) return fetchBounded(store, await readChanges(store, query, signal), budget);
	const abort = new AbortController();
	const follow = () => {
		abort.abort();
	};
	signal.addEventListener('abort', follow, { once: true });
	try {
		const params = new URLSearchParams({ since: String(query.since), limit: String(query.limit), include_docs: 'true', feed: 'longpoll', timeout: String(query.timeoutMs) });
		const response = await store.fetch(`/${DB.INTAKE}/_changes?${params}`, { signal: abort.signal });
		if (!response.ok) throw new Error(`intake feed answered ${response.status}`);
		const read = await readCapped(response, budget, abort);
		if (read) {
			const body = JSON.parse(read.text) as { results: Change[]; last_seq: string | number };
			const changes = body.results.map(({ seq, id, deleted, doc }) => (doc && !deleted ? { seq, id, doc } : { seq, id, ...(deleted ? { deleted } : {}) }));
			return { changes, last_seq: body.last_seq, oversized: null };
		}
	} finally {
		signal.removeEventListener('abort', follow);
	}
	if (signal.aborted) throw new Error('feed read aborted');
	// Work is known to be waiting: no long poll this time.
	const page = await readChanges(store, query, signal);
	return fetchBounded(store, page, budget);
}

/** The few fields of an action needed to tell its author it was set aside, without reading the
 * rest of it (the store reads it; this process receives only these fields). */
export async function actionHeader(store: Store, id: string): Promise<Partial<ActionDoc> | null> {
	const response = await store.fetch(`/${DB.INTAKE}/_find`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ selector: { _id: { $eq: id } }, fields: ['_id', 'type', 'kind', 'case_key', 'author', 'received_at'], limit: 1 })
	});
	if (!response.ok) throw new Error(`reading intake answered ${response.status}`);
	const body = (await response.json()) as { docs: Partial<ActionDoc>[] };
	return body.docs[0] ?? null;
}
