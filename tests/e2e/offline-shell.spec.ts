/** After one visit the service worker holds the app: with no network at all, reloading or
 * opening any page brings up the app (with what the device has synced), never the browser's
 * "No internet" page. */
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, submitAction } from '../integration/harness.js';
import { msg, serviceWorkerReady, signInByPhone, useApp } from './browser.js';

const app = useApp();
const PHONE = '+97336000031';
const SUBJECT = 'Water leaking from the main pipe on Road 3';
const REF = /\d{2}-\d{6,9}-\d/;

/** The response came from the service worker, and the page is the app, in Arabic. */
async function expectAppFromServiceWorker(page: Page, response: Response | null, title: string): Promise<void> {
	expect(response?.fromServiceWorker()).toBe(true);
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:/);
	expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
}

describe('the app offline', () => {
	it('reloads /, /cases and a case page offline from the service worker, with the synced data', async () => {
		// A case sent earlier from another device of the same person.
		const elsewhere = await signInCitizen(app.base, PHONE);
		const submit = submitAction({ subject: SUBJECT, category_id: 'works-sewerage' });
		const outbox = local('other-device');
		await outbox.put(submit);
		await outbox.replicate.to(remote(app.base, 'intake', elsewhere));

		const page = await app.page();
		const context = page.context();
		await page.goto('/');
		await serviceWorkerReady(page);
		expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.base}/sw.js`);
		await signInByPhone(page, app.base, PHONE);
		const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: SUBJECT }) });
		await expect.poll(() => item.textContent(), { timeout: 15_000 }).toMatch(REF);
		const ref = REF.exec((await item.textContent())!)![0];

		await context.setOffline(true);
		await expectAppFromServiceWorker(page, await page.goto('/'), msg('ar', 'home.title'));
		await page.getByText(msg('ar', 'status.offline')).waitFor();

		await expectAppFromServiceWorker(page, await page.reload(), msg('ar', 'home.title'));

		await expectAppFromServiceWorker(page, await page.goto('/cases'), msg('ar', 'cases.title'));
		await expect.poll(() => item.textContent()).toContain(ref);
		await expectAppFromServiceWorker(page, await page.reload(), msg('ar', 'cases.title'));
		await expect.poll(() => item.textContent()).toContain(ref);

		// A deep link, straight to the case.
		await expectAppFromServiceWorker(page, await page.goto(`/cases/${submit.case_key}`), SUBJECT);
		await page.getByText(ref).waitFor();

		// A page never opened before is there too: the whole shell was cached on the first visit.
		await expectAppFromServiceWorker(page, await page.goto('/staff/signin'), msg('ar', 'staff.signin.title'));

		// And the server's own paths are not faked from the cache.
		expect(
			await page.evaluate(() =>
				fetch('/api/session').then(
					() => 'answered',
					() => 'failed'
				)
			)
		).toBe('failed');
	});

	it('before any visit there is no app offline (the check above is not trivially true)', async () => {
		const page = await app.page();
		await page.context().setOffline(true);
		const error = await page.goto('/').then(
			() => null,
			(e: Error) => e
		);
		expect(error?.message).toMatch(/ERR_INTERNET_DISCONNECTED/);
	});
});
