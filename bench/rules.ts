/** rules.cases_per_s: 20,000 submissions routed and projected through the real rules engine on
 * the store the bench runs on (COUCHDB_URL, else embedded), against a raw bulk write of the same
 * documents into the same store. A third of them carry a ~300 KB photo, as real ones do, which the
 * engine copies into the citizen's and the entity's databases. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../sync-server/src/store.js';
import { seedStore } from '../sync-server/src/seed/seed.js';
import { RulesEngine } from '../sync-server/src/engine/engine.js';
import { RULES } from '../sync-server/src/rules/index.js';
import { StatsAggregator } from '../sync-server/src/stats/aggregator.js';
import { ClusterFollower } from '../sync-server/src/clusters/follower.js';
import { installIntakeDesign } from '../sync-server/src/gate/gate.js';
import { DB } from '../src/lib/domain/doc-types.js';
import { forEachLimited } from '../sync-server/src/engine/attachments.js';
import { DEFAULT_ENGINE_BATCH_SIZE } from '../sync-server/src/env.js';
import { emit } from './emit.js';
import { benchPlace, openBenchStore, removeBenchPlace, STORE } from './store.js';
import { writeProjections } from '../sync-server/src/engine/writer.js';
import { withRevision } from '../sync-server/src/engine/projections.js';

const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 20_000);
const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 2_000);
// 100 a request: with photos a request stays near 13 MB, well under what either store takes.
const WRITE_BATCH = 100;
const PHOTO_EVERY = 3;
const PHOTO_KB = Number(process.env.BENCH_PHOTO_KB ?? 300);

/** A JPEG's first bytes, then noise (a photo does not compress); one string shared by every
 * submission that carries it, so the bench's own memory stays small. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), randomBytes(PHOTO_KB * 1024)]).toString('base64');

type Category = { category_id: string; case_types: string[] };

async function categories(store: Store): Promise<Category[]> {
	const all = await store.use<{ type?: string } & Category>(DB.CONFIG).list({ include_docs: true });
	return all.rows.flatMap((r) => (r.doc?.type === 'category' ? [r.doc] : []));
}

function submissions(catalogue: Category[]) {
	const now = Date.now();
	return Array.from({ length: SUBMISSIONS }, (_, i) => {
		const category = catalogue[i % catalogue.length];
		return {
			_id: `act:${randomUUID()}`,
			type: 'action',
			kind: 'submit',
			case_key: randomUUID(),
			client_time: new Date(now - 60_000).toISOString(),
			device_id: `bench-${i % CITIZENS}`,
			author: { user_id: `cbench${String(i % CITIZENS).padStart(6, '0')}`, role: 'citizen' },
			received_at: new Date(now + i).toISOString(),
			case_type: category.case_types[i % category.case_types.length],
			category_id: category.category_id,
			subject: `Request ${i}: street light out`,
			body: 'The street light in front of house 1234, road 5678, block 910 has been out for a week.',
			locale: i % 4 === 0 ? 'en' : 'ar',
			location: { lat: 26.2 + (i % 100) / 1000, lng: 50.5 + (i % 100) / 1000 },
			...(PHOTO_KB > 0 && i % PHOTO_EVERY === 0 ? { _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: PHOTO } } } : {})
		};
	});
}

const photos = (docs: object[]) => docs.filter((d) => '_attachments' in d).length;

async function bulkWrite(store: Store, db: string, docs: object[]): Promise<number> {
	await store.ensureDb(db);
	const start = performance.now();
	for (let i = 0; i < docs.length; i += WRITE_BATCH) {
		const result = await store.use(db).bulk({ docs: docs.slice(i, i + WRITE_BATCH) as never[] });
		if (result.some((r) => r.error)) throw new Error(`raw write failed in ${db}`);
	}
	return performance.now() - start;
}

/** The floor of a design with a database per person: one single-document `_bulk_docs` into each
 * citizen's database, by the engine's own writer and per database, as the engine writes on
 * CouchDB. A case reaches at least one such database, so no store routes faster than this. */
async function personWrites(store: Store, citizens: string[]): Promise<number> {
	const probe = { _id: 'bench:probe', type: 'bench' };
	const probes = citizens.map((id) => ({ db: `u_${id}`, doc: withRevision(probe, `u_${id}`, 1) }));
	const start = performance.now();
	await writeProjections(store, probes, { perDatabase: true });
	return (citizens.length / (performance.now() - start)) * 1000;
}

