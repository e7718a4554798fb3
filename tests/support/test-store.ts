/** For specs: a throw-away embedded store in a temporary directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setLogLevel } from '../../sync-server/src/log.js';
import { openStore, type Store } from '../../sync-server/src/store.js';

export async function openTestStore(): Promise<{ store: Store; close: () => Promise<void> }> {
	setLogLevel('silent');
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-test-'));
	const store = await openStore({ couchdbUrl: null, dataDir });
	return {
		store,
		async close() {
			await store.close();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-03-01T08:00:00Z')) {
	let current = start;
	return {
		now: () => current,
		advance(ms: number) {
			current += ms;
		}
	};
}
