/** Where the benchmarks run: a real CouchDB when COUCHDB_URL is set (the same variable the server
 * reads), else the embedded store. On CouchDB every bench uses databases under its own prefix and
 * drops them afterwards, so a shared node keeps nothing of a run. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../sync-server/src/store.js';

const COUCHDB_URL = process.env.COUCHDB_URL || null;
export const STORE = COUCHDB_URL ? 'couchdb' : 'embedded';

/** A fresh prefix and data folder for one bench. */
export function benchPlace(name: string): { dataDir: string; prefix: string } {
	return {
		dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `tawasul-bench-${name}-`)),
		prefix: COUCHDB_URL ? `bench_${name}_${randomBytes(4).toString('hex')}_` : ''
	};
}

/** The store settings of a bench server (startInProcess) at `place`. */
export function benchServerEnv(place: { dataDir: string; prefix: string }): Record<string, string> {
	return { DATA_DIR: place.dataDir, ...(COUCHDB_URL ? { COUCHDB_URL, COUCHDB_DB_PREFIX: place.prefix } : {}) };
}

export async function openBenchStore(place: { dataDir: string; prefix: string }): Promise<Store> {
	return openStore({ couchdbUrl: COUCHDB_URL, couchdbDbPrefix: place.prefix || undefined, dataDir: place.dataDir });
}

/** Drops the bench's databases (CouchDB) and its data folder. */
export async function removeBenchPlace(place: { dataDir: string; prefix: string }): Promise<void> {
	if (COUCHDB_URL && place.prefix) {
		const store = await openStore({ couchdbUrl: COUCHDB_URL, dataDir: place.dataDir });
		try {
			const names = (await (await store.fetch('/_all_dbs')).json()) as string[];
			for (const name of names.filter((n) => n.startsWith(place.prefix))) await store.dropDb(name);
		} finally {
			await store.close();
		}
	}
	fs.rmSync(place.dataDir, { recursive: true, force: true });
}
