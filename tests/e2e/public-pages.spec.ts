/** The public pages in a real browser (issue 14): an implemented suggestion, published by the
 * server, shows on /public and /public/en without signing in and without JavaScript, fits a
 * 360 px screen, and axe finds no WCAG 2 A/AA violation in either language or screen size; so do
 * the figures and the map of public places reported. */
import { beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { followUp, local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, serviceWorkerReady, useApp, type Locale, type Violation } from './browser.js';

const app = useApp();
const TITLE = 'Shade over the bus stops on Road 12';
const CHANGE = 'Shades were put up at all 12 bus stops of Road 12.';

async function push(session: Session, doc: Record<string, unknown>) {
	const outbox = local('public-outbox');
	await outbox.put(doc);
	await outbox.replicate.to(remote(app.base, 'intake', session));
}

beforeAll(async () => {
	const citizen = await signInCitizen(app.base, '+97336000731');
	const manager = await signInStaff(app.base, 'manager.works');
	const inbox = remote(app.base, 'e_works', manager);
	// A pothole, a public place: it is on the map of public places reported.
	const pothole = submitAction();
	await push(citizen, pothole);
	await waitFor(() => inbox.get(`case:${pothole.case_key}`).catch(() => undefined), 15_000, 'the pothole in the inbox');
	const submit = submitAction({ case_type: 'suggestion', category_id: 'works-general', subject: TITLE, body: 'The bus stops have no shade in summer.' });
	await push(citizen, submit);
	await waitFor(() => inbox.get(`case:${submit.case_key}`).catch(() => undefined), 15_000, 'the suggestion in the inbox');
	const today = localDateOf(new Date(), 'Asia/Bahrain');
	await push(manager, followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'accepted', target_date: today }));
	await push(manager, followUp(submit.case_key, 'suggestion_status', { suggestion_state: 'implemented', body: CHANGE, implemented_on: today }));
	await waitFor(async () => ((await (await fetch(`${app.base}/public/en`)).text()).includes(TITLE) ? true : undefined), 20_000, 'the publication');
	await waitFor(async () => ((await (await fetch(`${app.base}/public/en/reports`)).text()).includes('<figure class="map">') ? true : undefined), 20_000, 'the map');
});

