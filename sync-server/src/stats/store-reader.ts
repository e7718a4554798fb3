/** The `stats` reader on the server (nano). A dashboard device reads its PouchDB replica with the
 * same call: `db.allDocs({ startkey: first, endkey: last, include_docs: true })`. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import { STATS_DB, STATS_DOC_TYPE, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import type { StatsReader } from '../../../src/lib/domain/stats/query.js';

export function storeReader(store: Store): StatsReader {
	return {
		async range(first, last) {
			const result = await store.use<StatsDoc>(STATS_DB).list({ startkey: first, endkey: last, include_docs: true });
			return result.rows.flatMap((row) => (row.doc?.type === STATS_DOC_TYPE ? [row.doc as StatsDoc] : []));
		}
	};
}

/** Entity names from `config`, for the report's rows. */
export async function entityNames(store: Store): Promise<Map<string, { name_ar: string; name_en: string }>> {
	const all = await store.use<{ type?: string; entity_id?: string; name_ar?: string; name_en?: string }>(DB.CONFIG).list({
		include_docs: true,
		startkey: 'entity:',
		endkey: 'entity:\uffff'
	});
	const names = new Map<string, { name_ar: string; name_en: string }>();
	for (const row of all.rows) {
		const doc = row.doc;
		if (doc?.type === 'entity' && doc.entity_id) names.set(doc.entity_id, { name_ar: doc.name_ar ?? '', name_en: doc.name_en ?? '' });
	}
	return names;
}
