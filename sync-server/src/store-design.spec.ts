import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDesignDoc } from './store-design.js';
import { openStore, type Store } from './store.js';

let stores: Store[];

beforeAll(async () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-design-'));
	const first = await openStore({ couchdbUrl: null, dataDir });
	// Several instances are several Store objects on one store.
	stores = [first, ...Array.from({ length: 3 }, () => ({ ...first }))];
});

afterAll(async () => {
	await stores?.[0].close();
});

const VIEWS = (n: number) => ({ views: { by_n: { map: `function (doc) { emit(${n}); }` } } });

describe('design documents the server owns', () => {
	it('is written once by instances racing for it, and holds what they asked for', async () => {
		await Promise.all(stores.map((s) => ensureDesignDoc(s, 'design_race', '_design/t', VIEWS(1))));
		const doc = await stores[0].use<{ views?: unknown }>('design_race').get('_design/t');
		expect(doc.views).toEqual(VIEWS(1).views);
		expect(doc._rev).toMatch(/^1-/);
	});

	it('brings an older version up to date, and leaves an up-to-date one alone', async () => {
		await ensureDesignDoc(stores[0], 'design_update', '_design/t', VIEWS(1));
		await ensureDesignDoc(stores[1], 'design_update', '_design/t', VIEWS(2));
		const updated = await stores[0].use<{ views?: unknown }>('design_update').get('_design/t');
		expect(updated.views).toEqual(VIEWS(2).views);
		expect(updated._rev).toMatch(/^2-/);
		await ensureDesignDoc(stores[2], 'design_update', '_design/t', VIEWS(2));
		expect((await stores[0].use<{ views?: unknown }>('design_update').get('_design/t'))._rev).toBe(updated._rev);
	});
});
