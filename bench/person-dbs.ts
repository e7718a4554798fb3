/** What per-person databases cost (issue 11, "sizing a country"): 10,000 empty person databases
 * created as sign-ins create them (`ensureDb('u_<id>')`, eight at a time), then
 * - store.person_db_create_per_s: databases created per second;
 * - store.person_db_bytes: disk bytes per empty person database — on CouchDB the sum of each
 *   database's `sizes.file` (every shard file), on the embedded store the data folder's growth.
 * docs/operations.md turns these into what a million citizens need. */
import fs from 'node:fs';
import path from 'node:path';
import { forEachLimited } from '../sync-server/src/engine/attachments.js';
import type { Store } from '../sync-server/src/store.js';
import { emit } from './emit.js';
import { benchPlace, openBenchStore, removeBenchPlace } from './store.js';

const DATABASES = Number(process.env.BENCH_PERSON_DBS ?? 10_000);
const PARALLEL = 8;

function folderBytes(folder: string): number {
	let total = 0;
	for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
		const full = path.join(folder, entry.name);
		total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
	}
	return total;
}

async function fileBytes(store: Store, names: string[]): Promise<number> {
	let total = 0;
	await forEachLimited(names, PARALLEL, async (name) => {
		const info = (await (await store.fetch(`/${name}`)).json()) as { sizes?: { file?: number } };
		total += info.sizes?.file ?? 0;
	});
	return total;
}

export async function benchPersonDbs(): Promise<void> {
	const place = benchPlace('persons');
	const store = await openBenchStore(place);
	try {
		const names = Array.from({ length: DATABASES }, (_, i) => `u_cbench${String(i).padStart(7, '0')}`);
		const before = store.embedded ? folderBytes(place.dataDir) : 0;
		const start = performance.now();
		await forEachLimited(names, PARALLEL, (name) => store.ensureDb(name));
		const seconds = (performance.now() - start) / 1000;
		emit({ name: 'store.person_db_create_per_s', value: Math.round(DATABASES / seconds), unit: 'databases/s', databases: DATABASES, parallel: PARALLEL });
		// The embedded store writes its folders lazily: give it a moment before measuring.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const bytes = store.embedded ? folderBytes(place.dataDir) - before : await fileBytes(store, names);
		emit({ name: 'store.person_db_bytes', value: Math.round(bytes / DATABASES), unit: 'bytes', databases: DATABASES, million_citizens_gb: Number((((bytes / DATABASES) * 1e6) / 1e9).toFixed(1)) });
	} finally {
		await store.close();
		await removeBenchPlace(place);
	}
}
