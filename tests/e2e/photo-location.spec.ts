/** Location from the photo and the map (issue 15, step 2), with no map tiles configured (the
 * default): a photo's GPS is offered, not applied; the pin moves by keyboard; the map is a
 * coordinate grid; photos without a place or outside the country say so; no request leaves this
 * server. In Arabic and English, on a phone (360 px) and a desktop (1,366 px). */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHOTO_MEASURE } from '../../src/lib/domain/photo.js';
import { jpegWithGps, smallImage } from '../fixtures/files.js';
import { local, remote, signInCitizen, signInStaff, submitAction } from '../integration/harness.js';
import { pullDoc } from '../integration/rating-helpers.js';
import { addSession, axe, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
const VIEWPORTS = [PHONE, { width: 1366, height: 800 }];
const LOCALES: Locale[] = ['ar', 'en'];

const digits = (L: Locale, n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB', { maximumFractionDigits: 5, useGrouping: false }).format(n);

/** A new-case form in `L`, with every request the page makes recorded. */
async function openForm(L: Locale, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
	// axe is added to the page as a script, which the app's CSP rightly refuses.
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, L);
	const requests: string[] = [];
	context.on('request', (request) => requests.push(request.url()));
	const page = await context.newPage();
	await page.goto('/new');
	await page.getByLabel(msg(L, 'form.subject.label')).waitFor({ timeout: 20_000 });
	await page.locator('.map[data-mode]').waitFor();
	return { context, page, requests };
}

async function coordinates(page: Page): Promise<{ lat: number; lng: number }> {
	return { lat: Number(await page.locator('#location-lat').inputValue()), lng: Number(await page.locator('#location-lng').inputValue()) };
}

describe('the place a photo was taken', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`is offered, taken when asked, and shown as the pin on a coordinate grid (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const { page, requests } = await openForm(L, viewport);
				const map = page.locator('.map');
				expect(await map.getAttribute('data-mode')).toBe('grid');
				await page.getByText(t('map.grid_no_tiles')).waitFor();
				expect(await map.locator('svg.grid line').count()).toBeGreaterThan(2);

				const photo = await jpegWithGps(800, 600);
				await page.locator('#files-input').setInputFiles({ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: photo });
				// The page measures each photo it makes ready (what `npm run bench photo` reads).
				const measured = () => page.evaluate((name) => performance.getEntriesByName(name).map((entry) => (entry as PerformanceMeasure).detail), PHOTO_MEASURE);
				await expect.poll(measured, { timeout: 20_000 }).toEqual([{ bytes_in: photo.length, bytes_out: expect.any(Number) }]);
				expect((await measured())[0].bytes_out).toBeGreaterThan(0);
				const offer = page.locator('#location-photo');
				await offer.getByText(t('form.location.photo_found', { name: 'pothole.jpg', lat: digits(L, 26.22667), lng: digits(L, 50.58833) })).waitFor({ timeout: 20_000 });
				// Offered, not applied.
				expect(await coordinates(page)).toEqual({ lat: 0, lng: 0 });
				expect(await page.locator('#location-map-pin').count()).toBe(0);
				expect(await axe(page)).toEqual([]);

				await offer.getByRole('button', { name: t('form.location.photo_use_both') }).click();
				await page.getByText(t('form.location.photo_both_used')).first().waitFor();
				expect(await coordinates(page)).toEqual({ lat: 26.22667, lng: 50.58833 });
				// The photo's time (09:30 at +03:00), shown on the country's clock.
				const seen = new Intl.DateTimeFormat(L === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Bahrain' }).format(new Date('2026-12-06T06:30:00Z'));
				expect(await page.locator('#location-observed').textContent()).toContain(seen);
				const pin = page.getByRole('button', { name: t('map.pin', { lat: digits(L, 26.22667), lng: digits(L, 50.58833) }) });
				await pin.waitFor();
				// The pin's point is where the map says the photo was taken: inside the map's box.
				const [pinBox, mapBox] = [await pin.boundingBox(), await map.boundingBox()];
				expect(pinBox!.x).toBeGreaterThan(mapBox!.x);
				expect(pinBox!.x + pinBox!.width).toBeLessThan(mapBox!.x + mapBox!.width);
				expect(await offer.count()).toBe(0);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
				// No tile server is asked anything when none is configured.
				expect(requests.filter((url) => !url.startsWith(app.base) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
			});
		}
	}

	for (const L of LOCALES) {
		it(`is refused outside the country, and a photo without one says so (${L})`, async () => {
			const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
			const { page } = await openForm(L, PHONE);
			const offer = page.locator('#location-photo');
			await page.locator('#files-input').setInputFiles({ name: 'riyadh.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps(640, 480, { lat: 24.7136, lng: 46.6753 }) });
			await offer.getByText(t('form.location.photo_outside', { name: 'riyadh.jpg', lat: digits(L, 24.7136), lng: digits(L, 46.6753) })).waitFor({ timeout: 20_000 });
			expect(await offer.getByRole('button', { name: t('form.location.photo_use_both') }).count()).toBe(0);
			expect(await coordinates(page)).toEqual({ lat: 0, lng: 0 });
			// Its time may still be given, alone.
			await offer.getByRole('button', { name: t('form.location.photo_use_time') }).click();
			await page.locator('#location-observed').waitFor();
			expect(await coordinates(page)).toEqual({ lat: 0, lng: 0 });
			await page.getByRole('button', { name: t('form.location.observed_clear') }).click();
			expect(await page.locator('#location-observed').count()).toBe(0);

			await page.locator('#files-input').setInputFiles({ name: 'plain.jpg', mimeType: 'image/jpeg', buffer: await smallImage('jpeg', 640, 480) });
			await offer.getByText(t('form.location.photo_none', { name: 'plain.jpg' })).waitFor({ timeout: 20_000 });
			expect(await offer.getByRole('button').allTextContents()).toEqual([t('common.close')]);
			// The list, not the announcement: a later one (the photo's place) may replace it at once.
			await page
				.getByRole('list', { name: t('form.files.list_label') })
				.getByText('plain.jpg')
				.waitFor({ timeout: 20_000 });
			expect(await coordinates(page)).toEqual({ lat: 0, lng: 0 });
			expect(await axe(page)).toEqual([]);
			await offer.getByRole('button', { name: t('common.close') }).click();
			expect(await offer.count()).toBe(0);
		});
	}
});

describe('the pin', () => {
	for (const L of LOCALES) {
		it(`is put down and moved with the keyboard alone, and follows typed coordinates (${L})`, async () => {
			const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
			const { page } = await openForm(L, { width: 1366, height: 800 });
			await page.getByRole('button', { name: t('map.place') }).focus();
			await page.keyboard.press('Enter');
			const pin = page.locator('#location-map-pin');
			await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('location-map-pin');
			const start = await coordinates(page);
			// The middle of the country's box.
			expect(start.lat).toBeCloseTo(25.95, 1);
			expect(start.lng).toBeCloseTo(50.6, 1);

			// The map holds still and the pin moves across it, east even in Arabic.
			const first = (await pin.boundingBox())!;
			await page.keyboard.press('ArrowRight');
			await expect.poll(async () => (await coordinates(page)).lng).toBeGreaterThan(start.lng);
			await expect.poll(async () => (await pin.boundingBox())!.x).toBeCloseTo(first.x + 10, 0);
			expect((await coordinates(page)).lat).toBe(start.lat);
			const east = await coordinates(page);
			await page.keyboard.press('Shift+ArrowUp');
			await expect.poll(async () => (await coordinates(page)).lat).toBeGreaterThan(east.lat);
			expect((await coordinates(page)).lng).toBe(east.lng);
			const moved = await coordinates(page);
			expect(await pin.getAttribute('aria-label')).toBe(t('map.pin', { lat: digits(L, moved.lat), lng: digits(L, moved.lng) }));

			// Zooming in keeps the pin on the map.
			const before = await pin.boundingBox();
			await page.keyboard.press('+');
			await expect.poll(() => pin.boundingBox()).not.toEqual(before);
			expect(await coordinates(page)).toEqual(moved);

			// Typed coordinates move the pin too, and the map follows it.
			await page.locator('#location-lat').fill('26.1');
			await page.locator('#location-lng').fill('50.45');
			await page.getByRole('button', { name: t('map.pin', { lat: digits(L, 26.1), lng: digits(L, 50.45) }) }).waitFor();
			const [pinBox, mapBox] = [await pin.boundingBox(), await page.locator('.map').boundingBox()];
			expect(pinBox!.y).toBeGreaterThan(mapBox!.y - pinBox!.height);
			expect(pinBox!.y + pinBox!.height).toBeLessThan(mapBox!.y + mapBox!.height + pinBox!.height);
		});
	}

	it('is placed where the map is pressed, and dragged', async () => {
		const { page } = await openForm('en', { width: 1366, height: 800 });
		const map = page.locator('.map');
		await map.scrollIntoViewIfNeeded();
		const box = (await map.boundingBox())!;
		await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
		const pin = page.locator('#location-map-pin');
		await pin.waitFor();
		const pressed = await coordinates(page);
		expect(pressed.lng).toBeLessThan(50.6);
		const pinBox = (await pin.boundingBox())!;
		await page.mouse.move(pinBox.x + pinBox.width / 2, pinBox.y + pinBox.height / 2);
		await page.mouse.down();
		await page.mouse.move(pinBox.x + pinBox.width / 2 + 120, pinBox.y + pinBox.height / 2 + 60, { steps: 6 });
		await page.mouse.up();
		await expect.poll(async () => (await coordinates(page)).lng).toBeGreaterThan(pressed.lng);
		expect((await coordinates(page)).lat).toBeLessThan(pressed.lat);
	});
});

describe('"use my location"', () => {
	for (const L of LOCALES) {
		it(`puts the pin where the device is, and refuses a place outside the country (${L})`, async () => {
			const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
			const { context, page } = await openForm(L, PHONE);
			await context.grantPermissions(['geolocation']);
			await context.setGeolocation({ latitude: 26.2, longitude: 50.55 });
			await page.getByRole('button', { name: t('form.location.use_mine') }).click();
			await page.locator('#location-message', { hasText: t('form.location.found') }).waitFor();
			expect(await coordinates(page)).toEqual({ lat: 26.2, lng: 50.55 });
			await page.getByRole('button', { name: t('map.pin', { lat: digits(L, 26.2), lng: digits(L, 50.55) }) }).waitFor();

			// In Doha (a new device: the browser would answer from its recent fix otherwise).
			const abroad = await openForm(L, PHONE);
			await abroad.context.grantPermissions(['geolocation']);
			await abroad.context.setGeolocation({ latitude: 25.2854, longitude: 51.531 });
			await abroad.page.getByRole('button', { name: t('form.location.use_mine') }).click();
			await abroad.page.locator('#location-message', { hasText: t('form.location.mine_outside', { lat: digits(L, 25.2854), lng: digits(L, 51.531) }) }).waitFor();
			expect(await coordinates(abroad.page)).toEqual({ lat: 0, lng: 0 });
		});
	}

	it('says so when the permission is refused', async () => {
		const { context, page } = await openForm('ar', PHONE);
		await context.clearPermissions();
		await page.getByRole('button', { name: msg('ar', 'form.location.use_mine') }).click();
		await page.locator('#location-message', { hasText: msg('ar', 'form.location.denied') }).waitFor();
	});
});

describe("the case's location on the staff case page", () => {
	it('is the same map with the pin, read-only, in both languages and sizes', async () => {
		const citizen = await signInCitizen(app.base, '+97336000151');
		const action = submitAction({ subject: 'Broken street light by the souq', location: { lat: 26.2361, lng: 50.5763 }, observed_at: '2026-12-06T06:30:00+00:00' });
		const outbox = local('photo-location-outbox');
		await outbox.put(action);
		await outbox.replicate.to(remote(app.base, 'intake', citizen));
		const agent = await signInStaff(app.base, 'agent.works');
		await pullDoc(app.base, agent, 'e_works', `case:${action.case_key}`);
		for (const L of LOCALES) {
			for (const viewport of VIEWPORTS) {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const context = await app.context({ viewport, bypassCSP: true });
				await preferLanguage(context, L);
				await addSession(context, app.base, agent);
				const page = await context.newPage();
				await page.goto(`/staff/cases/${encodeURIComponent(action.case_key)}`);
				const pin = page.getByRole('img', { name: t('map.pin_readonly', { lat: digits(L, 26.2361), lng: digits(L, 50.5763) }) });
				await pin.waitFor({ timeout: 20_000 });
				const map = page.locator('.map');
				expect(await map.getAttribute('data-mode')).toBe('grid');
				const seen = new Intl.DateTimeFormat(L === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Bahrain' }).format(new Date('2026-12-06T06:30:00Z'));
				expect(
					await page
						.locator('main dl dt', { hasText: t('case.observed') })
						.locator('+ dd')
						.textContent()
				).toBe(seen);
				// Shown, not edited: no pin to move and nothing to place.
				expect(await page.locator('#case-map-pin').count()).toBe(0);
				expect(await page.getByRole('button', { name: t('map.place') }).count()).toBe(0);
				const [pinBox, mapBox] = [(await pin.boundingBox())!, (await map.boundingBox())!];
				expect(pinBox.x).toBeGreaterThan(mapBox.x);
				expect(pinBox.x + pinBox.width).toBeLessThan(mapBox.x + mapBox.width);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
				await context.close();
			}
		}
	});
});
