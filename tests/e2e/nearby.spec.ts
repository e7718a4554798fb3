/** "Already reported nearby?" in the new-case form (issue 15): a citizen reporting a pothole with
 * its location is shown the open pothole case another citizen filed there, follows it by keyboard
 * instead of filing again, and then finds it among their cases, read-only and without the other
 * citizen's text. Offline the check is skipped with a note and the report is still sent. In Arabic
 * at 360 px and in English on a desktop, each screen with no axe violation. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
const HERE = { lat: 26.2235, lng: 50.5876 };
const SECRET = 'My car, plate 55123, fell into it in front of house 12.';
let filed: { key: string; ref: string };
let agent: Session;

beforeAll(async () => {
	let owner: Session;
	[owner, agent] = await Promise.all([signInCitizen(app.base, '+97336000071'), signInStaff(app.base, 'agent.works')]);
	const submit = submitAction({ subject: 'حفرة عميقة أمام المدرسة', body: SECRET, location: HERE, locale: 'ar' });
	const outbox = local('nearby-outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(app.base, 'intake', owner));
	const inbox = remote(app.base, 'e_works', agent);
	const routed = await waitFor(() => inbox.get(`case:${submit.case_key}`).catch(() => undefined), 20_000, 'the case in the inbox');
	filed = { key: submit.case_key, ref: (routed as { ref: string }).ref };
});

async function citizenPage(locale: Locale, viewport: { width: number; height: number }, phone: string): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	await addSession(context, app.base, await signInCitizen(app.base, phone));
	return context.newPage();
}

/** Picks the pothole category and types the location where the other case was filed. */
async function reportPothole(page: Page, locale: Locale): Promise<void> {
	const t = (key: string) => msg(locale, key);
	await page.goto('/new');
	await page.getByRole('radio', { name: t('case.type.complaint') }).check();
	await page.getByLabel(t('form.category.label'), { exact: true }).selectOption({ label: locale === 'ar' ? 'حفر وتلف الطرق' : 'Potholes and road damage' });
	await page.getByLabel(t('form.location.lat'), { exact: true }).fill(String(HERE.lat));
	await page.getByLabel(t('form.location.lng'), { exact: true }).fill(String(HERE.lng + 0.0005));
}

describe('already reported nearby?', () => {
	it('shows the nearby case and follows it instead, by keyboard, in Arabic at 360 px', async () => {
		const L: Locale = 'ar';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await citizenPage(L, PHONE, '+97336000072');
		await reportPothole(page, L);
		const region = page.getByRole('region', { name: t('nearby.title') });
		const item = region.getByRole('listitem').filter({ hasText: filed.ref });
		await item.waitFor({ timeout: 20_000 });
		expect(await item.textContent()).toContain('حفرة عميقة أمام المدرسة');
		expect(await region.textContent()).not.toContain('55123');
		expect(await axe(page)).toEqual([]);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

		const follow = item.getByRole('button', { name: t('nearby.follow') });
		await follow.focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/cases');
		// The server's decision comes back through the citizen's own mirror.
		const listed = page.getByRole('listitem').filter({ hasText: filed.ref });
		await listed.getByText(t('cases.followed')).waitFor({ timeout: 20_000 });
		expect(await axe(page)).toEqual([]);

		await listed.getByRole('link').click();
		await page.getByText(t('case.followed'), { exact: true }).waitFor();
		expect(await page.getByRole('heading', { name: t('case.body') }).count()).toBe(0);
		expect(await page.content()).not.toContain('55123');
		expect(await axe(page)).toEqual([]);

		// Back on the form, the same case says it is followed already: no second button.
		await reportPothole(page, L);
		const again = page
			.getByRole('region', { name: t('nearby.title') })
			.getByRole('listitem')
			.filter({ hasText: filed.ref });
		await again.getByText(t('nearby.already')).waitFor({ timeout: 20_000 });
		expect(await again.getByRole('button').count()).toBe(0);
	});

	it('skips the check offline with a note, and the report is still sent, in English on a desktop', async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const page = await citizenPage(L, DESKTOP, '+97336000073');
		await reportPothole(page, L);
		await page
			.getByRole('region', { name: t('nearby.title') })
			.getByRole('listitem')
			.filter({ hasText: filed.ref })
			.waitFor({ timeout: 20_000 });
		expect(await axe(page)).toEqual([]);

		await page.context().setOffline(true);
		const region = page.getByRole('region', { name: t('nearby.title') });
		await region.getByText(t('nearby.offline')).waitFor({ timeout: 15_000 });
		expect(await region.getByRole('button', { name: t('nearby.follow') }).count()).toBe(0);
		await page.getByLabel(t('form.subject.label'), { exact: true }).fill('Pothole by the school gate');
		await page.getByLabel(t('form.body.label'), { exact: true }).fill('A deep pothole by the school gate, next to the crossing.');
		expect(await axe(page)).toEqual([]);
		await page.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await page.getByText(t('form.queued_offline')).waitFor();
	});

	it('shows staff how many citizens support the case, in English on a desktop', async () => {
		const L: Locale = 'en';
		const context = await app.context({ viewport: DESKTOP, bypassCSP: true, serviceWorkers: 'block' });
		await preferLanguage(context, L);
		await addSession(context, app.base, agent);
		const page = await context.newPage();
		await page.goto(`/staff/cases/${filed.key}`);
		const supporters = page.locator('dt', { hasText: msg(L, 'case.supporters') }).locator('xpath=following-sibling::dd[1]');
		await supporters.waitFor({ timeout: 20_000 });
		expect(await supporters.textContent()).toMatch(/^1 /);
		expect(await page.getByText(msg(L, 'action.kind.follow')).count()).toBe(1);
		expect(await axe(page)).toEqual([]);
	});
});
