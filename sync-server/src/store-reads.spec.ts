import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fasterReads } from './store-reads.mjs';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb');

interface Db {
	allDocs(opts: object): Promise<{ total_rows: number; offset: number; rows: unknown[] }>;
	bulkDocs(docs: object[], opts?: object): Promise<{ id: string; rev?: string; error?: string }[]>;
	put(doc: object): Promise<{ rev: string }>;
	get(id: string): Promise<{ _rev: string }>;
	remove(doc: object): Promise<unknown>;
	putAttachment(id: string, name: string, rev: string, data: Buffer, type: string): Promise<unknown>;
	close(): Promise<void>;
	_allDocs: unknown;
}

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
		{ _id: '_design/x', validate_doc_update: 'function () {}' }
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

describe('fasterReads: _all_docs by keys answers as PouchDB does', () => {
	const queries: [string, object][] = [
		['ids only', { keys: ['a', 'b'] }],
		['documents', { keys: ['b', 'a'], include_docs: true }],
		['missing keys', { keys: ['nope', 'a', 'zzz'], include_docs: true }],
		['a deleted document', { keys: ['gone', 'a'], include_docs: true }],
		['attachment stubs', { keys: ['with-file'], include_docs: true }],
		['the same key twice', { keys: ['a', 'a'], include_docs: true }],
		['conflicts (handed to PouchDB)', { keys: ['split'], include_docs: true, conflicts: true }],
		['two branches, winner only', { keys: ['split'], include_docs: true }],
		['skip and limit', { keys: ['a', 'b', 'gone', 'nope'], skip: 1, limit: 2 }],
		['descending', { keys: ['a', 'b'], descending: true, include_docs: true }],
		['no keys', { keys: [] }],
		['design documents', { startkey: '_design/', endkey: '_design0', include_docs: true }]
	];
	for (const [name, opts] of queries) {
		it(name, async () => {
			expect(await fast.allDocs(structuredClone(opts))).toEqual(await plain.allDocs(structuredClone(opts)));
		});
	}

	it('refuses what PouchDB refuses', async () => {
		await expect(fast.allDocs({ keys: 'a' })).rejects.toThrow();
		await expect(fast.allDocs({ keys: ['a'], startkey: 'a' })).rejects.toThrow();
	});
});

describe('fasterReads: concurrent reads of the design documents', () => {
	it('share one read and still see a design document written before they were asked', async () => {
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
