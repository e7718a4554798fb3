/** Block and road numbers under the map (issue 15), with GAZETTEER_FILE set to a generated
 * gazetteer in Manama: a citizen placing the pin sees "مجمع … · طريق … · <area>" in Arabic digits at
 * 360 px and "Block … · Road … · <area>" on an English desktop; nothing outside the gazetteer or
 * offline, and the form goes on; staff see the same line on the case page. Each screen axe-clean. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockNumber, pointIn, roadFraction, roadNumber, writeGazetteerGrid, type GridOptions } from '../fixtures/gazetteer.js';
import { local, remote, signInCitizen, signInStaff, submitAction, tempDir, type Session } from '../integration/harness.js';
import { pullDoc } from '../integration/rating-helpers.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const GRID: GridOptions = { columns: 4, rows: 3, sideM: 500, roadsPerBlock: 3 };
const app = useApp({ GAZETTEER_FILE: writeGazetteerGrid(tempDir('tawasul-e2e-gazetteer-'), GRID) });
const HERE = pointIn(GRID, 2, 1, 0.5, roadFraction(GRID, 1));
const BLOCK = blockNumber(GRID, 2, 1);
const ROAD = roadNumber(BLOCK, 1);
const AREA = { ar: 'الحي 2', en: 'Quarter 2' };
/** Outside every block, no road near. */
const NOWHERE = { lat: 26.1, lng: 50.4 };

const numeral = (L: Locale, n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB', { useGrouping: false }).format(n);
const expectedLine = (L: Locale) => [msg(L, 'gazetteer.block', { block: numeral(L, BLOCK) }), msg(L, 'gazetteer.road', { road: numeral(L, ROAD) }), AREA[L]].join(' · ');

let agent: Session;
let caseKey: string;

beforeAll(async () => {
	const citizen = await signInCitizen(app.base, '+97336000181');
	const action = submitAction({ subject: 'Broken street light on the road', location: { lat: Number(HERE.lat.toFixed(5)), lng: Number(HERE.lng.toFixed(5)) } });
	const outbox = local('gazetteer-outbox');
	await outbox.put(action);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	agent = await signInStaff(app.base, 'agent.works');
	await pullDoc(app.base, agent, 'e_works', `case:${action.case_key}`);
	caseKey = action.case_key;
});

async function newCase(L: Locale, viewport: { width: number; height: number }, phone: string): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, L);
	await addSession(context, app.base, await signInCitizen(app.base, phone));
	const page = await context.newPage();
	await page.goto('/new');
	await page.getByLabel(msg(L, 'form.subject.label')).waitFor({ timeout: 20_000 });
	return page;
}

async function typePoint(page: Page, L: Locale, point: { lat: number; lng: number }): Promise<void> {
	await page.getByLabel(msg(L, 'form.location.lat'), { exact: true }).fill(point.lat.toFixed(5));
	await page.getByLabel(msg(L, 'form.location.lng'), { exact: true }).fill(point.lng.toFixed(5));
}

const lineOf = (page: Page) => page.locator('#location-gazetteer').textContent();

describe('block and road numbers under the map', () => {
	it('are shown in Arabic digits at 360 px, and nothing outside the gazetteer or offline', async () => {
		const L: Locale = 'ar';
		const page = await newCase(L, PHONE, '+97336000182');
		await typePoint(page, L, HERE);
		await expect.poll(() => lineOf(page), { timeout: 15_000 }).toBe(expectedLine(L));
		expect(await lineOf(page)).toMatch(/^مجمع [٠-٩]{3} · طريق [٠-٩]{4} · الحي 2$/);
		// Under the map, not beside it.
		const [map, line] = [(await page.locator('.map').boundingBox())!, (await page.locator('#location-gazetteer').boundingBox())!];
		expect(line.y).toBeGreaterThanOrEqual(map.y + map.height);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
		expect(await axe(page)).toEqual([]);

		await typePoint(page, L, NOWHERE);
		await expect.poll(() => lineOf(page), { timeout: 15_000 }).toBe('');

		await page.context().setOffline(true);
		// A pin never asked about (a block and road of the gazetteer), and the server cannot be asked:
		// no line, no error, and the form goes on.
		await typePoint(page, L, pointIn(GRID, 0, 2, 0.5, roadFraction(GRID, 0)));
		await page.waitForTimeout(1_500);
		expect(await lineOf(page)).toBe('');
		expect(await page.locator('.field-error').count()).toBe(0);
		await page.getByLabel(msg(L, 'form.subject.label'), { exact: true }).fill('إنارة معطلة في الطريق');
		expect(await axe(page)).toEqual([]);
	});

	it('are shown in English on a desktop, and to staff on the case page', async () => {
		const L: Locale = 'en';
		const page = await newCase(L, DESKTOP, '+97336000183');
		await typePoint(page, L, HERE);
		await expect.poll(() => lineOf(page), { timeout: 15_000 }).toBe(expectedLine(L));
		expect(expectedLine(L)).toBe(`Block ${BLOCK} · Road ${ROAD} · Quarter 2`);
		expect(await axe(page)).toEqual([]);

		const context = await app.context({ viewport: DESKTOP, bypassCSP: true });
		await preferLanguage(context, L);
		await addSession(context, app.base, agent);
		const staffPage = await context.newPage();
		await staffPage.goto(`/staff/cases/${encodeURIComponent(caseKey)}`);
		const term = staffPage.locator('main dl dt', { hasText: msg(L, 'gazetteer.label') });
		await term.waitFor({ timeout: 20_000 });
		expect(await term.locator('+ dd').textContent()).toBe(expectedLine(L));
		expect(await axe(staffPage)).toEqual([]);
	});
});
