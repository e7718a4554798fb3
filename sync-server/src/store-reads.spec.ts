import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fasterReads } from './store-reads.mjs';
import { openStore, type Store } from './store.js';
import { setLogLevel } from './log.js';
import { openTestStore } from '../../tests/support/test-store.js';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb') as { defaults(opts: object): new (name: string) => Db };

interface Db {
	allDocs(opts: object): Promise<{ total_rows: number; offset: number; rows: unknown[] }>;
	allDocs(opts: object, callback: (error: unknown, result?: unknown) => void): void;
	bulkDocs(docs: object[], opts?: object): Promise<{ id: string; rev?: string; error?: string }[]>;
	put(doc: object): Promise<{ rev: string }>;
	get(id: string): Promise<{ _rev: string }>;
	remove(doc: object): Promise<unknown>;
	putAttachment(id: string, name: string, rev: string, data: Buffer, type: string): Promise<unknown>;
	close(): Promise<void>;
}

const VALIDATE = `function (doc) { if (doc.refuse) throw({ forbidden: 'refused: ' + doc._id }); }`;

describe('fasterReads: _all_docs by keys answers as PouchDB does', () => {
	let dir: string;
	let plain: Db;
	let fast: Db;

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-reads-'));
		const Local = PouchDB.defaults({ prefix: dir + '/' });
		plain = new Local('reads');
		fast = fasterReads(new Local('reads'));
		await plain.bulkDocs([
			{ _id: 'a', n: 1 },
			{ _id: 'b', n: 2 },
			{ _id: 'gone', n: 3 },
			{ _id: 'with-file', n: 4 },
			{ _id: '_design/x', validate_doc_update: 'function () {}' },
			{ _id: '_local/here', n: 5 }
		]);
		await plain.remove(await plain.get('gone'));
		const file = await plain.get('with-file');
		await plain.putAttachment('with-file', 'note.txt', file._rev, Buffer.from('hello'), 'text/plain');
		// Two branches of one document.
		await plain.bulkDocs(
			[
				{ _id: 'split', _rev: '1-aaa', side: 'left' },
				{ _id: 'split', _rev: '1-bbb', side: 'right' }
			],
			{ new_edits: false }
		);
	});

	afterAll(async () => {
		// Both instances share one LevelDB store: closing one closes it.
		await plain?.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	// express-pouchdb adds the signed-in user and the security object to every query.
	const asServed = { userCtx: undefined, secObj: { admins: {}, members: {} } };
	const queries: [string, object][] = [
		['ids only', { keys: ['a', 'b'] }],
		['as express-pouchdb asks', { keys: ['b', 'gone', 'nope'], include_docs: true, ...asServed }],
		['documents', { keys: ['b', 'a'], include_docs: true }],
		['missing keys', { keys: ['nope', 'a', 'zzz'], include_docs: true }],
		['a deleted document', { keys: ['gone', 'a'], include_docs: true }],
		['attachment stubs', { keys: ['with-file'], include_docs: true }],
		['the same key twice', { keys: ['a', 'a', 'gone', 'gone'], include_docs: true }],
		['a design document', { keys: ['_design/x'], include_docs: true }],
		['a local document', { keys: ['_local/here', 'a'], include_docs: true }],
		['conflicts (handed to PouchDB)', { keys: ['split'], include_docs: true, conflicts: true }],
		['two branches, winner only', { keys: ['split'], include_docs: true }],
		['skip and limit', { keys: ['a', 'b', 'gone', 'nope'], skip: 1, limit: 2 }],
		['descending', { keys: ['a', 'b'], descending: true, include_docs: true }],
		['a signed-in user', { keys: ['a'], userCtx: { name: 'x', roles: ['_admin'] } }],
		['no keys', { keys: [] }],
		['design documents', { startkey: '_design/', endkey: '_design0', include_docs: true }],
		['design document ids', { startkey: '_design/', endkey: '_design0' }]
	];
	for (const [name, opts] of queries) {
		it(name, async () => {
			expect(await fast.allDocs(structuredClone(opts))).toEqual(await plain.allDocs(structuredClone(opts)));
		});
	}

	it('a deleted document without include_docs: the row CouchDB gives, without the doc: null PouchDB adds', async () => {
		const answer = await plain.allDocs({ keys: ['gone', 'a'] });
		const [deleted] = answer.rows as { doc?: null }[];
		expect(deleted).toHaveProperty('doc', null);
		delete deleted?.doc;
		expect(await fast.allDocs({ keys: ['gone', 'a'] })).toEqual(answer);
	});

	it('reads asked before the database is open', async () => {
		const Local = PouchDB.defaults({ prefix: dir + '/' });
		const early = fasterReads(new Local('early'));
		const range = { startkey: '_design/', endkey: '_design0', include_docs: true };
		const [designs, byKey] = await Promise.all([early.allDocs({ ...range }), early.allDocs({ keys: ['a'] })]);
		expect(designs).toEqual({ total_rows: 0, offset: 0, rows: [] });
		expect(byKey).toEqual({ total_rows: 0, offset: 0, rows: [{ key: 'a', error: 'not_found' }] });
		await early.close();
	});

	it('answers a callback as PouchDB does', async () => {
		const answer = await new Promise((resolve, reject) => {
			fast.allDocs({ keys: ['a', 'nope'] }, (error, result) => (error ? reject(error as Error) : resolve(result)));
		});
		expect(answer).toEqual(await plain.allDocs({ keys: ['a', 'nope'] }));
	});

	it('refuses what PouchDB refuses', async () => {
		await expect(fast.allDocs({ keys: 'a' })).rejects.toThrow();
		await expect(fast.allDocs({ keys: ['a'], startkey: 'a' })).rejects.toThrow();
	});

	it('concurrent reads of the design documents share one read and still see a design document written before they were asked', async () => {
		const range = { startkey: '_design/', endkey: '_design0', include_docs: true };
		const first = await Promise.all(Array.from({ length: 50 }, () => fast.allDocs({ ...range })));
		expect(new Set(first.map((r) => r.rows.length))).toEqual(new Set([1]));
		await fast.put({ _id: '_design/y', validate_doc_update: 'function () {}' });
		const after = await Promise.all(Array.from({ length: 50 }, () => fast.allDocs({ ...range })));
		expect(new Set(after.map((r) => r.rows.length))).toEqual(new Set([2]));
		// Each caller gets rows of its own to change.
		(after[0].rows[0] as { doc: { changed?: boolean } }).doc.changed = true;
		expect((after[1].rows[0] as { doc: { changed?: boolean } }).doc.changed).toBeUndefined();
	});
});

