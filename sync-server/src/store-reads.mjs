// Faster reads for the embedded store's LevelDB databases, with the answers CouchDB and PouchDB
// give, through PouchDB's public API only: the database's own `allDocs` is wrapped, as
// express-pouchdb's database wrappers (validation, security) wrap it.
//
// 1. `_all_docs` with `keys`: PouchDB's LevelDB adapter runs one range scan per key (an iterator
//    made, advanced and closed in LevelDB for each), several times the cost of a direct lookup.
//    Here each key is one `get`; a deleted document, whose row carries the deletion's revision,
//    is asked of PouchDB's own `allDocs` by itself, and every option this does not handle goes
//    to PouchDB's query whole.
// 2. The design documents' range (`_design/` … `_design0`): pouchdb-validation reads it once per
//    document written, so a `_bulk_docs` of 500 documents read it 500 times at once. Reads that
//    arrive while an identical one is running share its answer. That cannot miss a design
//    document written in between: PouchDB's LevelDB adapter runs a database's writes only after
//    the reads queued before them, and reads queued after a write only once it is done, so the
//    read now running either saw the write or ended before it did.

/** Options of an `_all_docs` by keys answered here. express-pouchdb adds `userCtx` and `secObj`
 * to every query; they only matter with a signed-in user, and then the query goes to PouchDB. */
const KEYS_OPTIONS = new Set(['keys', 'include_docs', 'secObj', 'userCtx']);
const DESIGN_RANGE_OPTIONS = new Set(['startkey', 'endkey', 'include_docs']);

const wrapped = new WeakSet();

function given(opts) {
	return Object.keys(opts).filter((name) => opts[name] !== undefined);
}

function isSimpleKeys(opts) {
	const keys = opts.keys;
	return (
		Array.isArray(keys) &&
		keys.length > 0 &&
		// `_local/` documents are not in `_all_docs` though `get` finds them; PouchDB reads the
		// empty id as no key at all.
		keys.every((key) => typeof key === 'string' && key !== '' && !key.startsWith('_local/')) &&
		given(opts).every((name) => KEYS_OPTIONS.has(name) && name !== 'userCtx')
	);
}

function isDesignRange(opts) {
	return opts.startkey === '_design/' && opts.endkey === '_design0' && given(opts).every((name) => DESIGN_RANGE_OPTIONS.has(name));
}

/** Wraps `allDocs` on one LevelDB-backed PouchDB instance (the one express-pouchdb serves). */
export function fasterReads(db) {
	if (wrapped.has(db)) return db;
	wrapped.add(db);
	const allDocs = db.allDocs;
	const designReads = new Map();
	// PouchDB replays a call made before the database is open through `db.allDocs`, this wrapper
	// itself, which would then wait for the very read it is part of; so the reads here start
	// once the database is open. If it cannot open, PouchDB's own `allDocs` says why.
	const opened = db.info().then(
		() => true,
		() => false
	);

	async function row(key, includeDocs) {
		try {
			const doc = await db.get(key);
			const found = { id: doc._id, key, value: { rev: doc._rev } };
			// `get` marks attachments as stubs, as `_all_docs` does.
			if (includeDocs) found.doc = doc;
			return found;
		} catch (error) {
			if (error?.status !== 404) throw error;
			if (error.reason !== 'deleted') return { key, error: 'not_found' };
			const [deleted] = (await allDocs({ keys: [key], include_docs: includeDocs })).rows;
			// CouchDB gives a deleted document's row `doc: null` only with include_docs; PouchDB always.
			if (!includeDocs) delete deleted.doc;
			return deleted;
		}
	}

	async function byKeys(opts) {
		const includeDocs = Boolean(opts.include_docs);
		const [rows, info] = await Promise.all([Promise.all(opts.keys.map((key) => row(key, includeDocs))), db.info()]);
		return { total_rows: info.doc_count, offset: 0, rows };
	}

	function designRange(opts) {
		const shape = opts.include_docs ? 'docs' : 'ids';
		let work = designReads.get(shape);
		if (!work) {
			work = allDocs({ ...opts }).finally(() => designReads.delete(shape));
			designReads.set(shape, work);
		}
		// Each caller gets its own copy: PouchDB's callers change the rows they receive.
		return work.then((result) => structuredClone(result));
	}

	db.allDocs = function (...args) {
		const [opts, callback] = args;
		if (!opts || typeof opts !== 'object' || (callback !== undefined && typeof callback !== 'function')) return allDocs(...args);
		const read = isSimpleKeys(opts) ? byKeys : isDesignRange(opts) ? designRange : null;
		if (!read) return allDocs(...args);
		const work = opened.then((open) => (open ? read(opts) : allDocs(opts)));
		// As PouchDB's own methods do: the callback is called and the promise returned, so a call
		// replayed once the database is ready (PouchDB passes its own callback then) settles both.
		if (callback) work.then((result) => callback(null, result), callback);
		return work;
	};
	return db;
}
