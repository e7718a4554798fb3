/** An entity manager's open cases on a map (issue 15, step 3): close cases are grouped, a group
 * zooms in when pressed, each case links to its page, and cases without a location are counted.
 * In Arabic and English, on a phone (360 px) and a desktop (1,366 px). */
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, type Session } from '../integration/harness.js';
import { pullDoc } from '../integration/rating-helpers.js';
import { addSession, axe, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
const number = (L: Locale, n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);

/** Two cases a few metres apart in Manama, one in Riffa, one with no location. */
const CASES = [
	{ subject: 'Pothole by the Bab Al Bahrain gate', location: { lat: 26.2235, lng: 50.5876 } },
	{ subject: 'Broken kerb by the Bab Al Bahrain gate', location: { lat: 26.2236, lng: 50.5878 } },
	{ subject: 'Street light out in Riffa', location: { lat: 26.13, lng: 50.555 } },
	{ subject: 'Flooded underpass, place described in words', location: null }
];
const refs = new Map<string, string>();
let manager: Session;

beforeAll(async () => {
	const citizen = await signInCitizen(app.base, '+97336000171');
	const outbox = local('cases-map-outbox');
	const actions = CASES.map((c) => submitAction({ subject: c.subject, location: c.location }));
	for (const action of actions) await outbox.put(action);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	const agent = await signInStaff(app.base, 'agent.works');
	for (const action of actions) refs.set(action.subject as string, (await pullDoc(app.base, agent, 'e_works', `case:${action.case_key}`)).ref);
	manager = await signInStaff(app.base, 'manager.works');
});

describe("a manager's open cases on the map", () => {
	for (const L of ['ar', 'en'] as Locale[]) {
		for (const viewport of [PHONE, { width: 1366, height: 800 }]) {
			it(`are grouped when close, opened by zooming in, and linked to their pages (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const context = await app.context({ viewport, bypassCSP: true });
				await preferLanguage(context, L);
				await addSession(context, app.base, manager);
				const page = await context.newPage();
				await page.goto('/staff');
				await page
					.getByRole('navigation', { name: t('nav.label') })
					.getByRole('link', { name: t('nav.map') })
					.click();
				await page.getByRole('heading', { level: 1, name: t('staff.map.title') }).waitFor({ timeout: 20_000 });
				await page.locator('#cases-map-count', { hasText: t('staff.map.count', { count: number(L, 3), without: number(L, 1) }) }).waitFor({ timeout: 20_000 });
				const map = page.locator('.map');
				await map.waitFor();
				// The whole country fits: the three cases are too close to tell apart yet.
				const cluster = map.getByRole('button', { name: t('map.cluster', { count: number(L, 3) }) });
				await cluster.waitFor();
				expect(await map.getByRole('link').count()).toBe(0);
				expect(await axe(page)).toEqual([]);

				// Pressing a group zooms in on it until every case stands alone.
				for (let i = 0; i < 8 && (await map.locator('button.cluster').count()) > 0; i++) {
					await map.locator('button.cluster').first().click();
				}
				const pair = CASES.slice(0, 2).map((c) => map.getByRole('link', { name: `${refs.get(c.subject)} — ${c.subject}` }));
				for (const link of pair) await link.waitFor();
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
				await pair[0].click();
				await page.getByRole('heading', { level: 1, name: CASES[0].subject }).waitFor({ timeout: 20_000 });
			});
		}
	}
});
