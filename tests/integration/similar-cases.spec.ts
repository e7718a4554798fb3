/** GET /api/cases/:case_key/similar through the real server (issue 13): cases filed through the
 * intake and routed by the engine, then the most similar recent cases of the same entity with
 * their scores, for the entity's agents and managers only. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { SIMILAR_THRESHOLD } from '../../src/lib/domain/similar.js';
import { signInCast, startInProcess, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
const who = {} as Record<'minister' | 'manager' | 'agent' | 'healthAgent' | 'citizen', Session>;
const DAY = 86_400_000;
const keys = {} as Record<'pothole' | 'sameInDialect' | 'otherRoad' | 'pavement' | 'oldTwin' | 'healthTwin', string>;

const author = (s: Session) => ({ user_id: s.user.user_id, role: s.user.role, ...(s.user.entity_id ? { entity_id: s.user.entity_id } : {}) });
function submit(caseKey: string, at: Date, subject: string, body: string, category = 'works-potholes') {
	const time = at.toISOString();
	return {
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind: 'submit',
		case_key: caseKey,
		client_time: time,
		device_id: 'similar',
		author: author(who.citizen),
		received_at: time,
		case_type: 'complaint',
		category_id: category,
		subject,
		body,
		locale: 'ar'
	};
}

beforeAll(async () => {
	server = await startInProcess();
	Object.assign(who, await signInCast(server.base, '+97336200932'));
	for (const name of ['pothole', 'sameInDialect', 'otherRoad', 'pavement', 'oldTwin', 'healthTwin']) keys[name as keyof typeof keys] = randomUUID();
	const now = Date.now();
	const ago = (days: number) => new Date(now - days * DAY);
	await server.store.use(DB.INTAKE).bulk({
		docs: [
			submit(keys.pothole, ago(1), 'حفرة كبيرة في الطريق', 'حفرة كبيرة في طريق ٤٤١٧ أمام المنزل رقم ١٢ وخطيرة على السيارات'),
			submit(keys.sameInDialect, ago(3), 'حفره بالشارع', 'في حفره كبيره بالطريق 4417 جدام البيت رقم 12 خطيره على السيارات'),
			submit(keys.otherRoad, ago(2), 'حفرة في الطريق', 'حفرة كبيرة في طريق 2810 مجمع 228'),
			submit(keys.pavement, ago(2), 'الرصيف مكسور', 'الرصيف مكسر جنب الحديقة العامة ويحتاج تصليح'),
			submit(keys.oldTwin, ago(120), 'حفرة كبيرة في الطريق', 'حفرة كبيرة في طريق ٤٤١٧ أمام المنزل رقم ١٢ وخطيرة على السيارات'),
			submit(keys.healthTwin, ago(1), 'حفرة كبيرة في الطريق', 'حفرة كبيرة في طريق ٤٤١٧ أمام المنزل رقم ١٢ وخطيرة على السيارات', 'health-appointments')
		] as never[]
	});
	await waitFor(
		async () => {
			const cases = await server.store.use<CaseDoc>(DB.CASES).fetch({ keys: Object.values(keys).map((k) => `case:${k}`) });
			const docs = cases.rows.flatMap((r) => ('doc' in r && r.doc ? [r.doc as CaseDoc] : []));
			return docs.length === Object.keys(keys).length ? true : undefined;
		},
		30_000,
		'cases applied'
	);
}, 90_000);
afterAll(() => server?.stop());

const get = (session: Session | null, path: string) => fetch(`${server.base}${path}`, { headers: session ? { cookie: session.cookie } : {} });

describe('GET /api/cases/:case_key/similar', () => {
	it("gives an agent the entity's recent cases, the dialect paraphrase first and marked as a possible duplicate", async () => {
		const response = await get(who.agent, `/api/cases/${keys.pothole}/similar`);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toContain('no-store');
		const body = await response.json();
		expect(body).toMatchObject({ case_key: keys.pothole, entity_id: 'works', threshold: SIMILAR_THRESHOLD, window_days: 90 });
		const listed = body.cases.map((c: { case_key: string }) => c.case_key);
		expect(listed[0]).toBe(keys.sameInDialect);
		expect(body.cases[0].possible_duplicate).toBe(true);
		expect(body.cases[0].score).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
		const byKey = Object.fromEntries(body.cases.map((c: { case_key: string }) => [c.case_key, c]));
		expect(byKey[keys.otherRoad]?.possible_duplicate ?? false).toBe(false);
		expect(byKey[keys.pavement]?.possible_duplicate ?? false).toBe(false);
		// Not the case itself, nothing older than the window, nothing of another entity.
		expect(listed).not.toContain(keys.pothole);
		expect(listed).not.toContain(keys.oldTwin);
		expect(listed).not.toContain(keys.healthTwin);
		const scores = body.cases.map((c: { score: number }) => c.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
	});

	it('gives a manager the same list, cut to the limit asked', async () => {
		const body = await (await get(who.manager, `/api/cases/${keys.pothole}/similar?limit=1`)).json();
		expect(body.cases.map((c: { case_key: string }) => c.case_key)).toEqual([keys.sameInDialect]);
	});

	it('hides the case from staff of another entity and refuses other roles', async () => {
		expect((await get(who.healthAgent, `/api/cases/${keys.pothole}/similar`)).status).toBe(404);
		expect((await get(who.minister, `/api/cases/${keys.pothole}/similar`)).status).toBe(403);
		expect((await get(who.citizen, `/api/cases/${keys.pothole}/similar`)).status).toBe(403);
		expect((await get(null, `/api/cases/${keys.pothole}/similar`)).status).toBe(401);
	});

	it('answers hostile input with a clear error', async () => {
		const codeOf = async (path: string) => {
			const response = await get(who.agent, path);
			return [response.status, (await response.json()).error.code];
		};
		expect(await codeOf(`/api/cases/${keys.pothole}/similar?limit=0`)).toEqual([400, 'out_of_range']);
		expect(await codeOf(`/api/cases/${keys.pothole}/similar?limit=500`)).toEqual([400, 'invalid_format']);
		expect(await codeOf(`/api/cases/${keys.pothole}/similar?limit=abc`)).toEqual([400, 'invalid_format']);
		expect(await codeOf(`/api/cases/${keys.pothole}/similar?limit=1&limit=2`)).toEqual([400, 'invalid_format']);
		expect(await codeOf(`/api/cases/${keys.pothole}/similar?sort=x`)).toEqual([400, 'unknown_field']);
		expect(await codeOf(`/api/cases/..%2F_all_docs/similar`)).toEqual([404, 'case_not_found']);
		expect(await codeOf(`/api/cases/${randomUUID()}/similar`)).toEqual([404, 'case_not_found']);
	});
});
