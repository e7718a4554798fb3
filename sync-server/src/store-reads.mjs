// Faster reads for the embedded store's LevelDB databases, with the answers CouchDB and PouchDB give.
//
// 1. `_all_docs` with `keys`: PouchDB's LevelDB adapter runs one range scan per key (an iterator
//    made, advanced and closed in LevelDB for each), about seven times the cost of a direct lookup.
//    Here each key is one lookup by id; a deleted document, whose row carries the deletion's
//    revision, and every option this does not handle go to PouchDB's own query.
// 2. The design documents' range (`_design/` … `_design0`): express-pouchdb's validation reads it
//    once per document written, so a `_bulk_docs` of 500 documents scanned it 500 times. Reads
//    that arrive while an identical one is running share its answer. That cannot miss a design
//    document written in between: PouchDB runs a database's writes only after the reads queued
//    before them, so a write that has finished had to wait for the read now running.

const SIMPLE_KEY_OPTIONS = new Set(['keys', 'include_docs', 'skip', 'limit', 'deleted']);

function isDesignRange(opts) {
	return opts.startkey === '_design/' && opts.endkey === '_design0' && Object.keys(opts).every((k) => ['startkey', 'endkey', 'include_docs', 'skip'].includes(k)) && (opts.skip ?? 0) === 0;
}

function call(fn, ...args) {
	return new Promise((resolve, reject) => {
		const returned = fn(...args, (error, result) => (error ? reject(error) : resolve(result)));
		if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
	});
}

/** Replaces `db._allDocs` (the adapter's method, which PouchDB's public `allDocs` calls) on one
 * LevelDB-backed PouchDB instance. */
export function fasterReads(db) {
	if (db.__tawasulFasterReads || typeof db._get !== 'function') return db;
	db.__tawasulFasterReads = true;
	const original = db._allDocs.bind(db);
	const designReads = new Map();

	async function byKeys(opts) {
		const keys = opts.keys;
		const rows = await Promise.all(
			keys.map((key) =>
				call(db._get.bind(db), key, {}).then(
					({ doc, metadata }) => {
						const row = { id: metadata.id, key, value: { rev: doc._rev } };
						if (opts.include_docs) {
							for (const name of Object.keys(doc._attachments ?? {})) doc._attachments[name].stub = true;
							row.doc = doc;
						}
						return row;
					},
					async (error) => {
						if (error?.status !== 404) throw error;
						if (error.reason !== 'deleted' && error.message !== 'deleted') return { key, error: 'not_found' };
						const one = await call(original, { ...opts, keys: [key] });
						return one.rows[0];
					}
				)
			)
		);
		const info = await call(db._info.bind(db));
		return { total_rows: info.doc_count, offset: opts.skip ?? 0, rows };
	}

	db._allDocs = function (opts, callback) {
		let work;
		if ('keys' in opts && Object.keys(opts).every((k) => SIMPLE_KEY_OPTIONS.has(k)) && !opts.skip && opts.limit === undefined && opts.keys.every((k) => typeof k === 'string')) {
			work = byKeys(opts);
		} else if (isDesignRange(opts)) {
			const shape = opts.include_docs ? 'docs' : 'ids';
			work = designReads.get(shape);
			if (!work) {
				work = call(original, opts).finally(() => designReads.delete(shape));
				designReads.set(shape, work);
			}
			// Each caller gets its own copy: PouchDB's callers change the rows they receive.
			work = work.then((result) => structuredClone(result));
		} else {
			return original(opts, callback);
		}
		work.then(
			(result) => callback(null, result),
			(error) => callback(error)
		);
	};
	return db;
}
