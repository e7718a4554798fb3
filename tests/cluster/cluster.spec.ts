/** The cluster lane: the whole case lifecycle on a three-node Apache CouchDB cluster whose shared
 * databases have two shards and three replicas, and one node killed (SIGKILL) in the middle of a
 * burst and restarted: every case exactly once, every reference unique, nothing lost. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/lib/domain/doc-types.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import { form, GOOD, pullDoc, push, ratingLinks } from '../integration/rating-helpers.js';

const DATA = process.env.TAWASUL_TEST_COUCHDB_DATA;
const DIST = process.env.TAWASUL_TEST_COUCHDB_DIST;
if (!process.env.TAWASUL_TEST_COUCHDB || process.env.TAWASUL_TEST_COUCHDB_NODES !== '3' || !DATA || !DIST) {
	throw new Error('the cluster lane runs through scripts/couchdb-lane.mjs cluster (a three-node CouchDB)');
}

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;
let agent: Session;
const PHONE = '+97336000901';

beforeAll(async () => {
	server = await startInProcess({ COUCHDB_Q: '2', COUCHDB_N: '3' });
	citizen = await signInCitizen(server.base, PHONE);
	agent = await signInStaff(server.base, 'agent.works');
});

afterAll(async () => {
	await server?.stop();
});

/** What the cluster says of one of the server's databases: shards and replicas. */
async function clusterOf(db: string): Promise<{ q: number; n: number }> {
	const info = (await (await server.store.fetch(`/${db}`)).json()) as { cluster: { q: number; n: number } };
	return info.cluster;
}

describe('three-node CouchDB cluster', () => {
	it('runs on three nodes, with the shared databases sharded and replicated', async () => {
		const membership = (await (await server.store.fetch('/_membership')).json()) as { cluster_nodes: string[] };
		expect(membership.cluster_nodes).toHaveLength(3);
		expect(await clusterOf(DB.CASES)).toMatchObject({ q: 2, n: 3 });
		// intake keeps one shard: its changes feed is the order the engine applies; still three copies.
		expect(await clusterOf(DB.INTAKE)).toMatchObject({ q: 1, n: 3 });
		// A person's database is small: one shard, still three copies.
		expect(await clusterOf(`u_${citizen.user.user_id}`)).toMatchObject({ q: 1, n: 3 });
	});

	it('takes a case through submit, reply and rating', async () => {
		const submit = submitAction();
		await push(server.base, citizen, [submit]);
		const inbox = await pullDoc(server.base, agent, 'e_works', `case:${submit.case_key}`);
		expect(isValidReference(inbox.ref)).toBe(true);
		const reply = followUp(submit.case_key, 'reply', { body: 'The crew filled the pothole this morning.' });
		await push(server.base, agent, [reply]);
		const answered = await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `case:${submit.case_key}`, (d) => d.status === 'answered');
		expect(answered.ref).toBe(inbox.ref);
		const link = await waitFor(async () => (await ratingLinks(server.base, PHONE))[0], 20_000, 'rating SMS');
		const rated = await fetch(`${server.base}/r/${link.token}`, form({ ...GOOD, comment: 'Quick work', lang: 'en' }));
		expect(rated.status).toBe(201);
		const withRating = await waitFor(
			async () => {
				const doc = await server.store.use<{ ratings?: unknown[] }>(DB.CASES).get(`case:${submit.case_key}`);
				return doc.ratings && doc.ratings.length === 1 ? doc : undefined;
			},
			20_000,
			'the rating on the case'
		);
		expect(withRating.ratings).toHaveLength(1);
	});

	it('loses nothing when a node is killed in the middle of a burst and comes back', async () => {
		const BURST = 300;
		const outbox = local('cluster-burst');
		const submits = Array.from({ length: BURST }, () => submitAction());
		await outbox.bulkDocs(submits.slice(0, BURST / 2));
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		killNode(3);
		await outbox.bulkDocs(submits.slice(BURST / 2));
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		restartNodes();
		const mirror = local('cluster-mirror');
		const cases = await waitFor(
			async () => {
				await mirror.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
				const wanted = new Set(submits.map((s) => `case:${s.case_key}`));
				const rows: { id: string; doc?: { ref: string } }[] = (await mirror.allDocs({ startkey: 'case:', endkey: 'case:\uffff', include_docs: true })).rows;
				const burst = rows.filter((r) => wanted.has(r.id));
				return burst.length === BURST ? burst.map((r) => r.doc!) : undefined;
			},
			90_000,
			'every case of the burst'
		);
		const refs = cases.map((c: { ref: string }) => c.ref);
		expect(refs.every(isValidReference)).toBe(true);
		expect(new Set(refs).size).toBe(BURST);
		// Exactly once in the authoritative store, too.
		const stored = await server.store.use(DB.CASES).fetch({ keys: submits.map((s) => `case:${s.case_key}`) });
		expect(stored.rows.filter((r) => 'doc' in r && r.doc).length).toBe(BURST);
	}, 180_000);
});

function killNode(k: number): void {
	const pid = Number(fs.readFileSync(path.join(DATA!, `node${k}`, 'couchdb.pid'), 'utf8').trim());
	process.kill(pid, 'SIGKILL');
}

/** start.sh on a running data folder restarts the nodes that died. */
function restartNodes(): void {
	const result = spawnSync('bash', [path.join(DIST!, 'start.sh'), '--data', DATA!, '--nodes', '3', '--port', String(portOf())], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`restarting the cluster failed: ${result.stderr}`);
}

function portOf(): number {
	return Number(new URL(process.env.TAWASUL_TEST_COUCHDB!).port);
}
