/** Repeated cases (issue 13): the entity's manager sees the group of similar complaints with its
 * size and places, marks it under study and then its root cause fixed by keyboard; a case that
 * joins it afterwards is flagged on the staff case page; the dashboard's "most repeated" section
 * lists it. Every screen passes axe, at 360 px in Arabic and on a desktop in English. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
let agent: Session;
let manager: Session;
const citizens: Session[] = [];
const FIRST = 'الليت طافي في شارع ٣٢ مجمع ٣٣٨';
const LATER = ['إنارة الشارع مطفأة في طريق 32 مجمع 338', 'اضاءة الشارع طافية طريق ٣٢ مجمع ٣٣٨'];

async function file(citizen: Session, subject: string): Promise<string> {
	const submit = submitAction({ subject, body: subject, locale: 'ar', location: { lat: 26.2235, lng: 50.5876 } });
	const outbox = local('clusters-outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	const inbox = remote(app.base, 'e_works', agent);
	await waitFor(() => inbox.get(`case:${submit.case_key}`).catch(() => undefined), 20_000, 'the case in the inbox');
	return submit.case_key;
}

async function clusterSize(): Promise<number | undefined> {
	const answer = await (await fetch(`${app.base}/api/clusters`, { headers: { cookie: manager.cookie } })).json();
	return answer.clusters?.[0]?.size;
}

beforeAll(async () => {
	citizens.push(...(await Promise.all([signInCitizen(app.base, '+97336000061'), signInCitizen(app.base, '+97336000062')])));
	agent = await signInStaff(app.base, 'agent.works');
	manager = await signInStaff(app.base, 'manager.works');
	await file(citizens[0], FIRST);
	for (const [i, subject] of LATER.entries()) await file(citizens[i % 2], subject);
	await file(citizens[0], 'الرصيف مكسور جنب الحديقة العامة');
	await waitFor(async () => ((await clusterSize()) === 3 ? true : undefined), 20_000, 'the cluster of three');
});

async function staffPage(locale: Locale, viewport: { width: number; height: number }, session: Session): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
	await preferLanguage(context, locale);
	await addSession(context, app.base, session);
	return context.newPage();
}

const clusterItem = (page: Page, locale: Locale) =>
	page
		.getByRole('list', { name: msg(locale, 'clusters.list') })
		.getByRole('listitem')
		.filter({ hasText: FIRST });

describe('repeated cases', () => {
	it('shows the manager the group and lets them move its study on by keyboard, in Arabic at 360 px', async () => {
		const L: Locale = 'ar';
		const page = await staffPage(L, PHONE, manager);
		await page.goto('/staff/clusters');
		await page.getByRole('heading', { level: 1, name: msg(L, 'clusters.title') }).waitFor({ timeout: 20_000 });
		const item = clusterItem(page, L);
		await item.waitFor({ timeout: 20_000 });
		expect(await item.textContent()).toContain(msg(L, 'clusters.status.open'));
		expect(await item.textContent()).toContain('26.22,50.59');
		// The one other complaint is a case of its own, not a repeated one.
		expect(await page.getByText('الرصيف مكسور').count()).toBe(0);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		expect(await axe(page)).toEqual([]);

		const study = item.getByRole('button', { name: msg(L, 'clusters.action.under_study') });
		await study.focus();
		await page.keyboard.press('Enter');
		await item.getByText(msg(L, 'clusters.status.under_study')).waitFor({ timeout: 10_000 });
		const fixed = item.getByRole('button', { name: msg(L, 'clusters.action.fixed') });
		await fixed.focus();
		await page.keyboard.press('Enter');
		await item.getByText(msg(L, 'clusters.status.fixed')).waitFor({ timeout: 10_000 });
		await item.getByRole('button', { name: msg(L, 'clusters.action.under_study') }).waitFor();
		expect(await axe(page)).toEqual([]);
	});

	it('flags a case that joins the fixed group on the staff case page, in English on a desktop', async () => {
		const L: Locale = 'en';
		const late = await file(citizens[1], 'الليت طافي مرة ثانية في طريق ٣٢ مجمع ٣٣٨');
		const page = await staffPage(L, DESKTOP, agent);
		await page.goto(`/staff/cases/${late}`);
		const region = page.getByRole('region', { name: msg(L, 'clusters.case.title') });
		await region.getByText(msg(L, 'clusters.case.after_fix')).waitFor({ timeout: 20_000 });
		expect(await region.textContent()).toContain(msg(L, 'clusters.status.fixed'));
		expect(await axe(page)).toEqual([]);
	});

	it('lists the group under "most repeated" on the manager\'s dashboard, in English on a desktop', async () => {
		const L: Locale = 'en';
		const page = await staffPage(L, DESKTOP, manager);
		await page.goto('/dashboard');
		const section = page.getByRole('region', { name: msg(L, 'dashboard.most_repeated') });
		const item = section.getByRole('listitem').filter({ hasText: FIRST });
		await item.waitFor({ timeout: 20_000 });
		expect(await item.textContent()).toContain(msg(L, 'clusters.after_fix', { count: 1 }));
		expect(await section.getByRole('button').count()).toBe(0);
		expect(await axe(page)).toEqual([]);
	});

	it("lists it for the minister's office with its entity and no link to the cases, in Arabic at 360 px", async () => {
		const L: Locale = 'ar';
		const minister = await signInStaff(app.base, 'minister');
		const page = await staffPage(L, PHONE, minister);
		await page.goto('/dashboard');
		const section = page.getByRole('region', { name: msg(L, 'dashboard.most_repeated') });
		const item = section.getByRole('listitem').filter({ hasText: FIRST });
		await item.waitFor({ timeout: 30_000 });
		// Names come from the device's copy of the configuration, which may arrive after the list.
		await expect.poll(() => item.textContent(), { timeout: 20_000 }).toContain('وزارة الأشغال');
		expect(await item.getByRole('link').count()).toBe(0);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		expect(await axe(page)).toEqual([]);
	});
});
