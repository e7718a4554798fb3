/** GET /api/stats/overview through the real server: an entity manager sees their own entity only
 * (whatever scope they name), the minister's office any scope, other roles nothing; and the
 * figures are the ones query.overview computes from `stats`. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/lib/domain/doc-types.js';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { NATIONAL, STATS_DB, type StatsDoc } from '../../src/lib/domain/stats/model.js';
import { signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
const who = {} as Record<'minister' | 'manager' | 'agent' | 'citizen', Session>;
const today = () => localDateOf(new Date(), 'Asia/Bahrain');

function action(kind: string, caseKey: string, author: object, fields: Record<string, unknown> = {}) {
	const now = new Date().toISOString();
	return { _id: `act:${randomUUID()}`, type: 'action', kind, case_key: caseKey, client_time: now, device_id: 'stats-api', author, received_at: now, ...fields };
}

beforeAll(async () => {
	server = await startInProcess();
	const [minister, manager, agent, citizen] = await Promise.all([
		signInStaff(server.base, 'minister'),
		signInStaff(server.base, 'manager.works'),
		signInStaff(server.base, 'agent.works'),
		signInCitizen(server.base, '+97336200901')
	]);
	Object.assign(who, { minister, manager, agent, citizen });
	const submit = (i: number, category: string, type: string) =>
		action(
			'submit',
			randomUUID(),
			{ user_id: `capi${i}`, role: 'citizen' },
			{
				case_type: type,
				category_id: category,
				subject: `Case ${i}`,
				body: 'A clear description of the matter, long enough to pass the checks.',
				locale: 'en'
			}
		);
	await server.store.use(DB.INTAKE).bulk({
		docs: [submit(1, 'works-potholes', 'complaint'), submit(2, 'works-potholes', 'complaint'), submit(3, 'works-potholes', 'suggestion'), submit(4, 'health-appointments', 'complaint')] as never[]
	});
	await waitFor(
		async () => {
			const doc = await server.store
				.use<StatsDoc>(STATS_DB)
				.get(`y:${NATIONAL}:${today().slice(0, 4)}`)
				.catch(() => null);
			const n = (doc?.cells['complaint|works']?.received ?? 0) + (doc?.cells['complaint|health']?.received ?? 0);
			return n >= 3 ? true : undefined;
		},
		30_000,
		'cases counted'
	);
}, 60_000);
afterAll(() => server?.stop());

const get = (session: Session | null, query = '') => fetch(`${server.base}/api/stats/overview${query}`, { headers: session ? { cookie: session.cookie } : {} });

describe('GET /api/stats/overview', () => {
	it('gives a manager their own entity, categories as the groups', async () => {
		const response = await get(who.manager, `?from=${today()}&to=${today()}&trend=m`);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toContain('no-store');
		const body = await response.json();
		expect(body.overview.scope).toBe('works');
		expect(body.overview.headline).toMatchObject({ complaints: 2, suggestions: 1 });
		expect(body.overview.groups.map((g: { id: string }) => g.id)).toEqual(['works-potholes']);
		expect(body.overview.trend).toHaveLength(1);
		expect(JSON.stringify(body)).not.toContain('capi');
	});

	it('refuses a manager another entity or the nation', async () => {
		expect((await get(who.manager, '?scope=health')).status).toBe(403);
		expect((await get(who.manager, '?scope=_all')).status).toBe(403);
		expect((await get(who.manager, '?scope=works')).status).toBe(200);
	});

	it('gives the minister the nation or any entity', async () => {
		const national = await (await get(who.minister, `?from=${today()}&to=${today()}`)).json();
		expect(national.overview.scope).toBe(NATIONAL);
		expect(national.overview.headline.complaints).toBe(3);
		expect(national.overview.groups.map((g: { id: string }) => g.id)).toEqual(['health', 'works']);
		const health = await (await get(who.minister, `?scope=health&from=${today()}&to=${today()}&case_types=complaint`)).json();
		expect(health.overview.headline.cases).toBe(1);
	});

	it('refuses everyone else', async () => {
		expect((await get(null)).status).toBe(401);
		expect((await get(who.agent)).status).toBe(403);
		expect((await get(who.citizen)).status).toBe(403);
	});

	it('checks its parameters', async () => {
		expect((await get(who.minister, '?from=2026-02-31')).status).toBe(400);
		expect((await get(who.minister, '?from=2026-03-01&to=2026-02-01')).status).toBe(400);
		expect((await get(who.minister, '?trend=d')).status).toBe(400);
		expect((await get(who.minister, '?case_types=nonsense')).status).toBe(400);
		expect((await get(who.minister, '?no_due=maybe')).status).toBe(400);
	});
});
