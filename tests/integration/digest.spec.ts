/** The managers' daily digest through real servers (issue 16, part 2): nothing on a day off; on
 * a working day exactly one digest per manager, with two instances on one store checking every
 * second and after a restart (also one that died between the digest and its SMS); the SMS only
 * for a manager who chose it, at a number that has not replied STOP, in the chosen language. */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { DB, type CaseDoc, type HolidaysDoc, type SettingsDoc } from '../../src/lib/domain/doc-types.js';
import { t } from '../../sync-server/src/rating/i18n.js';
import { createStaff, findStaff, updateAccount } from '../../sync-server/src/auth/accounts.js';
import { demoPasswordsPath } from '../../sync-server/src/seed/demo-passwords.js';
import { seedStore } from '../../sync-server/src/seed/seed.js';
import { digestDocId, type DigestDoc } from '../../sync-server/src/sla/digest.js';
import { listOutbox } from '../../sync-server/src/sms/outbox.js';
import type { Store } from '../../sync-server/src/store.js';
import { openLaneStore, settled, signInCitizen, signInStaff, startInProcess, storeEnvOf, tempDir, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const DATA_DIR = tempDir();
const TOKEN = 'digest-inbound-0123456789abcdef';
const SHARED = { SECRETS_KEY: randomBytes(32).toString('base64') };
// Made from midnight, looked for every second: the test decides the day by the calendar alone.
const DIGEST = { DIGEST_TIME: '00:00', DIGEST_CHECK_SECONDS: '1', ENGINE_LEASE_MS: '2000' };
const ENV = { ...SHARED, ...DIGEST, DATA_DIR, SMS_INBOUND_TOKEN: TOKEN, PUBLIC_URL: 'https://tawasul.example' };
const PHONES = { works: '+97336400001', health: '+97336400002', quiet: '+97336400003' };
const PASSWORD = 'Digest-manager-2026!';
const DAY = 86_400_000;
const today = localDateOf(new Date(), 'Asia/Bahrain');
const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
const ids = {} as Record<'works' | 'health' | 'quiet', string>;

let a: Server;
let b: Server | null = null;
let manager: Session;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Today a rest day (`off`) or a working one, whatever day the test runs on. */
async function setToday(store: Store, off: boolean) {
	const config = store.use<SettingsDoc>(DB.CONFIG);
	const settings = await config.get('settings');
	await config.insert({ ...settings, weekend: [off ? weekday : (weekday + 1) % 7] });
}

async function prepare() {
	const store = await openLaneStore(DATA_DIR);
	try {
		await seedStore(store, { demo: true, passwordsFile: demoPasswordsPath(DATA_DIR) });
		await setToday(store, true);
		const config = store.use<HolidaysDoc>(DB.CONFIG);
		const holidays = (await config.list({ include_docs: true })).rows.flatMap((r) => (r.doc?.type === 'holidays' ? [r.doc] : []));
		for (const doc of holidays.filter((h) => h.days.some((d) => d.date === today))) await config.insert({ ...doc, days: doc.days.filter((d) => d.date !== today) });
		const works = (await findStaff(store, 'manager.works'))!;
		await updateAccount(store, works.user_id, (current) => ({ ...current, phone: PHONES.works }));
		const health = await createStaff(store, { username: 'manager.health', password: PASSWORD, role: 'manager', name: 'Health manager', entity_id: 'health', phone: PHONES.health });
		await updateAccount(store, health.user_id, (current) => ({ ...current, digest_sms: true, digest_locale: 'ar' }));
		const quiet = await createStaff(store, { username: 'manager.health2', password: PASSWORD, role: 'manager', name: 'Second health manager', entity_id: 'health', phone: PHONES.quiet });
		Object.assign(ids, { works: works.user_id, health: health.user_id, quiet: quiet.user_id });
	} finally {
		await store.close();
	}
}

/** Two cases a month old, one per entity: late today. */
async function lateCases(server: Server): Promise<string[]> {
	const citizen = await signInCitizen(server.base, '+97336400099');
	const at = new Date(Date.now() - 30 * DAY).toISOString();
	const keys = [randomUUID(), randomUUID()];
	const submit = (key: string, category: string) => ({
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind: 'submit',
		case_key: key,
		client_time: at,
		received_at: at,
		device_id: 'digest',
		author: { user_id: citizen.user.user_id, role: 'citizen' },
		case_type: 'complaint',
		category_id: category,
		subject: `Digest ${key.slice(0, 8)}`,
		body: 'A clear description of the matter, long enough to pass the checks.',
		locale: 'en'
	});
	await server.store.use(DB.INTAKE).bulk({ docs: [submit(keys[0], 'works-potholes'), submit(keys[1], 'health-appointments')] as never[] });
	const cases = await waitFor(
		async () => {
			const found = await server.store.use<CaseDoc>(DB.CASES).fetch({ keys: keys.map((k) => `case:${k}`) });
			const docs = found.rows.flatMap((r) => ('doc' in r && r.doc?.sla ? [r.doc as CaseDoc] : []));
			return docs.length === 2 ? docs : undefined;
		},
		30_000,
		'the late cases'
	);
	return cases.map((c) => c.ref);
}

async function digestsOfToday(store: Store): Promise<DigestDoc[]> {
	await store.ensureDb(DB.DIGESTS);
	const found = await store.use<DigestDoc>(DB.DIGESTS).list({ include_docs: true, startkey: 'digest:', endkey: 'digest:\ufff0' });
	return found.rows.flatMap((r) => (r.doc && r.doc.day === today ? [r.doc] : []));
}

const textsTo = async (store: Store, phone: string) => (await listOutbox(store, { phone, limit: 100 })).map((m) => m.text);
const get = (session: Session, path: string) => fetch(`${a.base}${path}`, { headers: { cookie: session.cookie } });
const put = (session: Session, path: string, body: unknown) =>
	fetch(`${a.base}${path}`, { method: 'PUT', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

let refs: string[] = [];

beforeAll(async () => {
	await prepare();
	a = await startInProcess(ENV);
	b = await startInProcess({ ...storeEnvOf(a), ...SHARED, ...DIGEST, DATA_DIR: tempDir(), ENGINE_INSTANCE: 'digest-b', PUBLIC_URL: ENV.PUBLIC_URL });
	manager = await signInStaff(a.base, 'manager.works');
	refs = await lateCases(a);
}, 120_000);

afterAll(async () => {
	await b?.stop();
	await a?.stop();
});

describe("the managers' daily digest", () => {
	it('lets a manager choose the SMS, and refuses anything but that choice', async () => {
		const agent = await signInStaff(a.base, 'agent.works');
		expect((await put(agent, '/api/sla/digest/sms', { enabled: true, locale: 'en' })).status).toBe(403);
		expect((await get(agent, '/api/sla/digest')).status).toBe(403);
		for (const bad of [{ enabled: 'yes', locale: 'en' }, { enabled: true, locale: 'fr' }, { enabled: true, locale: 'en', phone: '+97300000000' }, [true]]) {
			expect((await put(manager, '/api/sla/digest/sms', bad)).status).toBe(400);
		}
		const chosen = await put(manager, '/api/sla/digest/sms', { enabled: true, locale: 'en' });
		expect(chosen.status).toBe(200);
		expect(await chosen.json()).toEqual({ enabled: true });
		// The health manager's phone replies STOP.
		const stop = await fetch(`${a.base}/api/sms/inbound`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ from: PHONES.health, text: 'STOP' })
		});
		expect((await stop.json()).keyword).toBe('stop');
	});

	it('makes nothing on a day off, with two instances looking every second', async () => {
		await sleep(3_000);
		expect(await digestsOfToday(a.store)).toEqual([]);
		const answer = await (await get(manager, '/api/sla/digest')).json();
		expect(answer).toMatchObject({ today, time: '00:00', digest: null, sms: { enabled: true, phone: '+973 •••• 0001' } });
	});

	it('makes one digest per manager on a working day, and one SMS only where chosen and not stopped', async () => {
		await setToday(a.store, false);
		const made = await waitFor(
			async () => {
				const docs = await digestsOfToday(a.store);
				return docs.length === 3 && docs.every((d) => d.sms !== null) ? docs : undefined;
			},
			20_000,
			'three digests'
		);
		// Both instances keep looking: nothing is made or sent again.
		await sleep(3_000);
		await settled(a);
		const docs = await digestsOfToday(a.store);
		expect(docs.map((d) => d._rev)).toEqual(made.map((d) => d._rev));
		const byManager = Object.fromEntries(docs.map((d) => [d.manager_id, d]));
		expect(byManager[ids.works].sms).toBe('queued');
		expect(byManager[ids.health].sms).toBe('opted_out');
		expect(byManager[ids.quiet].sms).toBe('not_opted_in');
		expect(byManager[ids.works].counts.late).toBeGreaterThanOrEqual(1);
		expect(byManager[ids.works].late.map((c) => c.ref)).toContain(refs[0]);
		expect(byManager[ids.health].late.map((c) => c.ref)).toContain(refs[1]);
		expect(byManager[ids.health].late.map((c) => c.ref)).not.toContain(refs[0]);

		const counts = byManager[ids.works].counts;
		const expected = t('en', 'digest.sms.text', {
			day: today,
			late: String(counts.late),
			due_soon: String(counts.due_soon),
			low_ratings: String(counts.low_ratings),
			reopened: String(counts.reopened),
			link: 'https://tawasul.example/staff'
		});
		expect(await textsTo(a.store, PHONES.works)).toEqual([expected]);
		expect(await textsTo(a.store, PHONES.health)).toEqual([]);
		expect(await textsTo(a.store, PHONES.quiet)).toEqual([]);

		const answer = await (await get(manager, '/api/sla/digest')).json();
		expect(answer.digest).toMatchObject({ day: today, entity_id: 'works', manager_id: ids.works, counts });
		expect(answer.digest).not.toHaveProperty('sms');
	}, 60_000);

	it('makes and sends nothing again after a restart, also one that died between the digest and its SMS', async () => {
		// As if the process had died after writing the digest and before settling its SMS.
		const db = a.store.use<DigestDoc>(DB.DIGESTS);
		const works = await db.get(digestDocId(ids.works, today));
		await db.insert({ ...works, sms: null });
		const others = (await digestsOfToday(a.store)).filter((d) => d.manager_id !== ids.works);
		await b!.stop();
		b = null;
		await a.stop();
		a = await startInProcess(ENV);
		const settledAgain = await waitFor(
			async () => {
				const doc = await a.store.use<DigestDoc>(DB.DIGESTS).get(digestDocId(ids.works, today));
				return doc.sms === 'queued' ? doc : undefined;
			},
			20_000,
			'the SMS of the digest settled again'
		);
		await sleep(2_000);
		await settled(a);
		expect(settledAgain.made_at).toBe(works.made_at);
		const docs = await digestsOfToday(a.store);
		expect(docs).toHaveLength(3);
		expect(
			docs
				.filter((d) => d.manager_id !== ids.works)
				.map((d) => d._rev)
				.sort()
		).toEqual(others.map((d) => d._rev).sort());
		expect(await textsTo(a.store, PHONES.works)).toHaveLength(1);
	}, 60_000);
});
