/** /api/clusters under attack (issue 13): bodies too large, not JSON, with extra fields or odd
 * statuses are refused before anything is read; ids aimed at other documents or at another
 * entity's cluster find nothing; a flood of reads or changes is cut at its quota with a localised
 * 429 while a colleague is still served. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { createStaff } from '../../sync-server/src/auth/accounts.js';
import { CHANGES_PER_HOUR, READS_PER_MINUTE } from '../../sync-server/src/http/cluster-routes.js';
import { signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let manager: Session;
let minister: Session;
let healthManager: Session;
let clusterId: string;

beforeAll(async () => {
	server = await startInProcess();
	await createStaff(server.store, { username: 'manager.health', password: 'a-health-manager-password', role: 'manager', name: 'Health manager', entity_id: 'health' });
	const citizen = await signInCitizen(server.base, '+97336200951');
	[manager, minister, healthManager] = await Promise.all([
		signInStaff(server.base, 'manager.works'),
		signInStaff(server.base, 'minister'),
		signInStaff(server.base, 'manager.health', 'a-health-manager-password')
	]);
	const action = submitAction({ author: { user_id: citizen.user.user_id, role: 'citizen' } });
	clusterId = action.case_key as string;
	await server.store.use(DB.INTAKE).insert({ ...action, received_at: new Date().toISOString() } as never);
	await waitFor(
		async () =>
			(await server.store
				.use<CaseDoc>(DB.CASES)
				.get(`case:${clusterId}`)
				.catch(() => undefined)) ?? undefined,
		30_000,
		'case applied'
	);
	await waitFor(
		async () =>
			(await server.store
				.use('clusters')
				.get(`cluster:works:${clusterId}`)
				.catch(() => undefined))
				? true
				: undefined,
		30_000,
		'cluster made'
	);
}, 90_000);
afterAll(() => server?.stop());

const send = (session: Session, path: string, body: string, type = 'application/json') =>
	fetch(`${server.base}${path}`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': type }, body });
const status = (session: Session, id: string, body: unknown) => send(session, `/api/clusters/${id}/status`, JSON.stringify(body));

describe('clusters API under attack', () => {
	it('refuses bodies that are too large, not JSON, or carry more than a status', async () => {
		const cases: [string, string, number, string][] = [
			[JSON.stringify({ status: 'under_study', pad: 'x'.repeat(5000) }), 'application/json', 413, 'payload_too_large'],
			['{"status":', 'application/json', 400, 'invalid_format'],
			[JSON.stringify(['under_study']), 'application/json', 400, 'invalid_format'],
			[JSON.stringify({ status: 'under_study', entity_id: 'health' }), 'application/json', 400, 'unknown_field'],
			[JSON.stringify({ status: 7 }), 'application/json', 400, 'invalid_format'],
			[JSON.stringify({ status: 'closed' }), 'application/json', 400, 'invalid_format'],
			[JSON.stringify({}), 'application/json', 400, 'invalid_format']
		];
		for (const [body, type, code, error] of cases) {
			const response = await send(manager, `/api/clusters/${clusterId}/status`, body, type);
			expect([response.status, (await response.json()).error.code]).toEqual([code, error]);
		}
		const stored = await server.store.use<{ status: string }>('clusters').get(`cluster:works:${clusterId}`);
		expect(stored.status).toBe('open');
	});

	it("finds nothing for ids aimed at other documents or at another entity's cluster", async () => {
		for (const id of ['_design%2Fclusters', '..%2F..%2Fauth', 'works%3A' + clusterId, randomUUID(), clusterId.toUpperCase()]) {
			const response = await status(manager, id, { status: 'under_study' });
			expect(response.status).toBe(404);
		}
		expect((await status(healthManager, clusterId, { status: 'under_study' })).status).toBe(404);
		expect((await fetch(`${server.base}/api/clusters?scope=..%2Fauth`, { headers: { cookie: minister.cookie } })).status).toBe(400);
		expect((await fetch(`${server.base}/api/clusters?scope=works&scope=health`, { headers: { cookie: minister.cookie } })).status).toBe(400);
	});

	it('cuts a flood of reads at the quota with a 429, and serves a colleague meanwhile', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < READS_PER_MINUTE + 5; i++) {
			const response = await fetch(`${server.base}/api/clusters`, { headers: { cookie: manager.cookie } });
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		const served = statuses.filter((s) => s === 200).length;
		expect(served).toBeGreaterThanOrEqual(READS_PER_MINUTE);
		expect(served).toBeLessThan(READS_PER_MINUTE + 5);
		expect(statuses).toContain(429);
		expect((await fetch(`${server.base}/api/clusters`, { headers: { cookie: minister.cookie } })).status).toBe(200);
	});

	it('cuts a flood of status changes at the hourly quota', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < CHANGES_PER_HOUR + 3; i++) {
			const response = await status(healthManager, clusterId, { status: 'under_study' });
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(CHANGES_PER_HOUR - 10);
		expect(statuses.at(-1)).toBe(429);
	});
});
