import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../store.js';
import { withRevision, type Projection } from './projections.js';
import { writeProjections } from './writer.js';

let store: Store;

beforeAll(async () => {
	store = await openStore({ couchdbUrl: null, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-writer-')) });
});

afterAll(async () => {
	await store?.close();
});

function projections(tag: string, version: number): Projection[] {
	const doc = { _id: `case:${tag}`, version };
	return ['u_writer1', 'u_writer2', 'e_writer'].map((db) => ({ db, doc: withRevision(doc, db, version) }));
}

async function revs(tag: string): Promise<string[]> {
	return Promise.all(['u_writer1', 'u_writer2', 'e_writer'].map(async (db) => (await store.use(db).get(`case:${tag}`))._rev));
}

describe('writeProjections on the embedded store', () => {
	it('takes a batch in one request, or one _bulk_docs per database as on CouchDB, with the same result', async () => {
		const calls = vi.spyOn(store, 'fetch');
		await writeProjections(store, projections('one', 1));
		expect(calls.mock.calls.map(([p]) => p)).toEqual(['/_tawasul_projections']);
		calls.mockClear();
		await writeProjections(store, projections('each', 1), { perDatabase: true });
		expect(calls.mock.calls.map(([p]) => p).sort()).toEqual(['/e_writer/_bulk_docs', '/u_writer1/_bulk_docs', '/u_writer2/_bulk_docs']);
		calls.mockRestore();
		expect(await revs('one')).toEqual(projections('one', 1).map((p) => p.doc._rev));
		expect(await revs('each')).toEqual(projections('each', 1).map((p) => p.doc._rev));
	});

	it('writes nothing new on a replay and extends the same branch with a newer version, either way', async () => {
		for (const perDatabase of [false, true]) {
			const tag = `replay-${perDatabase}`;
			await writeProjections(store, projections(tag, 1), { perDatabase });
			await writeProjections(store, projections(tag, 1), { perDatabase });
			await writeProjections(store, projections(tag, 2), { perDatabase });
			expect(await revs(tag)).toEqual(projections(tag, 2).map((p) => p.doc._rev));
			const info = await store.use('u_writer1').get(`case:${tag}`, { conflicts: true });
			expect(info._conflicts).toBeUndefined();
		}
	});
});
