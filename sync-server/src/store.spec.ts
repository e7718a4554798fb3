import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';

let store: Store;

beforeAll(async () => {
	store = await openStore({ couchdbUrl: null, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-store-')) });
});

afterAll(async () => {
	await store?.close();
});

describe('embedded store', () => {
	it('refuses requests without the process secret', async () => {
		const url = new URL(store.url);
		const response = await fetch(`http://${url.host}/_all_dbs`);
		expect(response.status).toBe(401);
	});

	it('keeps serving after an error thrown outside a request inside express-pouchdb', async () => {
		await store.ensureDb('survivor');
		await store.use('survivor').insert({ _id: 'kept', value: 1 });
		// A view filter naming a view that does not exist throws asynchronously inside the store.
		await store.fetch('/survivor/_changes?filter=_view&view=x/y', { signal: AbortSignal.timeout(2000) }).catch(() => null);
		await new Promise((r) => setTimeout(r, 300));
		const doc = await store.use<{ value: number }>('survivor').get('kept');
		expect(doc.value).toBe(1);
	});
});
