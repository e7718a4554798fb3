/** The audit trail end to end: the engine records every processed action, each reader sees only
 * their scope, pages don't leak, replays add nothing, and nobody can alter it through the gate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '../../sync-server/src/audit/trail.js';
import type { AuditDoc } from '../../sync-server/src/audit/entries.js';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;
let agentWorks: Session;
let agentHealth: Session;
let managerWorks: Session;
let managerHealth: Session;
let coordinator: Session;
let minister: Session;
const ids: Record<string, string> = {};

async function api(path: string, session: Session | null, init: RequestInit = {}) {
	const headers = new Headers(init.headers);
	if (session) headers.set('cookie', session.cookie);
	const response = await fetch(server.base + path, { ...init, headers });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function push(session: Session, docs: Record<string, unknown>[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	await outbox.replicate.to(remote(server.base, 'intake', session));
}

/** Waits until the coordinator's view of the trail holds an entry for every given action. */
async function entriesFor(actionIds: string[]) {
	return waitFor(
		async () => {
			const { body } = await api('/api/audit?limit=200', coordinator);
			const found = body.entries.filter((e: { action_id?: string }) => actionIds.includes(e.action_id!));
			return found.length === actionIds.length ? found : undefined;
		},
		20_000,
		'audit entries'
	);
}

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336000222');
	agentWorks = await signInStaff(server.base, 'agent.works');
	agentHealth = await signInStaff(server.base, 'agent.health');
	managerWorks = await signInStaff(server.base, 'manager.works');
	coordinator = await signInStaff(server.base, 'coordinator');
	minister = await signInStaff(server.base, 'minister');
	// A manager for the second entity, made the way a coordinator makes one.
	const made = await api('/api/admin/staff', coordinator, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username: 'manager.health', name: 'Health manager', role: 'manager', entity_id: 'health' })
	});
	expect(made.status).toBe(201);
	managerHealth = await signInStaff(server.base, 'manager.health', made.body.temporary_password);

	const submit = submitAction({ device_id: 'citizen-phone-1' });
	await push(citizen, [submit]);
	const reply = followUp(submit.case_key, 'reply', { body: 'We will fill the pothole this week.', device_id: 'works-tablet-7' });
	const intruder = followUp(submit.case_key, 'note', { body: 'Not our case, but noting anyway.', device_id: 'health-pc-2' });
	await push(agentWorks, [reply]);
	await push(agentHealth, [intruder]);
	await entriesFor([submit._id, reply._id, intruder._id]);
	const transfer = followUp(submit.case_key, 'transfer', { to_entity_id: 'health', reason: 'A public health hazard', device_id: 'works-tablet-7' });
	await push(agentWorks, [transfer]);
	await entriesFor([transfer._id]);
	Object.assign(ids, { submit: submit._id, reply: reply._id, intruder: intruder._id, transfer: transfer._id, case_key: submit.case_key });
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

describe('what the trail records', () => {
	it('who, role, when (server time), what, which device and the outcome of every action', async () => {
		const entries = await entriesFor([ids.submit, ids.reply, ids.intruder, ids.transfer]);
		const by = (id: string) => entries.find((e: { action_id: string }) => e.action_id === id);
		expect(by(ids.submit)).toMatchObject({
			source: 'case',
			kind: 'submit',
			actor: { user_id: citizen.user.user_id, role: 'citizen' },
			device_id: 'citizen-phone-1',
			entity_ids: ['works'],
			outcome: 'applied',
			case_key: ids.case_key
		});
		expect(by(ids.submit).case_ref).toMatch(/^\d{2}-\d{6,9}-\d$/);
		expect(by(ids.reply)).toMatchObject({ kind: 'reply', actor: { user_id: agentWorks.user.user_id, role: 'agent', entity_id: 'works' }, device_id: 'works-tablet-7', outcome: 'applied' });
		expect(by(ids.intruder)).toMatchObject({ kind: 'note', outcome: 'refused', code: 'not_allowed', entity_ids: ['works', 'health'] });
		// An attempt on another entity's case does not hand that case's reference to the actor's side.
		expect(by(ids.intruder).case_ref).toBeUndefined();
		expect(by(ids.transfer)).toMatchObject({ kind: 'transfer', outcome: 'applied', entity_ids: ['works', 'health'] });
		for (const entry of entries) {
			expect(Math.abs(Date.parse(entry.at) - Date.now())).toBeLessThan(120_000);
			expect(entry.body).toBeUndefined();
		}
	});

	it('writes nothing new when the engine processes the same actions again', async () => {
		const audit = server.store.use('audit');
		const before = await audit.list();
		const feed = await (await server.store.fetch('/intake/_changes?include_docs=true')).json();
		await server.engine.processBatch(feed.results);
		const after = await audit.list();
		expect(after.rows.map((r) => [r.id, r.value.rev])).toEqual(before.rows.map((r) => [r.id, r.value.rev]));
		expect(before.rows.some((r) => r.id === `audit:${ids.reply}` && r.value.rev.startsWith('1-'))).toBe(true);
	});
});

