/** Issue 15, "a Web Share Target so a photo shared from the phone's gallery opens a new report
 * with it attached": the installed app is offered in the share sheet (the manifest's
 * `share_target`); the share is a POST of the photos and text to /share-target, which the service
 * worker keeps and the new report takes in, each photo through the app's own checks and
 * shrinking, even offline. Without the worker the server sends the person to an empty report
 * that says nothing arrived. The share is made here as the phone makes it: a form POST. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { smallImage } from '../fixtures/files.js';
import { axe, msg, PHONE, preferLanguage, serviceWorkerReady, useApp } from './browser.js';

const app = useApp();

/** What the share sheet sends: the photos and the text, as multipart form data. */
async function share(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[], text: string) {
	await page.evaluate((sharedText) => {
		const form = document.createElement('form');
		form.method = 'post';
		form.enctype = 'multipart/form-data';
		form.action = '/share-target';
		form.innerHTML = '<input type="file" name="photos" multiple><input type="hidden" name="text">';
		(form.querySelector('[name=text]') as HTMLInputElement).value = sharedText;
		form.id = 'share-sheet';
		document.body.append(form);
	}, text);
	await page.locator('#share-sheet input[type=file]').setInputFiles(files);
	await page.evaluate(() => (document.getElementById('share-sheet') as HTMLFormElement).submit());
}

describe('sharing a photo from the gallery', () => {
	it('opens a new report with the photos and the text, through the app’s checks, offline too', async () => {
		const manifest = await (await fetch(`${app.base}/manifest.webmanifest`)).json();
		expect(manifest.share_target).toMatchObject({ action: '/share-target', method: 'POST', enctype: 'multipart/form-data' });
		expect(manifest.share_target.params.files[0].name).toBe('photos');

		const context = await app.context({ viewport: PHONE, bypassCSP: true });
		await preferLanguage(context, 'en');
		const page = await context.newPage();
		await page.goto('/');
		await serviceWorkerReady(page);
		await context.setOffline(true);
		await share(
			page,
			[
				{ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: await smallImage('jpeg', 1200, 900) },
				{ name: 'street.png', mimeType: 'image/png', buffer: await smallImage('png', 640, 480) },
				{ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') }
			],
			'Pothole in Road 32, Block 338'
		);
		await page.waitForURL(/\/new\?draft=/);
		const notice = page.getByRole('status').filter({ hasText: msg('en', 'form.shared.added', { count: 2 }) });
		await notice.waitFor();
		expect(await notice.textContent()).toContain('notes.jpg');
		expect(await page.locator('#body').inputValue()).toBe('Pothole in Road 32, Block 338');
		const list = page.getByRole('list', { name: msg('en', 'form.files.list_label') });
		expect(await list.getByRole('listitem').count()).toBe(2);
		// Taken once: the worker's copy is gone, and a reload keeps the draft with its photos.
		expect(await page.evaluate(() => caches.has('tawasul-share'))).toBe(false);
		await page.reload();
		await list.waitFor();
		expect(await list.getByRole('listitem').count()).toBe(2);
		expect(await axe(page)).toEqual([]);
		await context.close();
	});

	it('says that nothing arrived when the app’s worker is not there yet', async () => {
		const context = await app.context({ viewport: PHONE, serviceWorkers: 'block' });
		await preferLanguage(context, 'ar');
		const page = await context.newPage();
		await page.goto('/');
		await share(page, [{ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: await smallImage('jpeg', 640, 480) }], 'حفرة');
		await page.waitForURL(/\/new\?shared=failed/);
		await page
			.getByRole('status')
			.filter({ hasText: msg('ar', 'form.shared.nothing') })
			.waitFor();
		expect(await page.locator('#body').inputValue()).toBe('');
		await context.close();
	});
});
