/** The minister's office dashboard (issue 5) in the browser: cases seeded through the real
 * server are counted; the minister lands on /dashboard, sees the figures, still sees them offline
 * after a reload (the `stats` replica), downloads a table as CSV; a manager sees only their own
 * entity; axe finds nothing on /dashboard and /dashboard/report in both languages, on a phone and
 * a desktop. */
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { demoPassword } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, serviceWorkerReady, useApp, type Locale } from './browser.js';

const app = useApp();
let minister: Session;
let manager: Session;

async function overview(session: Session, query = '') {
	const response = await fetch(`${app.base}/api/stats/overview${query}`, { headers: { cookie: session.cookie } });
	if (!response.ok) throw new Error(`overview ${response.status}`);
	return response.json();
}

beforeAll(async () => {
	minister = await signInStaff(app.base, 'minister');
	manager = await signInStaff(app.base, 'manager.works');
	// Four cases from a citizen: three for the Ministry of Works (one a suggestion), one for Health.
	const citizen = await signInCitizen(app.base, '+97336000051');
	const outbox = local('dashboard-outbox');
	for (const fields of [
		{ subject: 'Pothole on Road 12', category_id: 'works-potholes' },
		{ subject: 'Pothole on Road 14', category_id: 'works-potholes' },
		{ subject: 'More shade at bus stops', category_id: 'works-potholes', case_type: 'suggestion' },
		{ subject: 'No appointment this month', category_id: 'health-appointments' }
	])
		await outbox.put(submitAction(fields));
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	await waitFor(async () => ((await overview(minister)).overview.headline.cases === 4 ? true : undefined), 30_000, 'the four cases counted');
});

const tile = (page: Page, kpi: string) => page.locator(`[data-kpi="${kpi}"]`).first();
const tileValue = (page: Page, kpi: string) => tile(page, kpi).locator('.value').textContent();

async function context(locale: Locale, viewport = DESKTOP): Promise<BrowserContext> {
	const c = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(c, locale);
	return c;
}