describe('sign-ins in the trail', () => {
	type Entry = { kind: string; outcome: string; code?: string; actor: { user_id: string } | null; target?: { type: string; id: string }; entity_ids: string[] };
	const trail = async (session: Session, query = '') => (await api(`/api/audit?limit=200${query}`, session)).body.entries as Entry[];
	const login = (username: string, password: string) =>
		fetch(`${server.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

	it('records granted and refused sign-ins, and sign-outs, with who and how', async () => {
		expect((await login('agent.works', 'not-the-password')).status).toBe(401);
		expect((await login('nobody.here', 'not-the-password')).status).toBe(401);
		const wrongCode = await fetch(`${server.base}/api/auth/otp/verify`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ phone: '+97336000999', code: '000000' })
		});
		expect(wrongCode.status).toBeGreaterThanOrEqual(400);
		const leaving = await signInStaff(server.base, 'agent.health');
		expect((await api('/api/auth/logout', leaving, { method: 'POST' })).status).toBe(200);

		const entries = await waitFor(
			async () => {
				const found = await trail(coordinator);
				return found.some((e) => e.kind === 'auth.sign_out' && e.actor?.user_id === leaving.user.user_id) ? found : undefined;
			},
			10_000,
			'sign-out entry'
		);
		const has = (match: Partial<Entry> & { user?: string }) =>
			entries.some((e) => Object.entries(match).every(([k, v]) => (k === 'user' ? e.actor?.user_id === v : JSON.stringify(e[k as keyof Entry]) === JSON.stringify(v))));
		expect(has({ kind: 'auth.sign_in.sms', outcome: 'applied', user: citizen.user.user_id })).toBe(true);
		expect(has({ kind: 'auth.sign_in.password', outcome: 'applied', user: agentWorks.user.user_id, entity_ids: ['works'] })).toBe(true);
		expect(has({ kind: 'auth.sign_in.totp', outcome: 'applied', user: coordinator.user.user_id })).toBe(true);
		expect(has({ kind: 'auth.sign_in.password', outcome: 'refused', code: 'bad_credentials', user: agentWorks.user.user_id })).toBe(true);
		expect(has({ kind: 'auth.sign_in.password', outcome: 'refused', code: 'bad_credentials', actor: null, target: { type: 'username', id: 'nobody.here' } })).toBe(true);
		expect(entries.some((e) => e.kind === 'auth.sign_in.sms' && e.outcome === 'refused' && e.target?.id === '+973••••••99')).toBe(true);
		// The number tried is never written in full.
		expect(JSON.stringify(entries)).not.toContain('36000999');
	});

	it("shows a manager the sign-ins of their own entity's staff only", async () => {
		const works = await trail(managerWorks);
		const signIns = works.filter((e) => e.kind.startsWith('auth.'));
		expect(signIns.some((e) => e.actor?.user_id === agentWorks.user.user_id)).toBe(true);
		for (const entry of signIns) expect(entry.entity_ids).toEqual(['works']);
		expect(signIns.some((e) => e.actor?.user_id === agentHealth.user.user_id || e.actor?.user_id === citizen.user.user_id || e.actor === null)).toBe(false);
	});
});

describe('writing entries twice', () => {
	const entry = (id: string, recordedAt: string): AuditDoc => ({
		_id: `audit:test-${id}`,
		type: 'audit',
		source: 'case',
		kind: 'reply',
		at: '2026-03-01T08:00:00.000Z',
		recorded_at: recordedAt,
		actor: null,
		device_id: null,
		entity_ids: ['works'],
		outcome: 'applied'
	});

	it('keeps an entry already in the trail as it was, and still writes the new ones beside it', async () => {
		const audit = server.store.use<AuditDoc>('audit');
		await writeAudit(server.store, [entry('one', '2026-03-01T08:00:01.000Z')]);
		const first = await audit.get('audit:test-one');
		// A replayed batch: the same entry (recorded again, later) and one that is new.
		await writeAudit(server.store, [entry('one', '2026-03-01T09:30:00.000Z'), entry('two', '2026-03-01T09:30:00.000Z')]);
		expect(await audit.get('audit:test-one')).toEqual(first);
		expect((await audit.get('audit:test-two')).recorded_at).toBe('2026-03-01T09:30:00.000Z');
	});

	it('fails on an entry the trail refuses and does not hold', async () => {
		const broken = { ...entry('three', '2026-03-01T08:00:01.000Z'), kind: '' };
		await expect(writeAudit(server.store, [broken])).rejects.toThrow(/audit:test-three/);
	});
});

describe('who reads which entries', () => {
	it('gives a manager their own entity only, and refuses another entity outright', async () => {
		const works = await api('/api/audit?limit=200', managerWorks);
		expect(works.status).toBe(200);
		expect(works.body.scope).toBe('works');
		expect(works.body.entries.map((e: { action_id: string }) => e.action_id)).toEqual(expect.arrayContaining([ids.submit, ids.reply, ids.intruder, ids.transfer]));
		const health = await api('/api/audit?limit=200', managerHealth);
		const healthIds = health.body.entries.map((e: { action_id?: string }) => e.action_id);
		expect(healthIds).toEqual(expect.arrayContaining([ids.intruder, ids.transfer]));
		expect(healthIds).not.toContain(ids.submit);
		expect(healthIds).not.toContain(ids.reply);
		for (const entry of health.body.entries) expect(entry.entity_ids).toContain('health');
		// Nothing of the works-only entries leaks in another field either.
		expect(JSON.stringify(health.body)).not.toContain('citizen-phone-1');
		expect(JSON.stringify(health.body)).not.toContain(ids.reply);

		expect((await api('/api/audit?entity=health', managerWorks)).status).toBe(403);
		expect((await api('/api/audit?entity=works', managerWorks)).status).toBe(200);
	});

	it('gives the coordinator everything or one entity; refuses everyone else', async () => {
		const health = await api('/api/audit?entity=health&limit=200', coordinator);
		for (const entry of health.body.entries) expect(entry.entity_ids).toContain('health');
		for (const [session, status] of [
			[null, 401],
			[citizen, 403],
			[agentWorks, 403],
			[minister, 403]
		] as const) {
			expect((await api('/api/audit', session)).status).toBe(status);
		}
	});

	it('pages newest first with a cursor that only works for its own scope', async () => {
		const first = await api('/api/audit?limit=2', coordinator);
		expect(first.body.entries).toHaveLength(2);
		expect(first.body.entries[0].at >= first.body.entries[1].at).toBe(true);
		const second = await api(`/api/audit?limit=2&cursor=${first.body.next_cursor}`, coordinator);
		expect(second.status).toBe(200);
		const firstIds = first.body.entries.map((e: { id: string }) => e.id);
		for (const entry of second.body.entries) expect(firstIds).not.toContain(entry.id);
		// A coordinator's cursor (scope '*') is no key into an entity's rows.
		const stolen = await api(`/api/audit?cursor=${first.body.next_cursor}`, managerHealth);
		expect(stolen.status).toBe(400);
		const forged = Buffer.from(JSON.stringify(['works', '9999', 'x'])).toString('base64url');
		expect((await api(`/api/audit?cursor=${forged}`, managerHealth)).status).toBe(400);
	});

	it('filters by time and checks its parameters', async () => {
		const future = await api('/api/audit?from=2999-01-01', coordinator);
		expect(future.body.entries).toEqual([]);
		const today = new Date().toISOString().slice(0, 10);
		expect((await api(`/api/audit?from=${today}&to=${today}`, coordinator)).body.entries.length).toBeGreaterThan(0);
		for (const query of ['from=yesterday', 'to=2026-02-30', 'limit=0', 'limit=201', 'entity=Works!', 'from=2026-05-02&to=2026-05-01']) {
			expect((await api(`/api/audit?${query}`, coordinator)).status, query).toBe(400);
		}
	});
});

describe('nobody alters the trail', () => {
	const json = { 'content-type': 'application/json' };
	const entryId = () => `audit:${ids.reply}`;

	it('refuses every write, read and delete on the audit database through the gate, for every role', async () => {
		const rev = (await server.store.use('audit').get(entryId()))._rev;
		const forged = JSON.stringify({ _id: entryId(), _rev: rev, type: 'audit', kind: 'reply', outcome: 'refused', at: '2020-01-01T00:00:00Z' });
		const requests: [string, string, string | undefined][] = [
			['PUT', `/db/audit/${encodeURIComponent(entryId())}`, forged],
			['POST', '/db/audit', forged],
			['POST', '/db/audit/_bulk_docs', JSON.stringify({ docs: [JSON.parse(forged)], new_edits: false })],
			['DELETE', `/db/audit/${encodeURIComponent(entryId())}?rev=${rev}`, undefined],
			['PUT', '/db/audit/_design/audit', JSON.stringify({ validate_doc_update: 'function(){}' })],
			['PUT', '/db/audit/_security', JSON.stringify({})],
			['GET', `/db/audit/${encodeURIComponent(entryId())}`, undefined],
			['GET', '/db/audit/_all_docs?include_docs=true', undefined],
			['GET', '/db/audit/_changes', undefined],
			['PUT', `/db/%61udit/${encodeURIComponent(entryId())}`, forged],
			['POST', '/db/%61%75%64%69%74/_bulk_docs', JSON.stringify({ docs: [JSON.parse(forged)] })],
			['PUT', `/db/intake/..%2Faudit%2F${encodeURIComponent(entryId())}`, forged],
			['PUT', '/db/audit', undefined],
			['DELETE', '/db/audit', undefined]
		];
		for (const session of [null, citizen, agentWorks, managerWorks, coordinator, minister]) {
			for (const [method, path, body] of requests) {
				const response = await fetch(server.base + path, { method, headers: { ...json, ...(session ? { cookie: session.cookie } : {}) }, body });
				const text = await response.text();
				expect([401, 403], `${session?.user.role ?? 'anonymous'} ${method} ${path}`).toContain(response.status);
				expect(text).not.toContain(ids.reply);
			}
		}
		const after = await server.store.use('audit').get(entryId());
		expect(after._rev).toBe(rev);
		expect(after).toMatchObject({ kind: 'reply', outcome: 'applied' });
	});

	it('refuses changes and deletions inside the store as well (validate_doc_update)', async () => {
		const audit = server.store.use<Record<string, unknown>>('audit');
		const current = await audit.get(entryId());
		await expect(audit.insert({ ...current, outcome: 'refused' })).rejects.toMatchObject({ statusCode: 403 });
		await expect(audit.destroy(entryId(), current._rev as string)).rejects.toMatchObject({ statusCode: 403 });
		await expect(audit.insert({ _id: 'not-audit', type: 'note' })).rejects.toMatchObject({ statusCode: 403 });
		expect((await audit.get(entryId()))._rev).toBe(current._rev);
	});
});