/** Routes `docs` from `intake` through the real engine; returns cases per second. */
async function route(store: Store, docs: ReturnType<typeof submissions>, perDatabase: boolean): Promise<number> {
	await bulkWrite(store, DB.INTAKE, docs);
	// As main.ts runs it: the dashboard's counters and the repeated-case clusters follow every batch.
	const stats = new StatsAggregator(store);
	const clusters = new ClusterFollower(store);
	const engine = new RulesEngine(store, {
		rules: RULES,
		sinks: [stats, clusters],
		batchSize: DEFAULT_ENGINE_BATCH_SIZE,
		instanceId: 'bench',
		pollTimeoutMs: 1000,
		projectionsPerDatabase: perDatabase
	});
	// Done means durable: every submission decided and the checkpoint past the last one, which
	// moves only once a batch's projections and counters are written.
	const { update_seq: lastSeq } = (await store.dbInfo(DB.INTAKE))!;
	const start = performance.now();
	engine.start();
	while (engine.status().processed + engine.status().rejected < SUBMISSIONS || String(engine.status().last_seq) !== String(lastSeq)) {
		if (engine.status().last_error) throw new Error(engine.status().last_error!);
		await new Promise((r) => setTimeout(r, 20));
	}
	const engineMs = performance.now() - start;
	await engine.stop();
	await stats.stop();
	const status = engine.status();
	if (status.rejected > 0) throw new Error(`${status.rejected} submissions were refused`);
	return (SUBMISSIONS / engineMs) * 1000;
}

/** A fresh store with the catalogue, the citizens' databases (their sign-ins create them) and the
 * submissions; `run` gets them and the store is dropped afterwards. */
async function withBenchStore(name: string, run: (store: Store, docs: ReturnType<typeof submissions>, citizens: string[]) => Promise<void>): Promise<void> {
	const place = benchPlace(name);
	const store = await openBenchStore(place);
	try {
		await seedStore(store, { demo: false });
		await installIntakeDesign(store);
		const docs = submissions(await categories(store));
		const citizens = [...new Set(docs.map((d) => d.author.user_id))];
		await run(store, docs, citizens);
	} finally {
		await store.close();
		await removeBenchPlace(place);
	}
}

export async function benchRules(): Promise<void> {
	let routed = 0;
	await withBenchStore('rules', async (store, docs, citizens) => {
		const rawMs = await bulkWrite(store, 'bench_raw', docs);
		const rawRate = (SUBMISSIONS / rawMs) * 1000;
		emit({ name: 'store.raw_write_docs_per_s', value: Math.round(rawRate), unit: 'docs/s', docs: SUBMISSIONS, photos: photos(docs), photo_kb: PHOTO_KB });

		// Signing in creates a person's database (auth-routes signIn), so by the time they submit it
		// exists: create the citizens' databases first, untimed, as their sign-ins would have.
		const signInStart = performance.now();
		await forEachLimited(citizens, 8, (id) => store.ensureDb(`u_${id}`));
		emit({ name: 'store.create_person_db_ms', value: Number(((performance.now() - signInStart) / CITIZENS).toFixed(2)), unit: 'ms', databases: CITIZENS });
		const personRate = await personWrites(store, citizens);
		emit({ name: 'store.person_db_writes_per_s', value: Math.round(personRate), unit: 'writes/s', databases: citizens.length });

		routed = await route(store, docs, false);
		emit({
			name: 'rules.cases_per_s',
			value: Math.round(routed),
			unit: 'cases/s',
			cases: SUBMISSIONS,
			photos: photos(docs),
			photo_kb: PHOTO_KB,
			citizens: CITIZENS,
			batch: DEFAULT_ENGINE_BATCH_SIZE,
			projections: store.embedded ? 'one_request' : 'per_database',
			target: store.embedded ? 1500 : 600
		});
		emit({ name: 'rules.ratio_to_raw_write', value: Number((routed / rawRate).toFixed(3)), unit: 'ratio', ratio: Number((routed / rawRate).toFixed(3)) });
		emit({ name: 'rules.ratio_to_person_db_write', value: Number((routed / personRate).toFixed(3)), unit: 'ratio', ratio: Number((routed / personRate).toFixed(3)) });
	});
	if (STORE !== 'embedded') return;
	// The embedded store takes a batch's projections in one request (writer.ts); the same engine
	// writing one `_bulk_docs` per database, as on CouchDB, on a fresh store:
	await withBenchStore('rules-per-db', async (store, docs, citizens) => {
		await forEachLimited(citizens, 8, (id) => store.ensureDb(`u_${id}`));
		const rate = await route(store, docs, true);
		emit({
			name: 'rules.cases_per_s_per_database',
			value: Math.round(rate),
			unit: 'cases/s',
			cases: SUBMISSIONS,
			photos: photos(docs),
			citizens: CITIZENS,
			projections: 'per_database',
			ratio_to_one_request: Number((rate / routed).toFixed(3))
		});
	});
}
