// The embedded CouchDB-compatible store (express-pouchdb over LevelDB), run in a worker thread
// so the store and the rules engine use both cores. Plain JavaScript so it loads the same way
// under `node --import tsx`, vitest and a compiled build.
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { fasterReads } from './store-reads.mjs';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb');
const expressPouchDB = require('express-pouchdb');
const express = require('express');

const { dataDir, secret, port } = workerData;
fs.mkdirSync(dataDir, { recursive: true });
const Local = PouchDB.defaults({ prefix: dataDir.replace(/\/?$/, '/') });
const expected = Buffer.from('Basic ' + Buffer.from(`tawasul:${secret}`).toString('base64'));

const app = express();
// Only the server process knows the secret: no other local process reaches the data behind the gate.
app.use((req, res, next) => {
	const given = Buffer.from(req.headers.authorization ?? '');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		res.statusCode = 401;
		res.setHeader('content-type', 'application/json');
		res.end('{"error":"unauthorized","reason":"Name or password is incorrect."}');
		return;
	}
	delete req.headers.authorization;
	next();
});
// Fast path for the per-person and per-entity databases. express-pouchdb checks a request's
// database against the list of all databases and opens databases under one global lock, which
// costs time in proportion to the number of databases on every request; with one database per
// citizen that dominates. Only the server writes these databases (the gate never lets a device
// write them, and they carry no validate_doc_update), so creating them and `_bulk_docs` into them
// go straight to PouchDB here, with the same CouchDB answers. Everything else, and every read,
// goes through express-pouchdb.
const PROJECTION_DB = /^[ue]_[a-z0-9][a-z0-9_-]{0,62}$/;
const open = new Map();
// Filled on first use: allDbs() exists once express-pouchdb has set PouchDB up.
let existing = null;
const known = () => (existing ??= Local.allDbs().then((names) => new Set(names)));
const projectionDb = (name) => {
	let db = open.get(name);
	if (!db) open.set(name, (db = new Local(name)));
	return db;
};
app.put('/:db', (req, res, next) => {
	const name = req.params.db;
	if (!PROJECTION_DB.test(name)) return next();
	known()
		.then(async (dbs) => {
			if (dbs.has(name)) return res.status(412).json({ error: 'file_exists', reason: 'The database could not be created, the file already exists.' });
			await projectionDb(name).info();
			dbs.add(name);
			res.status(201).json({ ok: true });
		})
		.catch(next);
});
app.post('/:db/_bulk_docs', express.json({ limit: '64mb' }), (req, res, next) => {
	const name = req.params.db;
	if (!PROJECTION_DB.test(name)) return next();
	const docs = req.body?.docs;
	if (!Array.isArray(docs)) return res.status(400).json({ error: 'bad_request', reason: 'Missing JSON list of docs' });
	known()
		.then(async (dbs) => {
			if (!dbs.has(name)) return res.status(404).json({ error: 'not_found', reason: 'Database does not exist.' });
			const results = await projectionDb(name).bulkDocs(docs, { new_edits: req.body.new_edits !== false });
			res.status(201).json(results);
		})
		.catch(next);
});

// The rules engine's projections of one batch, for many databases in one request: the same
// writes as one `_bulk_docs` per database, without hundreds of HTTP round trips per batch.
// Embedded store only (sync-server/src/engine/writer.ts uses plain _bulk_docs against CouchDB).
app.post('/_tawasul_projections', express.json({ limit: '512mb' }), (req, res, next) => {
	const dbs = req.body?.dbs;
	if (!dbs || typeof dbs !== 'object' || Array.isArray(dbs)) return res.status(400).json({ error: 'bad_request', reason: 'dbs' });
	const entries = Object.entries(dbs);
	if (entries.some(([name, docs]) => !PROJECTION_DB.test(name) || !Array.isArray(docs))) {
		return res.status(400).json({ error: 'bad_request', reason: 'only u_ and e_ databases, each with a list of docs' });
	}
	known()
		.then(async (existing) => {
			const missing = entries.find(([name]) => !existing.has(name));
			if (missing) return res.status(404).json({ error: 'not_found', reason: `Database ${missing[0]} does not exist.` });
			const newEdits = req.body.new_edits !== false;
			const written = await Promise.all(entries.map(([name, docs]) => projectionDb(name).bulkDocs(docs, { new_edits: newEdits })));
			res.status(201).json({ results: Object.fromEntries(entries.map(([name], i) => [name, written[i]])) });
		})
		.catch(next);
});

const couch = expressPouchDB(Local, {
	mode: 'minimumForPouchDB',
	overrideMode: { include: ['validation', 'routes/find', 'routes/security'] },
	inMemoryConfig: true,
	logPath: `${dataDir}/store.log`
});
couch.dbWrapper.registerWrapper((name, db, next) => {
	fasterReads(db);
	next();
});
app.use(couch);

// express-pouchdb and PouchDB throw some errors outside any request's promise chain (a bad
// _changes filter, for one). Such an error fails that one request; it must not take the store,
// and with it every signed-in person, down.
process.on('uncaughtException', (error) => {
	parentPort.postMessage({ error: String(error?.message ?? error) });
});
app.use((error, req, res, _next) => {
	if (res.headersSent) return res.destroy();
	res.status(500).json({ error: 'internal_server_error', reason: 'The store could not answer this request.' });
});

const server = http.createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
	if (message !== 'close') return;
	server.closeAllConnections();
	server.close(() => parentPort.postMessage({ closed: true }));
});
