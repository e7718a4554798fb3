/** Issue 12 in the browser: a citizen at a self-service kiosk files a case with the app's own
 * form and checks, a photo from the kiosk's camera and the kiosk's place pre-filled; gets the
 * receipt (reference, entity, due date, QR code of the tracking link, receipt-sized print); and
 * when they walk away the idle time-out, announced by a countdown, ends the session and leaves
 * nothing of them: not in the DOM, the history, IndexedDB, Cache Storage, cookies or the server's
 * session. In Arabic at 360 px and in English on a desktop, with axe. The time-out is made short
 * through the server's configuration (KIOSK_IDLE_SECONDS), which the kiosk reads with its heartbeat. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { smallImage } from '../fixtures/files.js';
import { axe, coordinatorCall as asCoordinator, DESKTOP, enrolKioskOnPage, msg, PHONE, preferLanguage, registerKioskByApi, signInAtKiosk, useApp, type Locale } from './browser.js';

const IDLE_SECONDS = 45;
const app = useApp({ KIOSK_IDLE_SECONDS: String(IDLE_SECONDS) });

const coordinatorCall = (method: string, path: string, body?: unknown) => asCoordinator(app.base, method, path, body);

async function enrolledKiosk(page: Page, locale: Locale, name: string): Promise<string> {
	const { kiosk_id, code } = await registerKioskByApi(app.base, name);
	await enrolKioskOnPage(page, code, locale);
	return kiosk_id;
}

async function inSession(kioskId: string): Promise<boolean> {
	const { kiosks } = await coordinatorCall('GET', '/api/admin/kiosk-devices');
	return kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === kioskId).in_session;
}

/** Everything the browser holds that could be of a person. */
async function browserStores(page: Page) {
	return page.evaluate(async () => ({
		databases: (await indexedDB.databases()).map((d) => d.name).sort(),
		caches: await caches.keys(),
		history: history.length,
		session: sessionStorage.length
	}));
}

