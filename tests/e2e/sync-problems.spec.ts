/** A sync that fails is said, not hidden: an action the gate refuses (here: over the person's
 * quota) shows as refused with its reason, in the status bar and on its case page, instead of
 * "sending" for ever; a replication the server refuses (403) shows as a problem in the status
 * bar while the others keep working, and the problem goes once the replication works again. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { msg, preferLanguage, signInByPhone, useApp, type Locale } from './browser.js';

// One case an hour per person, so the second one meets the quota.
const app = useApp({ QUOTA_CASES_PER_HOUR: '1' });
const REF = /^\d{2}-\d{6,9}-\d$/;

const path = (page: Page) => new URL(page.url()).pathname;

function fact(page: Page, locale: Locale, key: string) {
	return page.locator('dt', { hasText: msg(locale, key) }).locator('xpath=following-sibling::dd[1]');
}

function statusBar(page: Page, locale: Locale) {
	return page.getByRole('group', { name: msg(locale, 'status.region') });
}

async function signedIn(locale: Locale, phone: string): Promise<Page> {
	const context = await app.context();
	await preferLanguage(context, locale);
	const page = await context.newPage();
	await page.goto('/signin');
	await signInByPhone(page, app.base, phone, locale);
	return page;
}

/** Files a complaint from the new-case form and returns the case page's key. */
async function fileComplaint(page: Page, locale: Locale, subject: string): Promise<string> {
	const t = (key: string) => msg(locale, key);
	await page.goto('/new');
	await page.getByRole('radio', { name: t('case.type.complaint') }).check();
	await page.getByLabel(t('form.category.label'), { exact: true }).selectOption('works-potholes');
	await page.getByLabel(t('form.subject.label'), { exact: true }).fill(subject);
	await page.getByLabel(t('form.body.label'), { exact: true }).fill('A deep pothole next to the school gate has damaged several cars this week.');
	await page.getByText(t('form.saved')).waitFor();
	await page.getByRole('button', { name: t('form.submit'), exact: true }).click();
	await expect.poll(() => path(page)).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
	return path(page).split('/').pop()!;
}

describe.each<Locale>(['ar', 'en'])('sync problems are shown, in %s', (locale) => {
	const t = (key: string, params?: Record<string, string | number>) => msg(locale, key, params);

	it('a case over the quota is shown refused with the reason, and the first case is not disturbed', async () => {
		const page = await signedIn(locale, locale === 'ar' ? '+97336500001' : '+97336500002');
		const first = await fileComplaint(page, locale, 'Pothole on Road 42');
		await expect.poll(async () => (await fact(page, locale, 'case.ref').textContent())?.trim(), { timeout: 30_000 }).toMatch(REF);

		const second = await fileComplaint(page, locale, 'Another pothole on Road 43');
		expect(second).not.toBe(first);
		// The gate refused it: the case page says so with the quota's own message, not "sending".
		await expect.poll(() => page.getByText(t('errors.quota_exceeded')).count(), { timeout: 30_000 }).toBeGreaterThan(0);
		await expect.poll(() => fact(page, locale, 'case.status_label').textContent()).toContain(t('case.status.rejected'));
		await statusBar(page, locale)
			.getByText(t('status.refused', { count: new Intl.NumberFormat(locale === 'ar' ? 'ar-BH' : 'en-GB').format(1) }))
			.waitFor();
		expect(await fact(page, locale, 'case.ref').textContent()).toContain(t('case.no_ref_yet'));
		await page.getByRole('heading', { level: 2, name: t('case.refused_actions') }).waitFor();

		// The first case still has its reference, and a reload keeps the refusal (kept on the device).
		await page.reload();
		await expect.poll(() => fact(page, locale, 'case.status_label').textContent()).toContain(t('case.status.rejected'));
		await page.goto(`/cases/${first}`);
		await expect.poll(async () => (await fact(page, locale, 'case.ref').textContent())?.trim()).toMatch(REF);
	});

	it('a pull the server refuses shows as a problem, and clears once it works again', async () => {
		const page = await signedIn(locale, locale === 'ar' ? '+97336500003' : '+97336500004');
		const problem = t('status.problem', { reason: t('errors.forbidden') });
		await page.goto('/cases');
		await statusBar(page, locale).getByText(t('status.online')).waitFor();
		expect(await statusBar(page, locale).getByText(problem).count()).toBe(0);

		// The person's own database answers 403, as a store does for a poisoned document; the
		// shared config database keeps working, and must not hide the failing one.
		await page.route(/\/db\/u_[^/]+\//, (route) => route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: 'forbidden', reason: 'refused by the store' }) }));
		await page.reload();
		await statusBar(page, locale).getByText(problem).waitFor({ timeout: 30_000 });

		await page.unroute(/\/db\/u_[^/]+\//);
		// The browser's "online" event restarts every replication at once.
		await page.context().setOffline(true);
		await page.context().setOffline(false);
		await expect.poll(() => statusBar(page, locale).getByText(problem).count(), { timeout: 30_000 }).toBe(0);
	});
});