describe('the minister', () => {
	it('lands on /dashboard, sees the seeded figures, keeps them offline and downloads CSV', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await (await context(L)).newPage();
		await page.goto('/staff/signin');
		await serviceWorkerReady(page);
		await page.getByLabel(t('staff.signin.username')).fill('minister');
		await page.getByLabel(t('staff.signin.password')).fill(demoPassword(app.base, 'minister'));
		await page.getByRole('button', { name: t('staff.signin.submit'), exact: true }).click();
		await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/dashboard');
		await page.getByRole('heading', { level: 1, name: t('dashboard.title') }).waitFor();
		await page
			.getByRole('navigation', { name: t('nav.label') })
			.getByRole('link', { name: t('nav.dashboard') })
			.waitFor();

		await expect.poll(() => tileValue(page, 'cases'), { timeout: 20_000 }).toBe('4');
		expect(await tile(page, 'complaint').textContent()).toContain('3');
		expect(await tile(page, 'suggestion').textContent()).toContain('1');
		expect(await tile(page, 'satisfaction').textContent()).toContain(t('dashboard.kpi.not_enough'));
		const ranking = page.getByRole('table', { name: t('dashboard.ranking') });
		await expect.poll(() => ranking.locator('tbody tr').count()).toBe(2);
		expect(await page.locator('#dash-synced').textContent()).not.toContain(t('dashboard.never_synced'));

		// Offline, a reload shows the same figures from the replica on the device.
		await page.context().setOffline(true);
		await page.reload();
		await page.getByRole('heading', { level: 1, name: t('dashboard.title') }).waitFor();
		await expect.poll(() => tileValue(page, 'cases'), { timeout: 15_000 }).toBe('4');
		await expect.poll(() => ranking.locator('tbody tr').count()).toBe(2);

		// The ranking as CSV, for Excel: a BOM, a header row and one row per entity.
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="csv"][data-table="entities"]').click()]);
		expect(download.suggestedFilename()).toBe('entities.csv');
		const csv = fs.readFileSync((await download.path())!, 'utf8');
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		const lines = csv.slice(1).trim().split('\r\n');
		expect(lines[0].split(',').slice(0, 3)).toEqual([t('dashboard.col.entity'), t('dashboard.col.rank'), t('dashboard.col.cases')]);
		expect(lines).toHaveLength(3);
		expect(
			lines
				.map((l) => l.split(',')[2])
				.slice(1)
				.sort()
		).toEqual(['1', '3']);
		const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="xlsx"][data-table="entities"]').click()]);
		expect(
			fs
				.readFileSync((await xlsx.path())!)
				.subarray(0, 2)
				.toString()
		).toBe('PK');
		await page.context().setOffline(false);

		// The drill-down: the entity's categories.
		await page.getByRole('link', { name: /Works/ }).first().click();
		await expect.poll(() => new URL(page.url()).pathname).toBe('/dashboard/works');
		await expect.poll(() => tileValue(page, 'cases'), { timeout: 15_000 }).toBe('3');
		await page.getByRole('table', { name: t('dashboard.categories') }).waitFor();

		// The annual report: the same national figures.
		const year = new Date().getFullYear();
		await page.goto(`/dashboard/report?year=${year}`);
		await page.getByRole('heading', { level: 1, name: t('dashboard.report.heading', { year }) }).waitFor();
		await expect.poll(() => page.locator('[data-figure="inquiries_complaints"] dd').textContent(), { timeout: 15_000 }).toBe('3');
		expect(await page.locator('[data-figure="suggestions"] dd').textContent()).toBe('1');
		expect(await page.locator('[data-figure="entities"] dd').textContent()).toBe('2');
		// Another year, chosen in the form: the field starts at the year shown and follows typing.
		const field = page.getByLabel(t('dashboard.report.year'));
		expect(await field.inputValue()).toBe(String(year));
		await field.fill(String(year - 1));
		await page.getByRole('button', { name: t('dashboard.report.show') }).click();
		await page.getByRole('heading', { level: 1, name: t('dashboard.report.heading', { year: year - 1 }) }).waitFor();
		expect(new URL(page.url()).searchParams.get('year')).toBe(String(year - 1));
		expect(await field.inputValue()).toBe(String(year - 1));
	});
});

describe('an entity manager', () => {
	it('sees only their own entity', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const c = await context(L);
		await addSession(c, app.base, manager);
		const page = await c.newPage();
		await page.goto('/dashboard');
		await page.getByText(t('dashboard.intro_entity')).waitFor();
		await expect.poll(() => tileValue(page, 'cases'), { timeout: 15_000 }).toBe('3');
		await page.getByRole('table', { name: t('dashboard.categories') }).waitFor();
		expect(await page.locator('main').textContent()).not.toMatch(/Health/);
		// Another entity's drill-down is not theirs.
		await page.goto('/dashboard/health');
		await page.getByText(t('access.not_allowed')).waitFor();
		expect((await fetch(`${app.base}/api/stats/overview?scope=health`, { headers: { cookie: manager.cookie } })).status).toBe(403);
	});
});

describe('accessibility', () => {
	for (const L of ['ar', 'en'] as const) {
		for (const viewport of [PHONE, DESKTOP]) {
			it(`axe finds nothing on /dashboard and /dashboard/report (${L}, ${viewport.width} px)`, async () => {
				const c = await context(L, viewport);
				await addSession(c, app.base, minister);
				const page = await c.newPage();
				await page.goto('/dashboard');
				await page.getByRole('heading', { level: 1, name: msg(L, 'dashboard.title') }).waitFor();
				await page.locator('[data-kpi="cases"]').waitFor({ timeout: 20_000 });
				await page
					.getByRole('table', { name: msg(L, 'dashboard.ranking') })
					.locator('tbody tr')
					.first()
					.waitFor({ timeout: 20_000 });
				expect(await axe(page)).toEqual([]);
				await page.goto(`/dashboard/report?year=${new Date().getFullYear()}`);
				await page.locator('[data-figure="entities"]').waitFor({ timeout: 20_000 });
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});
