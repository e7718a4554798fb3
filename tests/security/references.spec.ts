/** Issue 10, finding 8: an issued reference is never reassigned nor reused. A server loses its
 * store (wiped: a new data folder; restored: an older backup), a new citizen files a case before
 * anyone else reconnects, then the old devices come back as the app does it (sealed references
 * from the mirror, then the outbox, then the mirror again, all through the gate): every old case
 * keeps its number, and no number belongs to two cases. A forged claim is refused. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import { referenceClaims } from '../../src/lib/domain/reference.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { FLOOR_PER_SECOND, parseReference, referenceFloor } from '../../sync-server/src/engine/references.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const SECRETS_KEY = randomBytes(32).toString('base64');
const running: Server[] = [];

afterAll(async () => {
	for (const server of running) await server.stop().catch(() => undefined);
});

async function start(): Promise<Server> {
	const server = await startInProcess({ SECRETS_KEY });
	running.push(server);
	return server;
}

type Pouch = ReturnType<typeof local>;

/** A phone with an outbox and a mirror of the person's database, surviving the server. */
class Device {
	readonly outbox: Pouch = local('outbox');
	readonly mirror: Pouch = local('mirror');
	session!: Session;
	constructor(
		readonly phone: string | null,
		readonly username: string | null,
		readonly pulls: (s: Session) => string
	) {}

	async signIn(server: Server) {
		this.session = this.phone ? await signInCitizen(server.base, this.phone) : await signInStaff(server.base, this.username!);
	}

	/** What the app's sync set-up does (src/lib/client/sync.svelte.ts): claims, push, pull. */
	async reconnect(server: Server) {
		await this.signIn(server);
		const cases = (await this.mirror.allDocs({ startkey: 'case:', endkey: 'case:\uffff', include_docs: true })).rows.map((r: { doc: object }) => r.doc);
		const response = await fetch(`${server.base}/api/references/claims`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: this.session.cookie },
			body: JSON.stringify({ claims: referenceClaims(cases) })
		});
		expect(response.status).toBe(200);
		await this.outbox.replicate.to(remote(server.base, 'intake', this.session));
		await this.pull(server);
	}

	async pull(server: Server) {
		await this.mirror.replicate.from(remote(server.base, this.pulls(this.session), this.session));
	}
}

const citizenDevice = (phone: string) => new Device(phone, null, (s) => `u_${s.user.user_id}`);

async function file(server: Server, device: Device, count: number): Promise<string[]> {
	const docs = Array.from({ length: count }, () => submitAction());
	await device.outbox.bulkDocs(docs);
	await device.outbox.replicate.to(remote(server.base, 'intake', device.session));
	return docs.map((d) => d.case_key);
}

/** Every case's reference as the server holds it, once all `keys` exist. */
async function refsOn(server: Server, keys: string[]): Promise<Map<string, string>> {
	return waitFor(
		async () => {
			const result = await server.store.use<{ case_key: string; ref: string }>('cases').fetch({ keys: keys.map((k) => `case:${k}`) });
			const docs = result.rows.flatMap((r) => ('doc' in r && r.doc ? [r.doc] : []));
			return docs.length === keys.length ? new Map(docs.map((d) => [d.case_key, d.ref])) : undefined;
		},
		20_000,
		'cases'
	);
}

async function allRefs(server: Server): Promise<string[]> {
	const response = await server.store.fetch('/cases/_all_docs?include_docs=true');
	const { rows } = (await response.json()) as { rows: { id: string; doc: { ref?: string } }[] };
	return rows.filter((r) => r.id.startsWith('case:')).map((r) => r.doc.ref!);
}

/** A backup taken through the store's HTTP API: every document of these databases, latest
 * revision, without the engine's lease and feed checkpoint (they belong to the running process). */
async function backup(server: Server, dbs: string[]): Promise<Map<string, object[]>> {
	const dump = new Map<string, object[]>();
	for (const db of dbs) {
		// The entity's and the citizen's databases are made as the engine first writes to them,
		// which on a loaded machine may come a moment after the case has its number.
		const response = await waitFor(
			async () => {
				const answer = await server.store.fetch(`/${db}/_all_docs?include_docs=true&attachments=true`);
				return answer.ok ? answer : undefined;
			},
			20_000,
			`a backup of ${db}`
		);
		const { rows } = (await response.json()) as { rows: { id: string; doc: object }[] };
		dump.set(
			db,
			rows.filter((r) => !r.id.startsWith('_design/') && !r.id.startsWith('lease:') && !r.id.startsWith('checkpoint')).map((r) => r.doc)
		);
	}
	return dump;
}