interface Row {
	id?: string;
	key: string;
	value?: { rev: string; deleted?: true };
	doc?: Record<string, unknown> | null;
	error?: string;
}
interface AllDocs {
	total_rows: number;
	offset: number | null;
	rows: Row[];
}

/** The same requests on the embedded store (express-pouchdb with these reads), and on Apache
 * CouchDB when TAWASUL_TEST_COUCHDB names one: each answer is checked against the rules of
 * CouchDB's documentation for `POST /{db}/_all_docs` and `POST /{db}/_bulk_docs`. */
const lanes: [string, () => Promise<{ store: Store; close: () => Promise<void> }>][] = [['embedded', openTestStore]];
const couchdb = process.env.TAWASUL_TEST_COUCHDB;
if (couchdb) {
	lanes.push([
		'couchdb',
		async () => {
			const store = await openStore({ couchdbUrl: couchdb, dataDir: os.tmpdir(), couchdbDbPrefix: `t${randomBytes(6).toString('hex')}_` });
			return { store, close: () => store.dropDb('reads') };
		}
	]);
}

describe.each(lanes)('_all_docs by keys and validated _bulk_docs over HTTP (%s)', (lane, open) => {
	let store: Store;
	let close: () => Promise<void>;
	const revs = new Map<string, string>();

	async function json<T>(requestPath: string, init?: RequestInit): Promise<{ status: number; body: T }> {
		const response = await store.fetch(requestPath, init);
		return { status: response.status, body: (await response.json()) as T };
	}
	const post = <T>(requestPath: string, body: object) => json<T>(requestPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const byKeys = (keys: string[], includeDocs = false) => post<AllDocs>(`/reads/_all_docs${includeDocs ? '?include_docs=true' : ''}`, { keys });

	beforeAll(async () => {
		setLogLevel('silent');
		({ store, close } = await open());
		await store.ensureDb('reads');
		const written = await post<{ id: string; rev: string }[]>('/reads/_bulk_docs', {
			docs: [
				{ _id: 'a', n: 1 },
				{ _id: 'b', n: 2 },
				{ _id: 'gone', n: 3 },
				{ _id: '_design/rules', validate_doc_update: VALIDATE }
			]
		});
		for (const { id, rev } of written.body) revs.set(id, rev);
		const removed = await json<{ rev: string }>(`/reads/gone?rev=${revs.get('gone') ?? ''}`, { method: 'DELETE' });
		revs.set('gone', removed.body.rev);
		const attached = await json<{ rev: string }>('/reads/with-file', {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ n: 4, _attachments: { 'note.txt': { content_type: 'text/plain', data: Buffer.from('hello').toString('base64') } } })
		});
		revs.set('with-file', attached.body.rev);
	});

	afterAll(async () => {
		await close();
	});

	const rev = (id: string) => revs.get(id) ?? '';

	it('a present document: id, key and its revision; the document with include_docs', async () => {
		const { status, body } = await byKeys(['b', 'a'], true);
		expect(status).toBe(200);
		// The documentation's example says 0, as PouchDB does; Apache CouchDB 3 answers null.
		expect(body.offset).toBe(lane === 'couchdb' ? null : 0);
		expect(body.total_rows).toBe(4);
		expect(body.rows).toEqual([
			{ id: 'b', key: 'b', value: { rev: rev('b') }, doc: { _id: 'b', _rev: rev('b'), n: 2 } },
			{ id: 'a', key: 'a', value: { rev: rev('a') }, doc: { _id: 'a', _rev: rev('a'), n: 1 } }
		]);
		expect((await byKeys(['a'])).body.rows).toEqual([{ id: 'a', key: 'a', value: { rev: rev('a') } }]);
	});

	it('a missing document: its key and not_found', async () => {
		const { body } = await byKeys(['nope', 'a'], true);
		expect(body.rows[0]).toEqual({ key: 'nope', error: 'not_found' });
		expect(body.rows[1]?.id).toBe('a');
	});

	it('a deleted document: the deletion revision, deleted true, and a null document', async () => {
		expect((await byKeys(['gone'])).body.rows).toEqual([{ id: 'gone', key: 'gone', value: { rev: rev('gone'), deleted: true } }]);
		expect((await byKeys(['gone'], true)).body.rows).toEqual([{ id: 'gone', key: 'gone', value: { rev: rev('gone'), deleted: true }, doc: null }]);
	});

	it('a design document by its id', async () => {
		const { body } = await byKeys(['_design/rules'], true);
		expect(body.rows).toEqual([
			{ id: '_design/rules', key: '_design/rules', value: { rev: rev('_design/rules') }, doc: { _id: '_design/rules', _rev: rev('_design/rules'), validate_doc_update: VALIDATE } }
		]);
	});

	it('include_docs with an attachment: a stub, not its data', async () => {
		const { body } = await byKeys(['with-file'], true);
		const attachment = (body.rows[0]?.doc?._attachments as Record<string, Record<string, unknown>> | undefined)?.['note.txt'];
		expect(attachment).toMatchObject({ content_type: 'text/plain', length: 5, stub: true });
		expect(attachment?.digest).toMatch(/^md5-/);
		expect(attachment).not.toHaveProperty('data');
	});

	it('the same key twice: one row for each', async () => {
		const { body } = await byKeys(['a', 'nope', 'a', 'nope'], true);
		expect(body.rows.map((r) => r.id ?? r.error)).toEqual(['a', 'not_found', 'a', 'not_found']);
		expect(body.rows[2]).toEqual(body.rows[0]);
	});

	it('GET with keys in the query answers as POST does', async () => {
		const keys = ['a', 'gone', 'nope'];
		const got = await json<AllDocs>(`/reads/_all_docs?include_docs=true&keys=${encodeURIComponent(JSON.stringify(keys))}`);
		expect(got.status).toBe(200);
		expect(got.body).toEqual((await byKeys(keys, true)).body);
	});

	it('a _bulk_docs of 500 documents is still validated by validate_doc_update', async () => {
		const docs = Array.from({ length: 500 }, (_, i) => ({ _id: `bulk-${String(i).padStart(3, '0')}`, refuse: i % 100 === 7 }));
		const { status, body } = await post<{ id: string; rev?: string; error?: string; reason?: string }[]>('/reads/_bulk_docs', { docs });
		expect(status).toBe(201);
		expect(body).toHaveLength(500);
		const refused = body.filter((r) => r.error).sort((x, y) => x.id.localeCompare(y.id));
		expect(refused).toEqual([7, 107, 207, 307, 407].map((i) => ({ id: `bulk-${String(i).padStart(3, '0')}`, error: 'forbidden', reason: `refused: bulk-${String(i).padStart(3, '0')}` })));
		expect(body.filter((r) => r.rev)).toHaveLength(495);
		const read = await byKeys(['bulk-006', 'bulk-007']);
		expect(read.body.rows.map((r) => r.id ?? r.error)).toEqual(['bulk-006', 'not_found']);
		const one = await json<{ error: string; reason: string }>('/reads/single', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refuse: true }) });
		expect(one).toEqual({ status: 403, body: { error: 'forbidden', reason: 'refused: single' } });
	});
});