describe('filing at a kiosk', () => {
	it.each([
		['ar', PHONE, '+97336100311'],
		['en', DESKTOP, '+97336100312']
	] as const)(
		'files with a photo, shows the receipt, and the idle time-out wipes the citizen (%s, %o)',
		async (locale: Locale, viewport, phone) => {
			const context = await app.context({ viewport, bypassCSP: true });
			await preferLanguage(context, locale);
			const page = await context.newPage();
			const kioskId = await enrolledKiosk(page, locale, `Filing kiosk ${locale}`);
			const before = await browserStores(page);

			await signInAtKiosk(page, app.base, phone, locale);
			expect(await inSession(kioskId)).toBe(true);
			// The kiosk's registered place is the case's location; the camera takes the photos.
			expect(await page.locator('#location-lat').inputValue()).toBe('26.1552');
			expect(await page.locator('#location-lng').inputValue()).toBe('50.6123');
			const picker = page.getByLabel(msg(locale, 'kiosk.file.photo_label'));
			expect(await picker.getAttribute('capture')).toBe('environment');
			expect(await picker.getAttribute('accept')).not.toContain('pdf');
			expect(await page.locator('form').getAttribute('autocomplete')).toBe('off');
			expect(await axe(page)).toEqual([]);

			// The app's own rules: nothing typed, the same named errors as on the phone.
			await page.getByRole('button', { name: msg(locale, 'form.submit'), exact: true }).click();
			await page.getByRole('heading', { level: 2, name: msg(locale, 'form.errors_title') }).waitFor();
			expect(await page.locator('#subject-error').textContent()).toContain(msg(locale, 'form.subject.label'));
			expect(await axe(page)).toEqual([]);
			// The summary's link takes the person to the field without a history entry.
			await page.locator('#summary-title + ul a[href="#subject"]').click();
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('subject');
			// Whatever the browser itself might keep of this person, a store or a cache, goes too.
			await page.evaluate(async () => {
				await (await caches.open('citizen-scratch')).put('/scratch', new Response('citizen'));
				await new Promise((resolve) => (indexedDB.open('citizen-scratch').onsuccess = (event) => resolve((event.target as IDBOpenDBRequest).result.close())));
				sessionStorage.setItem('citizen', 'scratch');
			});

			const subject = `Broken bench at the centre ${locale}`;
			const text = `The bench by the kiosk has been broken for a month; ${phone} is my number.`;
			await page.locator('#case-type-complaint').check();
			await page.locator('#category').selectOption('works-potholes');
			await page.locator('#subject').fill(subject);
			await page.locator('#body').fill(text);
			await picker.setInputFiles({ name: 'camera.jpg', mimeType: 'image/jpeg', buffer: await smallImage('jpeg', 640, 480) });
			await page.getByRole('list', { name: msg(locale, 'form.files.list_label') }).waitFor();
			await page.getByRole('button', { name: msg(locale, 'form.submit'), exact: true }).click();

			await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.receipt.title') }).waitFor({ timeout: 20_000 });
			const ref = (await page.locator('.ref').textContent())!.trim();
			expect(isValidReference(ref)).toBe(true);
			expect(await page.locator('.receipt').textContent()).toContain(msg(locale, 'kiosk.receipt.sms'));
			const qr = page.getByRole('img', { name: msg(locale, 'kiosk.receipt.qr_alt') });
			expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
			const trackingUrl = (await page.locator('.url').textContent())!.trim();
			expect(trackingUrl).toMatch(/\/cases\/[0-9a-f-]{36}$/);
			expect(await axe(page)).toEqual([]);

			// On paper: the receipt alone, on an 80 mm roll (≈ 302 CSS px).
			await page.emulateMedia({ media: 'print' });
			expect((await page.locator('.receipt').boundingBox())!.width).toBeLessThanOrEqual(303);
			expect(await page.getByRole('button', { name: msg(locale, 'kiosk.receipt.print'), includeHidden: true }).evaluate((b) => getComputedStyle(b).visibility)).toBe('hidden');
			await page.emulateMedia({ media: 'screen' });

			// Walking away: the countdown comes, is heard, and "I'm still here" keeps the session.
			const warning = page.getByRole('region', { name: msg(locale, 'kiosk.idle.title') });
			await warning.waitFor({ timeout: (IDLE_SECONDS + 5) * 1000 });
			expect(await page.getByRole('timer').textContent()).toMatch(/\d|[٠-٩]/);
			await expect.poll(() => page.locator('[aria-live]').allTextContents()).toContainEqual(expect.stringContaining(msg(locale, 'kiosk.idle.title')));
			expect(await axe(page)).toEqual([]);
			await page.getByRole('button', { name: msg(locale, 'kiosk.idle.still_here') }).click();
			expect(await warning.count()).toBe(0);
			expect(await page.locator('.ref').textContent()).toContain(ref);

			// Then nobody touches it: the session ends and the kiosk is ready for the next person.
			await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.start.title') }).waitFor({ timeout: (IDLE_SECONDS + 10) * 1000 });
			const content = await page.content();
			for (const trace of [phone, phone.slice(4), subject, text, ref, trackingUrl]) expect(content).not.toContain(trace);
			expect(await page.getByLabel(msg(locale, 'signin.phone.label')).inputValue()).toBe('');
			// The start screen comes first; the wipe of the browser's stores follows within moments.
			const left = async () => {
				const stores = await browserStores(page);
				return {
					databases: stores.databases.filter((name) => name !== 'tawasul-kiosk' && name !== '_pouch_mirror-config'),
					caches: stores.caches.filter((name) => !name.startsWith('workbox-precache')),
					session: stores.session
				};
			};
			await expect.poll(left).toEqual({ databases: [], caches: [], session: 0 });
			const after = await browserStores(page);
			expect(after.databases).toContain('tawasul-kiosk');
			expect(after.history).toBe(before.history);
			expect(after.session).toBe(0);
			expect(await context.cookies()).toEqual([]);
			expect(await inSession(kioskId)).toBe(false);
			// "Back" does not return to the case: there is no earlier entry of this kiosk to go to.
			await page.goBack().catch(() => null);
			expect(await page.content()).not.toContain(ref);
		},
		240_000
	);

	it('lets a citizen without a phone send a suggestion only, then "finish" wipes it at once', async () => {
		const context = await app.context({ viewport: PHONE, bypassCSP: true });
		await preferLanguage(context, 'ar');
		const page = await context.newPage();
		const kioskId = await enrolledKiosk(page, 'ar', 'Kiosk without a phone');
		// Installed, the kiosk is an app of its own: full screen, and /kiosk is all it can reach.
		const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
		expect(manifestUrl).toBe('/kiosk.webmanifest');
		const manifest = await (await fetch(`${app.base}${manifestUrl}`)).json();
		expect(manifest).toMatchObject({ display: 'fullscreen', scope: '/kiosk', start_url: '/kiosk' });
		const paths = await page.locator('a[href]').evaluateAll((anchors) => anchors.map((a) => `${(a as HTMLAnchorElement).origin}${(a as HTMLAnchorElement).pathname}`));
		expect(paths.filter((path) => path !== `${app.base}/kiosk` && !path.startsWith(`${app.base}/kiosk/`))).toEqual([]);
		await page.getByRole('button', { name: msg('ar', 'kiosk.without_phone.start') }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.file.title') }).waitFor();
		// Only a suggestion can be chosen: an answer could not reach anyone.
		expect(await page.locator('input[name="case_type"]').count()).toBe(1);
		expect(await page.locator('#case-type-suggestion').isChecked()).toBe(true);
		expect(await axe(page)).toEqual([]);

		const subject = 'More shade in the car park';
		await page.locator('#category').selectOption('works-potholes');
		await page.locator('#subject').fill(subject);
		await page.locator('#body').fill('Trees or a canopy would make the wait in summer bearable for everyone.');
		await page.getByRole('button', { name: msg('ar', 'form.submit'), exact: true }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.receipt.title') }).waitFor({ timeout: 20_000 });
		expect(await page.locator('.receipt').textContent()).toContain(msg('ar', 'kiosk.receipt.no_sms'));
		const ref = (await page.locator('.ref').textContent())!.trim();

		await page.getByRole('button', { name: msg('ar', 'kiosk.finish') }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.start.title') }).waitFor();
		expect(await page.content()).not.toContain(ref);
		expect(await page.content()).not.toContain(subject);
		expect(await inSession(kioskId)).toBe(false);
	}, 90_000);

	it('lets a person without a phone report a street light in a category of anonymous reporting, in English on a desktop', async () => {
		await coordinatorCall('PUT', '/api/admin/categories/works-street-lights', { identity: 'anonymous' });
		try {
			const context = await app.context({ viewport: DESKTOP, bypassCSP: true });
			await preferLanguage(context, 'en');
			const page = await context.newPage();
			await enrolledKiosk(page, 'en', 'Kiosk anonymous reporting');
			await page.getByRole('button', { name: msg('en', 'kiosk.without_phone.start') }).click();
			await page.getByRole('heading', { level: 1, name: msg('en', 'kiosk.file.title') }).waitFor();
			// A complaint too, now: the category of anonymous reporting takes complaints.
			await page.locator('#case-type-complaint').check();
			const offered = await page.locator('#category option[value]:not([value=""])').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
			expect(offered).toEqual(['works-street-lights']);
			expect(await axe(page)).toEqual([]);
			await page.locator('#category').selectOption('works-street-lights');
			await page.locator('#subject').fill('Street light out on Road 1510');
			await page.locator('#body').fill('The light by the mosque on Road 1510 has been out for a week.');
			await page.getByRole('button', { name: msg('en', 'form.submit'), exact: true }).click();
			await page.getByRole('heading', { level: 1, name: msg('en', 'kiosk.receipt.title') }).waitFor({ timeout: 20_000 });
			expect(isValidReference((await page.locator('.ref').textContent())!.trim())).toBe(true);
			expect(await page.locator('.receipt').textContent()).toContain(msg('en', 'kiosk.receipt.no_sms'));
		} finally {
			await coordinatorCall('PUT', '/api/admin/categories/works-street-lights', { identity: 'named' });
		}
	}, 90_000);
});
