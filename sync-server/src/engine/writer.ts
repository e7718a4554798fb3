/** Writes projection documents with `new_edits: false`, creating a person's or entity's
 * database the first time it has something to receive. Against CouchDB: one `_bulk_docs` per
 * database. Against the embedded store: one request for the whole batch (see store-worker.mjs),
 * because a batch touches hundreds of people's databases and the per-request cost of the
 * embedded server, not the writing, dominated. */
import type { Store } from '../store.js';
import { forEachLimited } from './attachments.js';
import type { Projection } from './projections.js';

const PARALLEL_DATABASES = 8;

type BulkResult = { id: string; error?: string; reason?: string };

function check(db: string, results: BulkResult[]): void {
	const failed = results.find((r) => r.error);
	if (failed) throw new Error(`projection ${failed.id} in ${db}: ${failed.error}`);
}

/** `perDatabase` makes the embedded store too take one `_bulk_docs` per database, as CouchDB
 * does: `npm run bench rules` prints the engine's figure both ways. */
export async function writeProjections(store: Store, projections: Projection[], options: { perDatabase?: boolean } = {}): Promise<void> {
	const byDb = new Map<string, Projection['doc'][]>();
	for (const { db, doc } of projections) {
		const docs = byDb.get(db) ?? [];
		docs.push(doc);
		byDb.set(db, docs);
	}
	if (byDb.size === 0) return;
	await forEachLimited([...byDb.keys()], PARALLEL_DATABASES, (db) => store.ensureDb(db));
	if (store.embedded && !options.perDatabase) {
		const response = await store.fetch('/_tawasul_projections', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ dbs: Object.fromEntries(byDb), new_edits: false })
		});
		if (!response.ok) throw new Error(`writing projections answered ${response.status}`);
		const { results } = (await response.json()) as { results: Record<string, BulkResult[]> };
		for (const [db, list] of Object.entries(results)) check(db, list);
		return;
	}
	await forEachLimited([...byDb.entries()], PARALLEL_DATABASES, async ([db, docs]) => {
		const response = await store.fetch(`/${encodeURIComponent(db)}/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs, new_edits: false })
		});
		if (!response.ok) throw new Error(`writing projections to ${db} answered ${response.status}`);
		check(db, (await response.json()) as BulkResult[]);
	});
}
