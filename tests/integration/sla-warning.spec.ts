/** The SLA early warning through the real server (issue 16, part 2): cases filed with their
 * arrival moved into the past (the gate's `received_at` is when the clock starts), then the
 * warnings per role — an agent's own and unheld cases, a manager's entity with who holds each and
 * the queue of low ratings and reopenings, the minister's counts per entity — and nothing of one
 * entity for an agent of another. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../src/lib/domain/calendar.js';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { warningHorizon } from '../../src/lib/domain/sla-warning.js';
import { CatalogueSource } from '../../sync-server/src/engine/catalogue.js';
import { signInCast, startInProcess, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
const who = {} as Record<'minister' | 'manager' | 'agent' | 'healthAgent' | 'citizen', Session>;
const DAY = 86_400_000;
const keys = {} as Record<'late' | 'dueSoon' | 'notYet' | 'paused' | 'answered' | 'reopened' | 'managers' | 'health', string>;

const author = (s: Session) => ({ user_id: s.user.user_id, role: s.user.role, ...(s.user.entity_id ? { entity_id: s.user.entity_id } : {}) });
function action(kind: string, caseKey: string, by: object, at: Date, fields: Record<string, unknown> = {}) {
	const time = at.toISOString();
	return { _id: `act:${randomUUID()}`, type: 'action', kind, case_key: caseKey, client_time: time, device_id: 'sla-warning', author: by, received_at: time, ...fields };
}
function submit(caseKey: string, at: Date, category = 'works-potholes') {
	return action('submit', caseKey, author(who.citizen), at, {
		case_type: 'complaint',
		category_id: category,
		subject: `Warning ${caseKey.slice(0, 8)}`,
		body: 'A clear description of the matter, long enough to pass the checks.',
		locale: 'en'
	});
}

beforeAll(async () => {
	server = await startInProcess();
	Object.assign(who, await signInCast(server.base, '+97336200931'));
	for (const name of Object.keys({ late: 0, dueSoon: 0, notYet: 0, paused: 0, answered: 0, reopened: 0, managers: 0, health: 0 })) keys[name as keyof typeof keys] = randomUUID();

	const { settings, calendar } = await new CatalogueSource(server.store).get();
	const now = new Date();
	const horizon = warningHorizon(now, 1, calendar);
	// An arrival whose due date falls between now and the end of the next working day, found with
	// the same calendar the server uses (weekends and holidays move it).
	let dueSoonAt: Date | null = null;
	for (let back = 1; back <= 30 && !dueSoonAt; back++) {
		const at = new Date(now.getTime() - back * DAY);
		const due = addWorkingDays(at, settings.response_days, calendar);
		if (due > now && due <= horizon) dueSoonAt = at;
	}
	if (!dueSoonAt) throw new Error('no arrival day gives a due date within one working day');
	const monthAgo = new Date(now.getTime() - 30 * DAY);
	const later = (ms: number) => new Date(now.getTime() - 60_000 + ms);

	await server.store.use(DB.INTAKE).bulk({
		docs: [
			submit(keys.late, monthAgo),
			submit(keys.dueSoon, dueSoonAt),
			action('note', keys.dueSoon, author(who.agent), later(1), { body: 'On it' }),
			submit(keys.notYet, later(2)),
			submit(keys.paused, monthAgo),
			action('request_info', keys.paused, author(who.agent), later(3), { body: 'Which road exactly?' }),
			submit(keys.answered, monthAgo),
			action('reply', keys.answered, author(who.agent), later(4), { body: 'Repaired.' }),
			submit(keys.reopened, monthAgo),
			action('reply', keys.reopened, author(who.agent), later(5), { body: 'Done.' }),
			action('reopen', keys.reopened, author(who.citizen), later(6), { reason: 'It is still broken' }),
			submit(keys.managers, monthAgo),
			action('note', keys.managers, author(who.manager), later(7), { body: 'I will call them' }),
			submit(keys.health, monthAgo, 'health-appointments')
		] as never[]
	});
	const answered = await waitFor(
		async () => {
			const doc = await server.store
				.use<CaseDoc>(DB.CASES)
				.get(`case:${keys.answered}`)
				.catch(() => null);
			return doc?.status === 'answered' ? doc : undefined;
		},
		30_000,
		'reply applied'
	);
	const reply = answered.timeline.find((e) => e.kind === 'reply')!;
	await server.store
		.use(DB.INTAKE)
		.insert(
			action('rate', keys.answered, author(who.citizen), later(8), { reply_action_id: reply.action_id, scores: { handling: 1, clarity: 2, courtesy: 4, ease_of_use: 5 }, body: 'Nobody came' }) as never
		);
	await waitFor(
		async () => {
			const cases = await server.store.use<CaseDoc>(DB.CASES).fetch({ keys: Object.values(keys).map((k) => `case:${k}`) });
			const docs = cases.rows.flatMap((r) => ('doc' in r && r.doc ? [r.doc as CaseDoc] : []));
			const ready = docs.length === Object.keys(keys).length && docs.find((d) => d.case_key === keys.answered)?.low_rating && docs.find((d) => d.case_key === keys.reopened)?.reopened;
			return ready ? true : undefined;
		},
		30_000,
		'cases applied'
	);
}, 90_000);
afterAll(() => server?.stop());

const get = (session: Session | null, path: string) => fetch(`${server.base}${path}`, { headers: session ? { cookie: session.cookie } : {} });
const listed = (body: { cases: { case_key: string; warning: string }[] }) => Object.fromEntries(body.cases.map((c) => [c.case_key, c.warning]));

describe('GET /api/sla/warnings', () => {
	it('gives a manager every late and due-soon case of the entity, with who holds it', async () => {
		const response = await get(who.manager, '/api/sla/warnings');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toContain('no-store');
		const body = await response.json();
		expect(body).toMatchObject({ entity_id: 'works', working_days: 1, truncated: false });
		expect(listed(body)).toEqual({ [keys.late]: 'late', [keys.managers]: 'late', [keys.dueSoon]: 'due_soon' });
		const byKey = Object.fromEntries(body.cases.map((c: { case_key: string }) => [c.case_key, c]));
		expect(byKey[keys.dueSoon].handler).toBe(who.agent.user.user_id);
		expect(byKey[keys.managers].handler).toBe(who.manager.user.user_id);
		expect(byKey[keys.late].handler).toBeNull();
		expect(Object.keys(body.staff).sort()).toEqual([who.agent.user.user_id, who.manager.user.user_id].sort());
		// Oldest date first.
		const dates = body.cases.map((c: { due_at: string }) => c.due_at);
		expect(dates).toEqual([...dates].sort());
	});

	it("gives an agent their own cases and those nobody holds, not a colleague's", async () => {
		const body = await (await get(who.agent, '/api/sla/warnings')).json();
		expect(listed(body)).toEqual({ [keys.late]: 'late', [keys.dueSoon]: 'due_soon' });
	});

	it('gives an agent of another entity nothing of it', async () => {
		const body = await (await get(who.healthAgent, '/api/sla/warnings')).json();
		expect(body.entity_id).toBe('health');
		expect(listed(body)).toEqual({ [keys.health]: 'late' });
		expect(JSON.stringify(body)).not.toContain(keys.late);
	});

	it("refuses the minister's office, citizens and strangers", async () => {
		expect((await get(who.minister, '/api/sla/warnings')).status).toBe(403);
		expect((await get(who.citizen, '/api/sla/warnings')).status).toBe(403);
		expect((await get(null, '/api/sla/warnings')).status).toBe(401);
	});
});

describe('GET /api/sla/attention', () => {
	it('queues the low rating with the criteria that scored low, and the reopened case', async () => {
		const response = await get(who.manager, '/api/sla/attention');
		expect(response.status).toBe(200);
		const { items } = await response.json();
		const low = items.find((i: { case_key: string }) => i.case_key === keys.answered);
		expect(low).toMatchObject({
			kind: 'low_rating',
			comment: 'Nobody came',
			low_criteria: [
				{ criterion: 'handling', score: 1 },
				{ criterion: 'clarity', score: 2 }
			]
		});
		expect(items.find((i: { case_key: string }) => i.case_key === keys.reopened)).toMatchObject({ kind: 'reopened', reason: 'It is still broken', reopened: 1, status: 'open' });
		expect(items).toHaveLength(2);
	});

	it('is for managers only', async () => {
		expect((await get(who.agent, '/api/sla/attention')).status).toBe(403);
		expect((await get(who.healthAgent, '/api/sla/attention')).status).toBe(403);
		expect((await get(who.minister, '/api/sla/attention')).status).toBe(403);
	});
});

describe('GET /api/sla/at-risk', () => {
	it("gives the minister's office counts per entity, and nothing about the cases", async () => {
		const response = await get(who.minister, '/api/sla/at-risk');
		expect(response.status).toBe(200);
		const body = await response.json();
		expect(body.entities).toEqual([
			{ entity_id: 'works', late: 2, due_soon: 1 },
			{ entity_id: 'health', late: 1, due_soon: 0 }
		]);
		const text = JSON.stringify(body);
		for (const key of Object.values(keys)) expect(text).not.toContain(key);
		expect(text).not.toContain('Warning');
	});

	it('is refused to entity staff', async () => {
		expect((await get(who.manager, '/api/sla/at-risk')).status).toBe(403);
		expect((await get(who.agent, '/api/sla/at-risk')).status).toBe(403);
	});
});