describe.each([
	['/public', 'ar', PHONE],
	['/public', 'ar', DESKTOP],
	['/public/en', 'en', PHONE],
	['/public/en', 'en', DESKTOP]
] as const)('%s (%s) at %o', (path, locale, viewport) => {
	it('shows the suggestion without JavaScript and fits the screen', async () => {
		const page = await app.page({ viewport, javaScriptEnabled: false });
		await page.goto(path);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
		await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
		expect(await page.getByText(CHANGE).count()).toBe(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	});

	it('has no WCAG 2 A/AA violations', async () => {
		const page = await app.page({ viewport, bypassCSP: true, serviceWorkers: 'block' });
		await page.goto(path);
		await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
		const violations: Violation[] = await axe(page);
		expect(violations).toEqual([]);
	});
});

describe.each([
	['/public/figures', 'ar', PHONE],
	['/public/figures', 'ar', DESKTOP],
	['/public/en/figures', 'en', PHONE],
	['/public/en/figures', 'en', DESKTOP]
] as const)('%s (%s) at %o', (path, locale, viewport) => {
	it('shows the figures without JavaScript, fits the screen, and has no WCAG 2 A/AA violations', async () => {
		const bare = await app.page({ viewport, javaScriptEnabled: false });
		await bare.goto(path);
		expect(await bare.evaluate(() => document.documentElement.lang)).toBe(locale);
		const suggestions = bare.locator(`section[data-year="${new Date().getFullYear()}"] dd[data-figure="suggestions"]`);
		expect(Number(await suggestions.getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
		expect(await bare.locator('tr[data-entity="works"]').count()).toBe(1);
		expect(await bare.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

		const page = await app.page({ viewport, bypassCSP: true, serviceWorkers: 'block' });
		await page.goto(path);
		await page.locator('tr[data-entity="works"]').waitFor();
		const violations: Violation[] = await axe(page);
		expect(violations).toEqual([]);
	});
});

describe.each([
	['/public/reports', 'ar', PHONE],
	['/public/reports', 'ar', DESKTOP],
	['/public/en/reports', 'en', PHONE],
	['/public/en/reports', 'en', DESKTOP]
] as const)('%s (%s) at %o', (path, locale, viewport) => {
	it('shows the map and its tables without JavaScript, fits the screen, and has no WCAG 2 A/AA violations', async () => {
		const bare = await app.page({ viewport, javaScriptEnabled: false });
		await bare.goto(path);
		expect(await bare.evaluate(() => document.documentElement.lang)).toBe(locale);
		const map = bare.getByRole('img', { name: new RegExp(msg(locale, 'public.reports.map_label').split('{')[0]) });
		expect(await map.count()).toBe(1);
		const box = await map.boundingBox();
		expect(box!.width).toBeGreaterThan(200);
		expect(box!.width).toBeLessThanOrEqual(viewport.width);
		await bare
			.getByRole('table', { name: msg(locale, 'public.reports.by_category') })
			.getByRole('rowheader')
			.first()
			.waitFor();
		expect(await bare.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

		const page = await app.page({ viewport, bypassCSP: true, serviceWorkers: 'block' });
		await page.goto(path);
		await page.getByRole('table', { name: msg(locale, 'public.reports.by_category') }).waitFor();
		const violations: Violation[] = await axe(page);
		expect(violations).toEqual([]);
	});
});

describe('the public pages with the app installed', () => {
	it('come from the server, not the app shell, and open offline once visited', async () => {
		const page = await app.page();
		await page.goto('/');
		await serviceWorkerReady(page);
		expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.base}/sw.js`);

		const online = await page.goto('/public/en');
		expect(online?.status()).toBe(200);
		await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
		// The server's page (its canonical link), not the app's index.html.
		expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toMatch(/\/public\/en$/);

		await page.context().setOffline(true);
		const offline = await page.goto('/public/en');
		expect(offline?.fromServiceWorker()).toBe(true);
		await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
		expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toMatch(/\/public\/en$/);
		await page.context().setOffline(false);
	});
});

describe("the coordinator's publishing screen", () => {
	let coordinator: Session;
	beforeAll(async () => {
		coordinator = await signInStaff(app.base, 'coordinator');
	});

	async function screen(locale: Locale, viewport: { width: number; height: number }) {
		const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
		await preferLanguage(context, locale);
		await addSession(context, app.base, coordinator);
		const page = await context.newPage();
		await page.goto('/admin/published');
		await page.getByRole('rowheader', { name: new RegExp(TITLE) }).waitFor();
		return page;
	}

	it.each([
		['ar', PHONE],
		['ar', DESKTOP],
		['en', PHONE],
		['en', DESKTOP]
	] as const)('lists what is published, with its forms, with no WCAG 2 A/AA violations (%s, %o)', async (locale, viewport) => {
		const page = await screen(locale, viewport);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
		expect(await axe(page)).toEqual([]);
		await page.getByRole('button', { name: `${msg(locale, 'admin.published.withdraw')} ${TITLE}` }).click();
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('published-reason');
		await page.getByRole('button', { name: msg(locale, 'admin.published.withdraw'), exact: true }).click();
		await page.locator('#published-reason-error').waitFor();
		expect(await axe(page)).toEqual([]);
	});

	it('takes a suggestion off the public pages with a reason, and puts it back', async () => {
		const L: Locale = 'en';
		const page = await screen(L, PHONE);
		const shown = async () => (await (await fetch(`${app.base}/public/en`)).text()).includes(TITLE);
		await page.getByRole('button', { name: `${msg(L, 'admin.published.withdraw')} ${TITLE}` }).click();
		await page.getByLabel(msg(L, 'admin.published.reason')).fill('The proposer asked for it to be taken down');
		await page.getByRole('button', { name: msg(L, 'admin.published.withdraw'), exact: true }).click();
		await page.getByRole('cell', { name: /The proposer asked for it to be taken down/ }).waitFor();
		expect(await shown()).toBe(false);

		await page.getByRole('button', { name: `${msg(L, 'admin.published.restore')} ${TITLE}` }).click();
		await page.getByRole('cell', { name: msg(L, 'admin.published.shown'), exact: true }).waitFor();
		expect(await shown()).toBe(true);

		await page.getByRole('button', { name: `${msg(L, 'admin.published.edit')} ${TITLE}` }).click();
		await page.getByLabel(msg(L, 'admin.published.field_title')).fill(`${TITLE} in Sitra`);
		await page.getByRole('button', { name: msg(L, 'admin.published.save'), exact: true }).click();
		await page.getByRole('rowheader', { name: new RegExp(`${TITLE} in Sitra`) }).waitFor();
		expect(await (await fetch(`${app.base}/public/en`)).text()).toContain(`${TITLE} in Sitra`);
	});
});
