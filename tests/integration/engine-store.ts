/** For a test file that drives the rules engine without a server: before its tests, a store of
 * this lane in a fresh folder, seeded without demo data, with the intake design the engine reads;
 * after them, the store closed and the folder removed. */
import fs from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { installIntakeDesign } from '../../sync-server/src/gate/gate.js';
import { seedStore } from '../../sync-server/src/seed/seed.js';
import type { Store } from '../../sync-server/src/store.js';
import { openLaneStore, tempDir } from './harness.js';

export function seededEngineStore(prefix: string): { readonly store: Store } {
	let dataDir: string | null = null;
	let store: Store | null = null;
	beforeAll(async () => {
		dataDir = tempDir(prefix);
		store = await openLaneStore(dataDir);
		await seedStore(store, { demo: false });
		await installIntakeDesign(store);
	});
	afterAll(async () => {
		await store?.close();
		if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
	});
	return {
		get store(): Store {
			if (!store) throw new Error('the store opens in beforeAll, before the tests');
			return store;
		}
	};
}