async function restore(server: Server, dump: Map<string, object[]>): Promise<void> {
	await server.engine.stop();
	for (const [db, docs] of dump) {
		await server.store.ensureDb(db);
		const response = await server.store.fetch(`/${db}/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs, new_edits: false })
		});
		expect(response.ok).toBe(true);
	}
	server.engine.start();
}

/** Waits until a fresh counter would start above every one of `refs`. */
async function untilFloorPasses(refs: string[]): Promise<void> {
	const issued = refs.map((ref) => parseReference(ref)!);
	const floorPassed = () => issued.every(({ year, seq }) => referenceFloor(year, new Date()) > seq);
	while (!floorPassed()) await new Promise((r) => setTimeout(r, 1000 / FLOOR_PER_SECOND));
}

function expectUnique(refs: string[]) {
	expect(refs.every(isValidReference)).toBe(true);
	expect(new Set(refs).size).toBe(refs.length);
}

describe('reference numbers survive the loss of the store', { timeout: 120_000 }, () => {
	it('a wiped store: old cases keep their numbers, a new case takes none of them', async () => {
		const first = await start();
		const citizen = citizenDevice('+97336500501');
		const agent = new Device(null, 'agent.works', () => 'e_works');
		await citizen.signIn(first);
		await agent.signIn(first);
		const keys = await file(first, citizen, 4);
		const before = await refsOn(first, keys);
		await waitFor(async () => {
			await citizen.pull(first);
			await agent.pull(first);
			return (await citizen.mirror.allDocs()).rows.length >= 4 ? true : undefined;
		});
		await first.stop();
		// The guarantee holds for a store that issued no faster than the floor grows on average
		// (references.ts): four numbers at once put the counter about a second ahead of it.
		await untilFloorPasses([...before.values()]);

		// A new data folder (or a new CouchDB): nothing of the first store is left.
		const second = await start();
		const newcomer = citizenDevice('+97336500502');
		await newcomer.signIn(second);
		const [fresh] = await file(second, newcomer, 1);
		const freshRef = (await refsOn(second, [fresh])).get(fresh)!;
		expect([...before.values()]).not.toContain(freshRef);

		// The agent comes back first (claims only, nothing to push), then the citizen.
		await agent.reconnect(second);
		await citizen.reconnect(second);
		const after = await refsOn(second, keys);
		expect(after).toEqual(before);
		expectUnique(await allRefs(second));
		// The citizen's phone shows the same numbers as the server.
		await citizen.pull(second);
		for (const key of keys) expect((await citizen.mirror.get(`case:${key}`)).ref).toBe(before.get(key));
	});

	it('a store restored from an older backup: cases filed after the backup keep their numbers', async () => {
		const first = await start();
		const citizen = citizenDevice('+97336500503');
		await citizen.signIn(first);
		const early = await file(first, citizen, 2);
		await refsOn(first, early);
		const dbs = ['intake', 'cases', 'engine', `u_${citizen.session.user.user_id}`, 'e_works'];
		const saved = await backup(first, dbs);
		const late = await file(first, citizen, 2);
		const before = await refsOn(first, [...early, ...late]);
		await waitFor(async () => {
			await citizen.pull(first);
			return (await citizen.mirror.allDocs()).rows.length >= 4 ? true : undefined;
		});
		await first.stop();
		await untilFloorPasses([...before.values()]);

		const restored = await start();
		await restore(restored, saved);
		// Someone new files at once: the number must not be one issued after the backup.
		const newcomer = citizenDevice('+97336500504');
		await newcomer.signIn(restored);
		const [fresh] = await file(restored, newcomer, 1);
		const freshRef = (await refsOn(restored, [fresh])).get(fresh)!;
		expect([...before.values()]).not.toContain(freshRef);

		await citizen.reconnect(restored);
		expect(await refsOn(restored, [...early, ...late])).toEqual(before);
		expectUnique(await allRefs(restored));
	});

	it('refuses a forged or moved claim, so nobody can take or burn a number', async () => {
		const server = await start();
		const citizen = citizenDevice('+97336500505');
		await citizen.signIn(server);
		const [key] = await file(server, citizen, 1);
		const ref = (await refsOn(server, [key])).get(key)!;
		const sealed = (await server.store.use<{ ref_seal: string }>('cases').get(`case:${key}`)).ref_seal;
		expect(sealed).toBeTruthy();
		const claim = async (body: object) =>
			(
				await fetch(`${server.base}/api/references/claims`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', cookie: citizen.session.cookie },
					body: JSON.stringify({ claims: [body] })
				})
			).json();
		const otherKey = '00000000-0000-4000-8000-000000000000';
		// The same seal for another case, or another number for this case: refused.
		expect(await claim({ case_key: otherKey, ref, ref_seal: sealed })).toEqual({ accepted: 0, refused: 1 });
		expect(await claim({ case_key: key, ref: '26-999999-0', ref_seal: sealed })).toEqual({ accepted: 0, refused: 1 });
		expect(await claim({ case_key: key, ref, ref_seal: sealed })).toEqual({ accepted: 1, refused: 0 });
		const unsigned = await fetch(`${server.base}/api/references/claims`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"claims":[]}' });
		expect(unsigned.status).toBe(401);
	});
});
