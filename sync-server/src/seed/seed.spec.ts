import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_TYPES, ID_PATTERN } from '../../../src/lib/domain/doc-types.js';
import { createStaff } from '../auth/accounts.js';
import { staffLogin } from '../auth/login.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import type { Store } from '../store.js';
import { CATEGORIES, ENTITIES, HOLIDAYS, SETTINGS } from './catalogue.js';
import { readDemoPasswords } from './demo-passwords.js';
import { SEEDED_DATABASES, seedStore, type DemoAccount } from './seed.js';

const ARABIC = /[\u0600-\u06FF]/;
const LATIN = /^[A-Za-z]/;

describe('catalogue', () => {
	it('has the 53 entities of the national system, each named in Arabic and English, with valid unique ids', () => {
		expect(ENTITIES).toHaveLength(53);
		expect(new Set(ENTITIES.map((e) => e.name_ar)).size).toBe(53);
		expect(new Set(ENTITIES.map((e) => e.name_en)).size).toBe(53);
		expect(new Set(ENTITIES.map((e) => e.entity_id)).size).toBe(ENTITIES.length);
		for (const entity of ENTITIES) {
			expect(entity.entity_id).toMatch(ID_PATTERN);
			expect(entity._id).toBe(`entity:${entity.entity_id}`);
			expect(entity.name_ar).toMatch(ARABIC);
			expect(entity.name_ar).not.toMatch(/[A-Za-z]/);
			expect(entity.name_en).toMatch(LATIN);
			expect(entity.active).toBe(true);
		}
		for (const id of ['works', 'health', 'ewa', 'mun-capital', 'lmra', 'sio', 'iga', 'foreign', 'gov-hospitals', 'cbb', 'ombudsman']) {
			expect(ENTITIES.map((e) => e.entity_id)).toContain(id);
		}
	});

	it('gives every entity 3 to 6 categories, named in both languages, routed to it', () => {
		const ids = new Set(CATEGORIES.map((c) => c.category_id));
		expect(ids.size).toBe(CATEGORIES.length);
		for (const entity of ENTITIES) {
			const own = CATEGORIES.filter((c) => c.entity_id === entity.entity_id);
			expect(own.length, entity.entity_id).toBeGreaterThanOrEqual(3);
			expect(own.length, entity.entity_id).toBeLessThanOrEqual(6);
		}
		for (const category of CATEGORIES) {
			expect(category._id).toBe(`category:${category.category_id}`);
			expect(category.category_id.startsWith(`${category.entity_id}-`)).toBe(true);
			expect(ENTITIES.some((e) => e.entity_id === category.entity_id)).toBe(true);
			expect(category.name_ar).toMatch(ARABIC);
			expect(category.name_en).toMatch(LATIN);
			expect(category.case_types.length).toBeGreaterThan(0);
			for (const type of category.case_types) expect(CASE_TYPES).toContain(type);
		}
		expect(ids).toContain('works-potholes');
		expect(ids).toContain('ewa-power-outage');
	});

	it('has the unified settings of the contract', () => {
		expect(SETTINGS).toEqual({
			_id: 'settings',
			type: 'settings',
			response_days: 5,
			time_zone: 'Asia/Bahrain',
			weekend: [5, 6],
			transfer_restarts_clock: false
		});
	});

	it.each([2026, 2027])('lists the public holidays of %i: real dates, in order, with the fixed ones in place', (year) => {
		const doc = HOLIDAYS.find((h) => h.year === year)!;
		expect(doc._id).toBe(`holidays:${year}`);
		const dates = doc.days.map((d) => d.date);
		expect(dates).toEqual([...dates].sort());
		expect(new Set(dates).size).toBe(dates.length);
		for (const day of doc.days) {
			expect(day.date.startsWith(`${year}-`)).toBe(true);
			expect(new Date(`${day.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(day.date);
			expect(day.name_ar).toMatch(ARABIC);
			expect(day.name_en).toMatch(LATIN);
		}
		expect(dates).toEqual(expect.arrayContaining([`${year}-01-01`, `${year}-05-01`, `${year}-12-16`, `${year}-12-17`]));
		const named = (name: string) => doc.days.filter((d) => d.name_en === name).length;
		expect([named('Eid al-Fitr'), named('Arafat Day'), named('Eid al-Adha'), named('Ashura')]).toEqual([3, 1, 3, 2]);
		expect([named('Islamic New Year'), named("The Prophet's Birthday")]).toEqual([1, 1]);
	});

	it('puts Eid al-Adha the day after Arafat Day, and Ashura on consecutive days', () => {
		for (const doc of HOLIDAYS) {
			const first = (name: string) => Date.parse(doc.days.find((d) => d.name_en === name)!.date);
			expect(first('Eid al-Adha') - first('Arafat Day')).toBe(86_400_000);
			const ashura = doc.days.filter((d) => d.name_en === 'Ashura').map((d) => Date.parse(d.date));
			expect(ashura[1] - ashura[0]).toBe(86_400_000);
		}
	});
});

describe('seedStore', () => {
	let store: Store;
	let close: () => Promise<void>;
	let demo: DemoAccount[];
	const passwordsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-seed-')), 'demo-passwords.json');

	beforeAll(async () => {
		({ store, close } = await openTestStore());
		demo = await seedStore(store, { demo: true, passwordsFile });
	});
	afterAll(() => close());

	const countOf = async (db: string) => (await store.use(db).info()).doc_count;

	it('creates every database and writes the whole catalogue to config', async () => {
		for (const name of SEEDED_DATABASES) expect(await store.dbInfo(name), name).not.toBeNull();
		expect(await countOf('config')).toBe(ENTITIES.length + CATEGORIES.length + 1 + HOLIDAYS.length);
		expect(await store.use('config').get('category:works-potholes')).toMatchObject({ entity_id: 'works', type: 'category' });
	});

	it('is idempotent: a second run writes nothing and returns the same accounts, their passwords not again', async () => {
		const before = { config: await countOf('config'), auth: await countOf('auth') };
		const again = await seedStore(store, { demo: true, passwordsFile });
		expect({ config: await countOf('config'), auth: await countOf('auth') }).toEqual(before);
		expect(again).toEqual(demo.map(({ password: _shownOnce, ...rest }) => rest));
	});

	it("keeps a coordinator's edits and deletions", async () => {
		const config = store.use<Record<string, unknown>>('config');
		const works = await config.get('entity:works');
		await config.insert({ ...works, name_en: 'Ministry of Works (renamed)' });
		const category = await config.get('category:works-rainwater');
		await config.destroy(category._id, category._rev);
		await seedStore(store, { demo: false });
		expect((await config.get('entity:works')).name_en).toBe('Ministry of Works (renamed)');
		await expect(config.get('category:works-rainwater')).rejects.toMatchObject({ statusCode: 404 });
	});

	it('makes one demo account per role, each with its own random password kept in an owner-only file', async () => {
		expect(demo.map((a) => a.role).sort()).toEqual(['agent', 'agent', 'citizen', 'coordinator', 'manager', 'minister']);
		expect(demo.find((a) => a.role === 'citizen')).toMatchObject({ login: '+97336000001', name: 'مواطن تجريبي' });
		expect(demo.find((a) => a.login === 'agent.works')).toMatchObject({ role: 'agent', entity_id: 'works' });
		const kept = readDemoPasswords(passwordsFile);
		expect(fs.statSync(passwordsFile).mode & 0o777).toBe(0o600);
		const staffPasswords = demo.filter((a) => a.role !== 'citizen').map((a) => a.password);
		expect(new Set(staffPasswords).size).toBe(5);
		// Kiosks enrol by a one-time code (issue 12): no password kiosk account is made.
		expect(kept.kiosk1).toBeUndefined();
		await expect(staffLogin(store, 'kiosk1', 'anything-at-all')).rejects.toMatchObject({ status: 401 });
		for (const a of demo.filter((a) => a.role !== 'citizen')) {
			expect(a.password).toBe(kept[a.login]);
			expect(a.password).not.toBe('Tawasul-demo-2026');
			expect(a.password!.length).toBeGreaterThanOrEqual(20);
		}
		expect(demo.find((a) => a.login === 'manager.works')).toMatchObject({ role: 'manager', entity_id: 'works' });
		const otherAgent = demo.find((a) => a.login === 'agent.health')!;
		expect(otherAgent.entity_id).not.toBe('works');
		for (const login of ['agent.works', 'agent.health', 'manager.works', 'coordinator', 'minister']) {
			const account = await staffLogin(store, login, kept[login]);
			expect(account.password_hash).toMatch(/^\$argon2id\$/);
		}
	});

	it('replaces the once-published demo password of an older data folder with a generated one', async () => {
		const fresh = await openTestStore();
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-seed-')), 'demo-passwords.json');
		try {
			await createStaff(fresh.store, { username: 'agent.works', password: 'Tawasul-demo-2026', role: 'agent', name: 'Old', entity_id: 'works' });
			const seeded = await seedStore(fresh.store, { demo: true, passwordsFile: file });
			const kept = readDemoPasswords(file);
			expect(seeded.find((a) => a.login === 'agent.works')!.password).toBe(kept['agent.works']);
			expect(await staffLogin(fresh.store, 'agent.works', kept['agent.works'])).toMatchObject({ username: 'agent.works' });
			await expect(staffLogin(fresh.store, 'agent.works', 'Tawasul-demo-2026')).rejects.toMatchObject({ status: 401 });
		} finally {
			await fresh.close();
		}
	});

	it('seeds without demo accounts when not asked', async () => {
		const fresh = await openTestStore();
		try {
			expect(await seedStore(fresh.store, { demo: false })).toEqual([]);
			const auth = await fresh.store.use('auth').list({ startkey: 'account:', endkey: 'account:\uffff' });
			expect(auth.rows).toHaveLength(0);
		} finally {
			await fresh.close();
		}
	});
});
