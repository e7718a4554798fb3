/** Suggestions to their end, through the real server (issue 14): a citizen proposes, the entity's
 * manager studies, accepts with a target date and records what was carried out; the citizen sees
 * each step in their case and gets one SMS per step; the implemented suggestion is published
 * without personal data (named only with consent) and shown on the public pages, which anyone
 * reads without signing in and which proxies may cache. An agent deciding, a decline without a
 * reason, a target date in the past and a huge text are refused, and change nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { followUp, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, waitFor, settled, local, remote, restartReplaying, type Session } from './harness.js';
import { pullDoc, push } from './rating-helpers.js';
import { buildReport } from '../../src/lib/domain/stats/report.js';
import { entityNames, storeReader } from '../../sync-server/src/stats/store-reader.js';
import { publishSuggestion } from '../../sync-server/src/public/publish.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const PHONE_NAMED = '+97336000711';
const PHONE_UNNAMED = '+97336000712';
const PUBLIC_URL = 'https://tawasul.example';
const DATA_DIR = tempDir();
const ENV = { DATA_DIR, PUBLIC_URL };
let server: Server;
let named: Session;
let unnamed: Session;
let manager: Session;
let agent: Session;

const TODAY = () => localDateOf(new Date(), 'Asia/Bahrain');
const dayAfter = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
	server = await startInProcess(ENV);
	named = await signInCitizen(server.base, PHONE_NAMED);
	unnamed = await signInCitizen(server.base, PHONE_UNNAMED);
	manager = await signInStaff(server.base, 'manager.works');
	agent = await signInStaff(server.base, 'agent.works');
	// Both proposers have a name on their account (as an eKey sign-in gives); only one agrees to be named.
	for (const [session, name] of [
		[named, 'Fatima Al-Sayed'],
		[unnamed, 'Hassan Radhi']
	] as const) {
		const accounts = server.store.use<{ name: string }>('auth');
		const account = await accounts.get(`account:${session.user.user_id}`);
		await accounts.insert({ ...account, name });
	}
});

afterAll(async () => {
	await server?.stop();
});

async function texts(phone: string): Promise<string[]> {
	const outbox = await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}&limit=100`)).json();
	return (outbox.messages as { text: string }[]).map((m) => m.text).filter((text) => !/\b\d{6}\b/.test(text) || text.includes('suggestion'));
}

async function step(session: Session, action: Record<string, unknown>): Promise<void> {
	await push(server.base, session, [action]);
	await settled(server);
}

async function rejectionOf(session: Session, actionId: string): Promise<{ code: string }> {
	const mirror = local('rejections');
	return waitFor(
		async () => {
			await mirror.replicate.from(remote(server.base, `u_${session.user.user_id}`, session));
			return mirror.get(`rejection:${actionId}`).catch(() => undefined);
		},
		20_000,
		`rejection of ${actionId}`
	);
}

async function published(): Promise<Record<string, unknown>[]> {
	const rows = await server.store.use('public').list({ include_docs: true });
	return rows.rows.map((r) => r.doc as Record<string, unknown>);
}

async function propose(session: Session, subject: string, consent: boolean) {
	const submit = submitAction({ case_type: 'suggestion', category_id: 'works-general', subject, body: 'Please let people do this without visiting a service centre.', name_consent: consent });
	await step(session, submit);
	await pullDoc(server.base, manager, 'e_works', `case:${submit.case_key}`);
	return submit.case_key;
}

describe('a suggestion from received to implemented', () => {
	let caseKey: string;
	const stepIds: string[] = [];

	it('texts the proposer once per step, shows each step in their case, and publishes the implemented suggestion', async () => {
		caseKey = await propose(named, 'Register for eKey at the self-service machines', true);
		const target = dayAfter(TODAY(), 30);
		const steps = [
			{ suggestion_state: 'under_study', body: 'Our e-services team is studying this.' },
			{ suggestion_state: 'accepted', target_date: target },
			{ suggestion_state: 'implemented', body: 'eKey registration is now offered at all 40 self-service machines.', implemented_on: TODAY(), link: 'https://www.bahrain.bh/ekey' }
		];
		const expected = [/is studying your suggestion/, new RegExp(`plans to carry it out by ${target}`), /carried out your suggestion/];
		for (const [i, fields] of steps.entries()) {
			const before = await texts(PHONE_NAMED);
			const action = followUp(caseKey, 'suggestion_status', fields);
			stepIds.push(action._id);
			await step(manager, action);
			const added = (await texts(PHONE_NAMED)).filter((text) => !before.includes(text));
			expect(added).toHaveLength(1);
			expect(added[0]).toMatch(expected[i]);
		}

		const seen = await pullDoc(server.base, named, `u_${named.user.user_id}`, `case:${caseKey}`, (doc) => doc.suggestion_state === 'implemented');
		expect(seen.timeline.slice(1).map((e: Record<string, unknown>) => [e.suggestion_state, e.target_date ?? null, e.implemented_on ?? null])).toEqual([
			['under_study', null, null],
			['accepted', target, null],
			['implemented', null, TODAY()]
		]);
		expect(seen.suggestion).toMatchObject({ state: 'implemented', link: 'https://www.bahrain.bh/ekey' });

		const docs = await published();
		expect(docs).toHaveLength(1);
		expect(docs[0]).toMatchObject({
			type: 'public_suggestion',
			title: 'Register for eKey at the self-service machines',
			change: 'eKey registration is now offered at all 40 self-service machines.',
			implemented_on: TODAY(),
			link: 'https://www.bahrain.bh/ekey',
			entity_id: 'works',
			proposer_name: 'Fatima Al-Sayed'
		});
		const text = JSON.stringify(docs[0]);
		for (const secret of [caseKey, named.user.user_id, PHONE_NAMED, seen.ref, 'without visiting a service centre']) expect(text).not.toContain(secret);
	});

	it('queued one SMS job per step, and queues none again when the engine replays its feed', async () => {
		const jobs = async () => (await server.store.use<{ source: string }>('sms').list({ include_docs: true, startkey: 'job:notice:', endkey: 'job:notice:\uffff' })).rows.map((r) => r.doc!.source);
		const mine = (all: string[]) => all.filter((source) => stepIds.some((id) => source === `notice:${id}`));
		expect(mine(await jobs()).sort()).toEqual(stepIds.map((id) => `notice:${id}`).sort());
		const before = await published();
		// The same actions again, as a restart after a crash would bring them: nothing new.
		server = await restartReplaying(server, DATA_DIR, ENV);
		expect(mine(await jobs())).toHaveLength(3);
		expect(await published()).toEqual(before);
	});
});

describe('decisions refused', () => {
	let caseKey: string;
	beforeAll(async () => {
		caseKey = await propose(unnamed, 'Shade at the bus stops of Road 12', false);
	});

	it.each<[string, () => Session, Record<string, unknown>, string]>([
		['an agent deciding', () => agent, { suggestion_state: 'under_study' }, 'not_allowed'],
		['a decline without a reason', () => manager, { suggestion_state: 'declined' }, 'required'],
		['a target date in the past', () => manager, { suggestion_state: 'accepted', target_date: '2020-01-01' }, 'date_in_past'],
		['implemented straight from received', () => manager, { suggestion_state: 'implemented', body: 'Done.', implemented_on: TODAY() }, 'invalid_transition'],
		['an agent declining, with a reason', () => agent, { suggestion_state: 'declined', reason: 'Not ours to decide.' }, 'not_allowed']
	])('refuses %s, and tells nobody', async (_name, who, fields, code) => {
		const before = await texts(PHONE_UNNAMED);
		const action = followUp(caseKey, 'suggestion_status', fields);
		await step(who(), action);
		expect((await rejectionOf(who(), action._id)).code).toBe(code);
		const current = await pullDoc(server.base, manager, 'e_works', `case:${caseKey}`);
		expect(current.suggestion_state).toBeUndefined();
		expect(await texts(PHONE_UNNAMED)).toEqual(before);
	});

	it('refuses a huge text at the gate, with the field and the reason', async () => {
		const action = followUp(caseKey, 'suggestion_status', { suggestion_state: 'declined', reason: 'x'.repeat(200_000) });
		const response = await fetch(`${server.base}/db/intake/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: manager.cookie },
			body: JSON.stringify({ docs: [action] })
		});
		const body = JSON.stringify(await response.json());
		expect(body).toContain('too_long');
		expect(body).toContain('reason');
		expect(
			await server.store
				.use('intake')
				.get(action._id)
				.catch(() => null)
		).toBeNull();
	});

	it('publishes the suggestion of a proposer who did not consent without their name', async () => {
		await step(manager, followUp(caseKey, 'suggestion_status', { suggestion_state: 'accepted', target_date: TODAY() }));
		await step(manager, followUp(caseKey, 'suggestion_status', { suggestion_state: 'implemented', body: 'Shades were put up at 12 bus stops.', implemented_on: TODAY() }));
		const doc = await waitFor(async () => (await published()).find((d) => d.title === 'Shade at the bus stops of Road 12'), 20_000, 'the publication');
		expect(doc.proposer_name).toBeNull();
		const text = JSON.stringify(doc);
		for (const secret of ['Hassan', caseKey, unnamed.user.user_id, PHONE_UNNAMED]) expect(text).not.toContain(secret);
	});
});

describe('the public pages', () => {
	it('serve the implemented suggestions as HTML with Open Graph tags, in Arabic and English, cacheable', async () => {
		const ar = await fetch(`${server.base}/public`);
		expect(ar.status).toBe(200);
		expect(ar.headers.get('content-type')).toMatch(/^text\/html/);
		expect(ar.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
		const html = await ar.text();
		expect(html).toContain('<html lang="ar" dir="rtl">');
		expect(html).toContain('<meta property="og:title" content="اقتراحات المواطنين المنفّذة">');
		expect(html).toContain(`<link rel="canonical" href="${PUBLIC_URL}/public">`);
		expect(html).toContain('Register for eKey at the self-service machines');
		expect(html).toContain('Fatima Al-Sayed');
		expect(html).toContain('Shade at the bus stops of Road 12');
		expect(html).not.toContain('Hassan');
		expect(html).toContain('href="https://www.bahrain.bh/ekey"');

		const en = await fetch(`${server.base}/public/en`);
		const english = await en.text();
		expect(english).toContain('<html lang="en" dir="ltr">');
		expect(english).toContain('<meta property="og:locale" content="en_GB">');
		expect(english).toContain('Citizens&#39; suggestions carried out');
		expect(english).toContain('A citizen (name not shown)');

		// A proxy's revalidation: the same page, unchanged, is not sent again.
		const again = await fetch(`${server.base}/public/en`, { headers: { 'if-none-match': en.headers.get('etag')! } });
		expect(again.status).toBe(304);
	});

	it('list themselves in /sitemap.xml at the public address', async () => {
		const response = await fetch(`${server.base}/sitemap.xml`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
		const xml = await response.text();
		expect(xml).toContain(`<loc>${PUBLIC_URL}/public</loc>`);
		expect(xml).toContain(`<loc>${PUBLIC_URL}/public/en</loc>`);
		expect(xml).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}T/);
	});

	it('publish the figures of the annual report, the same numbers as npm run report, as HTML and as open data', async () => {
		await settled(server);
		const today = TODAY();
		const year = Number(today.slice(0, 4));
		const expected = await buildReport(storeReader(server.store), { from: `${year}-01-01`, to: today, names: await entityNames(server.store) });
		expect(expected.national.suggestions).toBeGreaterThanOrEqual(2);
		// The pages hold what they read for a while; a fresh server reads it now.
		await server.stop();
		server = await startInProcess(ENV);

		const data = await (await fetch(`${server.base}/public/figures.json`)).json();
		expect(data.periods.map((p: { year: number; complete: boolean }) => [p.year, p.complete])).toEqual([
			[year, false],
			[year - 1, true]
		]);
		const [current] = data.periods;
		expect({ ...current.report, generated_at: null }).toEqual({ ...expected, generated_at: null });

		const page = await fetch(`${server.base}/public/en/figures`);
		expect(page.status).toBe(200);
		expect(page.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
		const html = await page.text();
		const shown = (field: string, within: string) => new RegExp(`${within}[\\s\\S]*?data-figure="${field}" data-value="([^"]*)"`).exec(html)?.[1];
		expect(shown('suggestions', `data-year="${year}"`)).toBe(String(expected.national.suggestions));
		expect(shown('inquiries_and_complaints', `data-year="${year}"`)).toBe(String(expected.national.inquiries_and_complaints));
		expect(shown('suggestions', 'data-entity="works"')).toBe(String(expected.entities.find((e) => e.entity_id === 'works')!.suggestions));
		expect(html).toContain('Ministry of Works');
		const ar = await (await fetch(`${server.base}/public/figures`)).text();
		expect(ar).toContain('<html lang="ar" dir="rtl">');
		expect(ar).toContain('وزارة الأشغال');
		expect(await (await fetch(`${server.base}/sitemap.xml`)).text()).toContain(`<loc>${PUBLIC_URL}/public/figures</loc>`);
	});

	it('need no session and set none', async () => {
		const response = await fetch(`${server.base}/public`);
		expect(response.headers.get('set-cookie')).toBeNull();
	});
});

describe('coordinators oversee what is published', () => {
	let coordinator: Session;
	const admin = async (method: string, route: string, session: Session, body?: unknown) => {
		const response = await fetch(`${server.base}${route}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: session.cookie },
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
		});
		return { status: response.status, body: await response.json().catch(() => null) };
	};
	const publicPage = async () => (await fetch(`${server.base}/public/en`)).text();
	const auditKinds = async () => (await admin('GET', '/api/audit?limit=200', coordinator)).body.entries.map((e: { kind: string }) => e.kind);

	beforeAll(async () => {
		coordinator = await signInStaff(server.base, 'coordinator');
		manager = await signInStaff(server.base, 'manager.works');
	});

	it('lists the published suggestions to coordinators only', async () => {
		const listed = await admin('GET', '/api/admin/published', coordinator);
		expect(listed.status).toBe(200);
		expect(listed.body.suggestions.map((s: { title: string }) => s.title).sort()).toEqual(['Register for eKey at the self-service machines', 'Shade at the bus stops of Road 12']);
		const shade = listed.body.suggestions.find((s: { title: string }) => s.title.startsWith('Shade'));
		expect((await admin('GET', '/api/admin/published', manager)).status).toBe(403);
		expect((await admin('POST', `/api/admin/published/${encodeURIComponent(shade._id)}/withdraw`, manager, { reason: 'Not wanted' })).status).toBe(403);
	});

	it('rewords, withdraws with a reason and restores, each audited and seen on the public pages at once', async () => {
		const [shade] = (await admin('GET', '/api/admin/published', coordinator)).body.suggestions.filter((s: { title: string }) => s.title.startsWith('Shade'));
		const route = (action: string) => `/api/admin/published/${encodeURIComponent(shade._id)}/${action}`;

		const reworded = await admin('POST', route('edit'), coordinator, { title: 'Shade at the bus stops of Road 12 in Sitra' });
		expect(reworded.status).toBe(200);
		expect(reworded.body.suggestion).toMatchObject({ title: 'Shade at the bus stops of Road 12 in Sitra', change: 'Shades were put up at 12 bus stops.', edited: { by: coordinator.user.user_id } });
		expect(await publicPage()).toContain('Shade at the bus stops of Road 12 in Sitra');

		const noReason = await admin('POST', route('withdraw'), coordinator, {});
		expect(noReason.status).toBe(400);
		expect(noReason.body.error.fields).toEqual([expect.objectContaining({ field: 'reason', code: 'required' })]);
		expect(await publicPage()).toContain('Shade at the bus stops');

		const withdrawn = await admin('POST', route('withdraw'), coordinator, { reason: 'The proposer asked for it to be taken down' });
		expect(withdrawn.status).toBe(200);
		expect(withdrawn.body.suggestion.withdrawn).toMatchObject({ reason: 'The proposer asked for it to be taken down', by: coordinator.user.user_id });
		const page = await publicPage();
		expect(page).not.toContain('Shade at the bus stops');
		expect(page).toContain('Register for eKey at the self-service machines');
		// Still listed for coordinators, with the reason.
		const listed = (await admin('GET', '/api/admin/published', coordinator)).body.suggestions;
		expect(listed.find((s: { _id: string }) => s._id === shade._id).withdrawn.reason).toBe('The proposer asked for it to be taken down');

		// A replay of the implementing action (a restart after a crash) does not put it back.
		const implementing = shade._id.split(':').slice(2).join(':');
		expect(await publishSuggestion({ store: server.store }, { action_id: `act:${implementing}`, case_key: 'unused' })).toBe('not_implemented');
		const caseKey = (await server.store.use<{ case_key: string; type: string; subject: string }>('cases').list({ include_docs: true })).rows.find(
			(r) => r.doc?.subject === 'Shade at the bus stops of Road 12'
		)!.doc!.case_key;
		expect(await publishSuggestion({ store: server.store }, { action_id: `act:${implementing}`, case_key: caseKey })).toBe('already_published');
		expect(await publicPage()).not.toContain('Shade at the bus stops');

		const restored = await admin('POST', route('restore'), coordinator, {});
		expect(restored.status).toBe(200);
		expect(restored.body.suggestion.withdrawn).toBeUndefined();
		expect(await publicPage()).toContain('Shade at the bus stops of Road 12 in Sitra');

		const kinds = await auditKinds();
		for (const kind of ['admin.published.edit', 'admin.published.withdraw', 'admin.published.restore']) expect(kinds).toContain(kind);
	});

	it('refuses bad input: unknown ids and fields, texts too long or too short, a huge body', async () => {
		const [one] = (await admin('GET', '/api/admin/published', coordinator)).body.suggestions;
		const route = (action: string, id = one._id) => `/api/admin/published/${encodeURIComponent(id)}/${action}`;
		expect((await admin('POST', route('withdraw', 'sug:2026-01-01:no-such'), coordinator, { reason: 'Gone' })).status).toBe(404);
		expect((await admin('POST', route('withdraw', '../_design/x'), coordinator, { reason: 'Gone' })).status).toBe(404);
		const unknownField = await admin('POST', route('edit'), coordinator, { title: 'A fine title', proposer_name: 'Someone' });
		expect(unknownField.status).toBe(400);
		expect(unknownField.body.error.fields).toEqual([expect.objectContaining({ field: 'proposer_name', code: 'invalid_format' })]);
		const long = await admin('POST', route('edit'), coordinator, { title: 'x'.repeat(1000) });
		expect(long.body.error.fields).toEqual([expect.objectContaining({ field: 'title', code: 'too_long' })]);
		expect((await admin('POST', route('withdraw'), coordinator, { reason: 'x' })).body.error.fields).toEqual([expect.objectContaining({ field: 'reason', code: 'too_short' })]);
		expect((await admin('POST', route('edit'), coordinator, JSON.stringify({ change: 'y'.repeat(200_000) }))).status).toBe(413);
		expect((await admin('GET', '/api/admin/published', coordinator)).body.suggestions.find((s: { _id: string }) => s._id === one._id)).toEqual(one);
	});
});

describe('similar suggestions merged', () => {
	const PHONES = { first: '+97336000721', second: '+97336000722', late: '+97336000723' };
	const keys = { first: '', second: '', late: '' };
	const sessions = {} as Record<keyof typeof PHONES, Session>;
	const target = () => dayAfter(TODAY(), 45);
	const latest = async (phone: string, since: string[]) => (await texts(phone)).filter((text) => !since.includes(text));

	beforeAll(async () => {
		for (const [who, phone] of Object.entries(PHONES) as [keyof typeof PHONES, string][]) sessions[who] = await signInCitizen(server.base, phone);
		keys.first = await propose(sessions.first, 'Drinking water fountains in the public parks', false);
		keys.second = await propose(sessions.second, 'Water fountains for drinking in parks', false);
		keys.late = await propose(sessions.late, 'Please put drinking fountains in the parks', false);
	});

	it('offers only suggestions as candidates to merge a suggestion with', async () => {
		const similar = await (await fetch(`${server.base}/api/cases/${keys.second}/similar?limit=20`, { headers: { cookie: agent.cookie } })).json();
		const candidates = similar.cases.map((c: { case_key: string }) => c.case_key);
		expect(candidates).toContain(keys.first);
		const kinds = await Promise.all(candidates.map(async (key: string) => (await pullDoc(server.base, manager, 'e_works', `case:${key}`)).case_type));
		expect(new Set(kinds)).toEqual(new Set(['suggestion']));
	});

	it('tells each merged proposer of each step decided on the primary, once', async () => {
		await step(agent, followUp(keys.second, 'link', { primary_key: keys.first }));
		const before = { first: await texts(PHONES.first), second: await texts(PHONES.second) };
		await step(manager, followUp(keys.first, 'suggestion_status', { suggestion_state: 'accepted', target_date: target() }));
		for (const who of ['first', 'second'] as const) {
			const added = await latest(PHONES[who], before[who]);
			expect(added).toHaveLength(1);
			expect(added[0]).toMatch(new RegExp(`plans to carry it out by ${target()}`));
		}
		const merged = await pullDoc(server.base, sessions.second, `u_${sessions.second.user.user_id}`, `case:${keys.second}`, (doc) => doc.suggestion_state === 'accepted');
		expect(merged.suggestion).toMatchObject({ state: 'accepted', target_date: target() });
	});

	it('refuses a step taken on a merged suggestion itself', async () => {
		const action = followUp(keys.second, 'suggestion_status', { suggestion_state: 'declined', reason: 'Merged elsewhere.' });
		await step(manager, action);
		expect((await rejectionOf(manager, action._id)).code).toBe('suggestion_merged');
	});

	it('gives a suggestion merged later the step the primary stands at, and publishes one suggestion counting every proposer', async () => {
		const before = await texts(PHONES.late);
		// Merged into a suggestion already accepted, it takes that decision: a manager's to make.
		const byAgent = followUp(keys.late, 'link', { primary_key: keys.first });
		await step(agent, byAgent);
		expect((await rejectionOf(agent, byAgent._id)).code).toBe('not_allowed');
		await step(manager, followUp(keys.late, 'link', { primary_key: keys.first }));
		await waitFor(async () => ((await latest(PHONES.late, before)).length === 1 ? true : undefined), 20_000, 'the late proposer told');
		expect((await latest(PHONES.late, before))[0]).toMatch(new RegExp(`plans to carry it out by ${target()}`));

		const already = (await published()).length;
		const told = { first: await texts(PHONES.first), second: await texts(PHONES.second), late: await texts(PHONES.late) };
		await step(manager, followUp(keys.first, 'suggestion_status', { suggestion_state: 'implemented', body: 'Fountains in all 24 public parks.', implemented_on: TODAY() }));
		await settled(server);
		for (const who of ['first', 'second', 'late'] as const) {
			const added = await latest(PHONES[who], told[who]);
			expect(added).toHaveLength(1);
			expect(added[0]).toMatch(/carried out your suggestion/);
		}
		const docs = await published();
		expect(docs).toHaveLength(already + 1);
		const fountains = docs.find((d) => d.title === 'Drinking water fountains in the public parks')!;
		expect(fountains).toMatchObject({ proposers: 3, change: 'Fountains in all 24 public parks.' });
		const page = await (await fetch(`${server.base}/public/en`)).text();
		expect(page).toMatch(/People who proposed it<\/dt><dd>3<\/dd>/);
		const arabic = await (await fetch(`${server.base}/public`)).text();
		expect(arabic).toContain('<dt>عدد من اقترحه</dt><dd>٣</dd>');
	});
});
