/** GET /api/cases/:case_key/similar under attack (issue 13): a flood from one staff member is cut
 * at the per-minute quota with a localised 429 while a colleague is still served, and keys that
 * try to reach other documents or other entities' cases find nothing. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { SIMILAR_PER_MINUTE } from '../../sync-server/src/http/similar-routes.js';
import { signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import ar from '../../messages/ar.json' with { type: 'json' };
import en from '../../messages/en.json' with { type: 'json' };

let server: Awaited<ReturnType<typeof startInProcess>>;
let agent: Session;
let manager: Session;
let healthAgent: Session;
let caseKey: string;

beforeAll(async () => {
	server = await startInProcess();
	const citizen = await signInCitizen(server.base, '+97336200933');
	[agent, manager, healthAgent] = await Promise.all([signInStaff(server.base, 'agent.works'), signInStaff(server.base, 'manager.works'), signInStaff(server.base, 'agent.health')]);
	const action = submitAction({ category_id: 'works-potholes', author: { user_id: citizen.user.user_id, role: 'citizen' } });
	caseKey = action.case_key as string;
	await server.store.use(DB.INTAKE).insert({ ...action, received_at: new Date().toISOString() } as never);
	await waitFor(
		async () =>
			(await server.store
				.use<CaseDoc>(DB.CASES)
				.get(`case:${caseKey}`)
				.catch(() => undefined)) ?? undefined,
		30_000,
		'case applied'
	);
}, 90_000);
afterAll(() => server?.stop());

const get = (session: Session, path: string) => fetch(`${server.base}${path}`, { headers: { cookie: session.cookie } });

describe('similar cases lookup under attack', () => {
	it("finds nothing for keys aimed at other documents or another entity's case", async () => {
		for (const key of ['_design%2Fsimilar', '..%2F..%2Fauth', '%00', 'x'.repeat(300), randomUUID().toUpperCase()]) {
			const response = await get(agent, `/api/cases/${key}/similar`);
			expect(response.status).toBe(404);
			expect((await response.json()).error.code).toBe('case_not_found');
		}
		expect((await get(healthAgent, `/api/cases/${caseKey}/similar`)).status).toBe(404);
	});

	it('cuts a flood at the quota with a localised 429, and serves a colleague meanwhile', async () => {
		const statuses: number[] = [];
		let refusal: { error: { code: string; message_key?: string } } | null = null;
		for (let i = 0; i < SIMILAR_PER_MINUTE + 5; i++) {
			const response = await get(manager, `/api/cases/${caseKey}/similar`);
			statuses.push(response.status);
			if (response.status === 429) refusal ??= await response.json();
			else await response.arrayBuffer();
		}
		const served = statuses.filter((s) => s === 200).length;
		// The minute may turn during the flood; at most two minutes' worth are served.
		expect(served).toBeGreaterThanOrEqual(SIMILAR_PER_MINUTE);
		expect(served).toBeLessThan(SIMILAR_PER_MINUTE + 5);
		expect(refusal?.error.code).toBe('rate_limited');
		expect(ar.errors.rate_limited).toBeTruthy();
		expect(en.errors.rate_limited).toBeTruthy();
		expect((await get(agent, `/api/cases/${caseKey}/similar`)).status).toBe(200);
	});
});
