/** Repeated-case clusters through the real server (issue 13): cases filed through the intake and
 * routed by the engine join their entity's clusters as they are saved; a replay adds nothing; a
 * manager of the entity moves a cluster's study on (audited), nobody else can; a case joining a
 * fixed cluster is flagged on the case and on the cluster; a rebuild from the cases gives the same
 * clusters and keeps the managers' decisions; the similar-cases lookup says which candidates are
 * already linked. Runs on the embedded store, and on CouchDB with TAWASUL_TEST_COUCHDB. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDocId, type ClusterDoc, type ClusterSummary } from '../../src/lib/domain/clusters.js';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { createStaff } from '../../sync-server/src/auth/accounts.js';
import { ClusterFollower } from '../../sync-server/src/clusters/follower.js';
import { rebuildClusters } from '../../sync-server/src/clusters/rebuild.js';
import { QUIET, settled, signInCitizen, signInStaff, startInProcess, storeEnvOf, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
const who = {} as Record<'minister' | 'manager' | 'agent' | 'healthManager' | 'citizen' | 'other', Session>;
const DAY = 86_400_000;
const LIGHT = ['الليت طافي في شارع ٣٢ مجمع ٣٣٨', 'إنارة الشارع مطفأة في طريق 32 مجمع 338', 'Street light off in Road 32 Block 338', 'اضاءة الشارع طافية طريق ٣٢ مجمع ٣٣٨'];
const WATER = ['تجمع مياه الامطار في طريق 2810 مجمع 228', 'مياه الامطار متجمعة بالشارع طريق ٢٨١٠ مجمع ٢٢٨'];
const keys = { light: [] as string[], water: [] as string[], health: '', late: '' };

const author = (s: Session) => ({ user_id: s.user.user_id, role: s.user.role, ...(s.user.entity_id ? { entity_id: s.user.entity_id } : {}) });
function submit(by: Session, at: Date, subject: string, category = 'works-potholes') {
	const time = at.toISOString();
	const caseKey = randomUUID();
	const doc = {
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind: 'submit',
		case_key: caseKey,
		client_time: time,
		device_id: 'clusters',
		author: author(by),
		received_at: time,
		case_type: 'complaint',
		category_id: category,
		subject,
		body: subject,
		locale: 'ar',
		location: { lat: 26.2235, lng: 50.5876 }
	};
	return { caseKey, doc };
}

async function file(items: { caseKey: string; doc: object }[]): Promise<void> {
	await server.store.use(DB.INTAKE).bulk({ docs: items.map((i) => i.doc) as never[] });
	await settled(server);
}

const get = (session: Session | null, path: string) => fetch(`${server.base}${path}`, { headers: session ? { cookie: session.cookie } : {} });
const post = (session: Session, path: string, body: unknown) =>
	fetch(`${server.base}${path}`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const top = async (session: Session, query = ''): Promise<ClusterSummary[]> => (await (await get(session, `/api/clusters${query}`)).json()).clusters;
const allCases = async () => (await server.store.use<CaseDoc>(DB.CASES).list({ include_docs: true })).rows.flatMap((r) => (r.doc?.type === 'case' ? [r.doc as CaseDoc] : []));

beforeAll(async () => {
	server = await startInProcess();
	await createStaff(server.store, { username: 'manager.health', password: 'a-health-manager-password', role: 'manager', name: 'Health manager', entity_id: 'health' });
	const [minister, manager, agent, healthManager, citizen, other] = await Promise.all([
		signInStaff(server.base, 'minister'),
		signInStaff(server.base, 'manager.works'),
		signInStaff(server.base, 'agent.works'),
		signInStaff(server.base, 'manager.health', 'a-health-manager-password'),
		signInCitizen(server.base, '+97336200941'),
		signInCitizen(server.base, '+97336200942')
	]);
	Object.assign(who, { minister, manager, agent, healthManager, citizen, other });
	const ago = (days: number) => new Date(Date.now() - days * DAY);
	const light = LIGHT.map((s, i) => submit(i % 2 ? who.citizen : who.other, ago(10 - i * 3), s));
	const water = WATER.map((s, i) => submit(who.citizen, ago(5 - i), s));
	const health = submit(who.citizen, ago(1), LIGHT[0], 'health-appointments');
	keys.light = light.map((i) => i.caseKey);
	keys.water = water.map((i) => i.caseKey);
	keys.health = health.caseKey;
	await file([...light, ...water, health]);
}, 120_000);
let stopped = false;
afterAll(() => (stopped ? undefined : server?.stop()), 120_000);

describe('clusters kept as cases arrive', () => {
	it("gives the manager the entity's repeated clusters, the largest first, with trend, places and categories", async () => {
		const clusters = await waitFor(
			async () => {
				const found = await top(who.manager);
				return found.length === 2 ? found : undefined;
			},
			30_000,
			'two clusters'
		);
		const [light, water] = clusters;
		expect(light).toMatchObject({ entity_id: 'works', size: 4, people: 2, status: 'open', places: [{ place: '26.22,50.59', count: 4 }], categories: [{ category_id: 'works-potholes', count: 4 }] });
		expect(light.representative.subject).toBe(LIGHT[0]);
		expect([...light.case_keys].sort()).toEqual([...keys.light].sort());
		expect(light.this_week).toBe(2);
		expect(water).toMatchObject({ size: 2, people: 1 });
		expect([...water.case_keys].sort()).toEqual([...keys.water].sort());
	});

	it('adds nothing when the same cases are handed over again (a replay)', async () => {
		const follower = new ClusterFollower(server.store);
		expect(await follower.add(await allCases())).toBe(0);
		expect((await top(who.manager)).map((c) => c.size)).toEqual([4, 2]);
	});

	it("shows the minister's office every entity without case keys, and keeps each manager to their own entity", async () => {
		const national = await top(who.minister);
		expect(national.map((c) => c.size)).toEqual([4, 2]);
		expect(national[0].case_keys).toEqual([]);
		expect(national[0].representative).toEqual({ case_key: '', ref: '', subject: LIGHT[0] });
		expect(await top(who.minister, '?scope=health')).toEqual([]);
		expect((await get(who.healthManager, '/api/clusters?scope=works')).status).toBe(403);
		expect(await top(who.healthManager)).toEqual([]);
		expect((await get(who.agent, '/api/clusters')).status).toBe(403);
		expect((await get(null, '/api/clusters')).status).toBe(401);
		expect((await get(who.manager, '/api/clusters?limit=0')).status).toBe(400);
		expect((await get(who.manager, '/api/clusters?sort=size')).status).toBe(400);
	});
});

describe('studying a cluster', () => {
	const lightId = () => keys.light[0];

	it('refuses a non-manager, a manager of another entity and a jump straight to fixed', async () => {
		expect((await post(who.agent, `/api/clusters/${lightId()}/status`, { status: 'under_study' })).status).toBe(403);
		expect((await post(who.minister, `/api/clusters/${lightId()}/status`, { status: 'under_study' })).status).toBe(403);
		expect((await post(who.healthManager, `/api/clusters/${lightId()}/status`, { status: 'under_study' })).status).toBe(404);
		const jump = await post(who.manager, `/api/clusters/${lightId()}/status`, { status: 'fixed' });
		expect(jump.status).toBe(409);
		expect((await jump.json()).error.code).toBe('invalid_transition');
		expect((await post(who.manager, `/api/clusters/${lightId()}/status`, { status: 'done' })).status).toBe(400);
		expect((await post(who.manager, `/api/clusters/${lightId()}/status`, { status: 'under_study', note: 'x' })).status).toBe(400);
		expect((await top(who.manager))[0].status).toBe('open');
	});

	it("lets the entity's manager mark it under study, then fixed, each in the audit trail", async () => {
		const study = await post(who.manager, `/api/clusters/${lightId()}/status`, { status: 'under_study' });
		expect(study.status).toBe(200);
		expect((await study.json()).cluster.status).toBe('under_study');
		const fixed = await post(who.manager, `/api/clusters/${lightId()}/status`, { status: 'fixed' });
		expect((await fixed.json()).cluster.status).toBe('fixed');
		const audit = await (await get(who.manager, '/api/audit?limit=50')).json();
		const entries = audit.entries.filter((e: { kind: string }) => e.kind === 'cluster.status');
		expect(entries.map((e: { changes: { to: string } }) => e.changes.to).sort()).toEqual(['fixed', 'under_study']);
		expect(entries[0]).toMatchObject({ actor: { user_id: who.manager.user.user_id }, target: { type: 'cluster', id: lightId() } });
	});

	it('flags a case that joins the fixed cluster, on the case and on the cluster', async () => {
		const late = submit(who.citizen, new Date(), 'الليت طافي مرة ثانية في طريق ٣٢ مجمع ٣٣٨');
		keys.late = late.caseKey;
		await file([late]);
		const answer = await waitFor(
			async () => {
				const body = await (await get(who.agent, `/api/cases/${late.caseKey}/cluster`)).json();
				return body.cluster ? body : undefined;
			},
			30_000,
			'the late case clustered'
		);
		expect(answer).toMatchObject({ after_fix: true, cluster: { id: lightId(), status: 'fixed', size: 5, after_fix: 1 } });
		const earlier = await (await get(who.agent, `/api/cases/${keys.light[1]}/cluster`)).json();
		expect(earlier.after_fix).toBe(false);
		expect((await get(who.healthManager, `/api/cases/${late.caseKey}/cluster`)).status).toBe(404);
	});
});

describe('rebuilding from the cases', () => {
	it('gives the same clusters and keeps the study and the flag', async () => {
		const before = await top(who.manager);
		const result = await rebuildClusters(server.store, { force: true });
		expect(result).toMatchObject({ cases: 8, repeated: 2, studies_lost: 0 });
		const after = await top(who.manager);
		expect(after).toEqual(before);
		expect(after[0]).toMatchObject({ status: 'fixed', after_fix: 1, size: 5 });
		expect((await (await get(who.agent, `/api/cases/${keys.late}/cluster`)).json()).after_fix).toBe(true);
	});
});

describe('similar cases already linked', () => {
	it('marks the primary a case is linked to', async () => {
		const time = new Date().toISOString();
		const link = {
			_id: `act:${randomUUID()}`,
			type: 'action',
			kind: 'link',
			case_key: keys.light[1],
			primary_key: keys.light[0],
			client_time: time,
			device_id: 'clusters',
			author: author(who.agent),
			received_at: time
		};
		await server.store.use(DB.INTAKE).insert(link as never);
		await waitFor(
			() =>
				server.store
					.use<CaseDoc>(DB.CASES)
					.get(`case:${keys.light[1]}`)
					.then((c) => c.linked_to ?? undefined),
			20_000,
			'linked'
		);
		// The primary records the link with the server's own action, a batch later.
		await waitFor(
			() =>
				server.store
					.use<CaseDoc>(DB.CASES)
					.get(`case:${keys.light[0]}`)
					.then((c) => c.duplicates?.[0]),
			20_000,
			'recorded on the primary'
		);
		const body = await (await get(who.agent, `/api/cases/${keys.light[1]}/similar?limit=10`)).json();
		const byKey = new Map(body.cases.map((c: { case_key: string; linked: boolean }) => [c.case_key, c.linked]));
		expect(byKey.get(keys.light[0])).toBe(true);
		expect(byKey.get(keys.light[2])).toBe(false);
		const primary = await (await get(who.agent, `/api/cases/${keys.light[0]}/similar?limit=10`)).json();
		expect(primary.cases.find((c: { case_key: string }) => c.case_key === keys.light[1]).linked).toBe(true);
	});
});

describe('a transferred case', () => {
	const transfer = (caseKey: string) => ({
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind: 'transfer',
		case_key: caseKey,
		client_time: new Date().toISOString(),
		device_id: 'clusters',
		author: author(who.agent),
		received_at: new Date().toISOString(),
		to_entity_id: 'health',
		reason: 'Standing water by a clinic: public health.'
	});
	const clusterDocs = async () => (await server.store.use<ClusterDoc>(DB.CLUSTERS).list({ include_docs: true })).rows.flatMap((r) => (r.doc?.type === 'cluster' ? [r.doc] : []));
	const holding = async (caseKey: string) => (await clusterDocs()).filter((d) => d.members.some((m) => m.k === caseKey)).map((d) => d.entity_id);

	it('leaves the old entity’s cluster and joins the new entity’s', async () => {
		const [first, second] = keys.water;
		await file([{ caseKey: first, doc: transfer(first) }]);
		expect(await holding(first)).toEqual(['health']);
		// The cluster it started keeps the other case; its representative is no longer the works' to open.
		const works = (await clusterDocs()).find((d) => d._id === clusterDocId('works', first))!;
		expect(works.members.map((m) => m.k)).toEqual([second]);
		expect(works.samples.map((s) => s.k)).toEqual([second]);
		expect(works.representative).toEqual({ case_key: '', ref: '', subject: WATER[0] });
		const atHealth = await (await get(who.healthManager, `/api/cases/${first}/cluster`)).json();
		expect(atHealth.cluster).toMatchObject({ entity_id: 'health', size: 1, case_keys: [first] });
		expect((await get(who.agent, `/api/cases/${first}/cluster`)).status).toBe(404);
	});

	it('deletes the old cluster once its last case has gone, and the cases cluster together again', async () => {
		const [first, second] = keys.water;
		await file([{ caseKey: second, doc: transfer(second) }]);
		expect(await holding(second)).toEqual(['health']);
		expect((await clusterDocs()).some((d) => d._id === clusterDocId('works', first))).toBe(false);
		expect((await top(who.manager)).map((c) => c.size)).toEqual([5]);
		expect((await top(who.healthManager)).map((c) => [c.size, [...c.case_keys].sort()])).toEqual([[2, [first, second].sort()]]);
		// A replay changes nothing.
		expect(await new ClusterFollower(server.store).add(await allCases())).toBe(0);
		expect((await top(who.healthManager)).map((c) => c.size)).toEqual([2]);
	});

	it('writes a cluster once when in one batch a case joins it and another leaves it', async () => {
		const cases = server.store.use<CaseDoc>(DB.CASES);
		const leaving = { ...(await cases.get(`case:${keys.light[3]}`)), entity_id: 'health' };
		const joining = { ...(await cases.get(`case:${keys.light[2]}`)), case_key: randomUUID(), created_at: new Date().toISOString() };
		// Every write of the clusters, to see that none names a cluster twice.
		const written: string[][] = [];
		const recording: typeof server.store = Object.create(server.store);
		recording.use = ((name: string) => {
			const db = server.store.use(name);
			if (name !== DB.CLUSTERS) return db;
			return Object.assign(Object.create(db), { bulk: (body: { docs: { _id: string }[] }) => (written.push(body.docs.map((d) => d._id)), db.bulk(body as never)) });
		}) as typeof server.store.use;
		await new ClusterFollower(recording).add([joining, leaving]);
		expect(written.length).toBeGreaterThan(0);
		for (const ids of written) expect(new Set(ids).size).toBe(ids.length);
		const light = (await clusterDocs()).find((d) => d._id === clusterDocId('works', keys.light[0]))!;
		expect(light.members.map((m) => m.k)).toContain(joining.case_key);
		expect(light.members.map((m) => m.k)).not.toContain(leaving.case_key);
		expect(await holding(leaving.case_key)).toEqual(['health']);
	});

	it('takes a case out again when a crash left it in both entities’ clusters', async () => {
		const [first] = keys.water;
		const light = (await clusterDocs()).find((d) => d._id === clusterDocId('works', keys.light[0]))!;
		const stray = { ...light, members: [...light.members, { k: first, at: light.last_at, c: 'works-potholes', p: null, u: 'ffffffff' }] };
		await server.store.use<ClusterDoc>(DB.CLUSTERS).insert(stray);
		expect((await holding(first)).sort()).toEqual(['health', 'works']);
		const moved = (await allCases()).filter((c) => c.case_key === first);
		expect(await new ClusterFollower(server.store).add(moved)).toBe(0);
		expect(await holding(first)).toEqual(['health']);
		expect((await clusterDocs()).find((d) => d._id === light._id)!.members).toEqual(light.members);
	});
});

describe('npm run report', () => {
	it('adds the most repeated cases to the JSON report, without case keys', async () => {
		const env = { ...process.env, ...QUIET, DATA_DIR: server.env.dataDir, ...(server.store.embedded ? {} : storeEnvOf(server)) };
		// The embedded store admits one process: the server stops first, as the README says.
		stopped = true;
		await server.stop();
		const year = new Date().getUTCFullYear();
		const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/report.ts', '--from', `${year}-01-01`, '--to', `${year}-12-31`], { env });
		const report = JSON.parse(stdout);
		expect(report.most_repeated.window_days).toBe(90);
		// Works' street light, and at Health the two water cases and a street light transferred there.
		expect(report.most_repeated.clusters.map((c: ClusterSummary) => c.size)).toEqual([5, 2, 2]);
		expect(report.most_repeated.clusters[0]).toMatchObject({ status: 'fixed', case_keys: [], representative: { case_key: '', ref: '', subject: LIGHT[0] } });
	}, 120_000);
});
