/** Photos on the public map (issue 14) in a real browser: a manager of the works entity shows a
 * photo of a pothole report from the staff case view with the keyboard (Arabic, 360 px) and on a
 * desktop (English), the panel passes axe, an agent is told only managers may; the public
 * reports page then shows both photos as thumbnails without JavaScript, and passes axe. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkeredPhoto } from '../fixtures/files.js';
import { local, remote, signInCitizen, submitAction } from '../integration/harness.js';
import { axe, DESKTOP, msg, PHONE, preferLanguage, signInStaffUI, useApp, type Locale } from './browser.js';

const app = useApp();
const PHOTO = 'photo-1.jpg';

/** A pothole report from the citizen with one photo; its key. */
async function reportWithPhoto(phone: string, location: { lat: number; lng: number }): Promise<string> {
	const citizen = await signInCitizen(app.base, phone);
	const submit = submitAction({ location, _attachments: { [PHOTO]: { content_type: 'image/jpeg', data: (await checkeredPhoto()).toString('base64') } } });
	const outbox = local('outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	return submit.case_key;
}

async function openCase(locale: Locale, viewport: { width: number; height: number }, caseKey: string, username: string): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	const page = await context.newPage();
	await signInStaffUI(page, username, locale);
	await page.goto(`/staff/cases/${caseKey}`);
	await page.getByRole('img', { name: msg(locale, 'redaction.thumbnail_alt', { name: PHOTO }) }).waitFor({ timeout: 20_000 });
	return page;
}

describe('showing a photo on the public map from the staff case view', () => {
	it('with the keyboard, in Arabic at 360 px, passing axe', async () => {
		const L: Locale = 'ar';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await openCase(L, PHONE, await reportWithPhoto('+97336000941', { lat: 26.2235, lng: 50.5876 }), 'manager.works');
		await page.getByText(t('public_photo.hint')).waitFor();
		expect(await axe(page)).toEqual([]);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

		// From the button before it, Tab reaches the control and Enter presses it.
		await page.getByRole('button', { name: t('redaction.view_original') }).focus();
		await page.keyboard.press('Tab');
		const publish = t('public_photo.publish', { name: PHOTO });
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(publish);
		await page.keyboard.press('Enter');
		await page.getByText(t('public_photo.shown'), { exact: true }).waitFor({ timeout: 20_000 });
		const withdraw = page.getByRole('button', { name: t('public_photo.withdraw', { name: PHOTO }) });
		await withdraw.waitFor();
		expect(await withdraw.getAttribute('aria-pressed')).toBe('true');
		expect(await axe(page)).toEqual([]);
	});

	it('on a desktop in English; an agent is told only managers may', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const caseKey = await reportWithPhoto('+97336000942', { lat: 26.1501, lng: 50.6203 });
		const agentPage = await openCase(L, DESKTOP, caseKey, 'agent.works');
		await agentPage.getByText(t('public_photo.managers_only')).waitFor();
		expect(await agentPage.getByRole('button', { name: t('public_photo.publish', { name: PHOTO }) }).count()).toBe(0);

		const page = await openCase(L, DESKTOP, caseKey, 'manager.works');
		await page.getByRole('button', { name: t('public_photo.publish', { name: PHOTO }) }).click();
		await page.getByText(t('public_photo.shown'), { exact: true }).waitFor({ timeout: 20_000 });
		await page.getByRole('button', { name: t('public_photo.withdraw', { name: PHOTO }) }).waitFor();
		expect(await axe(page)).toEqual([]);
	});
});

// The public pages read the reports when first asked, after both photos were shown above.
describe.each([
	['/public/reports', 'ar', PHONE, ['صورة بلاغ: حفر وتلف الطرق، المنطقة 26.22, 50.59', 'صورة بلاغ: حفر وتلف الطرق، المنطقة 26.15, 50.62']],
	['/public/en/reports', 'en', DESKTOP, ['Photo of a report: Potholes and road damage, area 26.22, 50.59', 'Photo of a report: Potholes and road damage, area 26.15, 50.62']]
] as const)('%s (%s) at %o', (path, locale, viewport, alts) => {
	it('shows the photos without JavaScript, fits the screen, and has no WCAG 2 A/AA violations', async () => {
		const bare = await app.page({ viewport, javaScriptEnabled: false });
		await expect
			.poll(
				async () => {
					await bare.goto(path);
					return bare.locator('img').count();
				},
				{ timeout: 20_000, interval: 500 }
			)
			.toBe(2);
		expect(await bare.evaluate(() => document.documentElement.lang)).toBe(locale);
		for (const alt of alts) {
			const image = bare.getByRole('img', { name: alt });
			await image.scrollIntoViewIfNeeded();
			await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(320);
		}
		expect(await bare.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

		const page = await app.page({ viewport, bypassCSP: true, serviceWorkers: 'block' });
		await page.goto(path);
		await page.getByRole('img', { name: alts[0] }).waitFor();
		expect(await axe(page)).toEqual([]);
	});
});
