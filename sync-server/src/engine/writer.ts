/** Writes projection documents: one `_bulk_docs` with `new_edits: false` per database,
 * creating a person's or entity's database the first time it has something to receive. */
import type { Store } from '../store.js';
import { forEachLimited } from './attachments.js';
import type { Projection } from './projections.js';

const PARALLEL_DATABASES = 8;

export async function writeProjections(store: Store, projections: Projection[]): Promise<void> {
	const byDb = new Map<string, Projection['doc'][]>();
	for (const { db, doc } of projections) {
		const docs = byDb.get(db) ?? [];
		docs.push(doc);
		byDb.set(db, docs);
	}
	await forEachLimited([...byDb.entries()], PARALLEL_DATABASES, async ([db, docs]) => {
		await store.ensureDb(db);
		const response = await store.fetch(`/${encodeURIComponent(db)}/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs, new_edits: false })
		});
		if (!response.ok) throw new Error(`writing projections to ${db} answered ${response.status}`);
		const results = (await response.json()) as { id: string; error?: string; reason?: string }[];
		const failed = results.find((r) => r.error);
		if (failed) throw new Error(`projection ${failed.id} in ${db}: ${failed.error}`);
	});
}
