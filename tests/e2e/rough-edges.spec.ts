/** The rough edges a new user hit (issue 16, step 5), each checked in the browser on a phone
 * (360 px) and a desktop (1,366 px), in Arabic and English. */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
const WIDE = { width: 1366, height: 800 };
const VIEWPORTS = [PHONE, WIDE];
const LOCALES: Locale[] = ['ar', 'en'];

let coordinator: Session;
let minister: Session;
let manager: Session;

/** An entity whose id and names are single unbroken words as long as the server accepts. */
const LONG_ID = `a${'b'.repeat(62)}`;
const LONG_NAME_EN = `Authority${'x'.repeat(100)}`;
const LONG_NAME_AR = `هيئة${'ـ'.repeat(100)}`;

async function api(session: Session, method: string, path: string, body?: unknown) {
	const response = await fetch(`${app.base}${path}`, {
		method,
		headers: { cookie: session.cookie, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
	return response.json();
}

beforeAll(async () => {
	[coordinator, minister, manager] = await Promise.all([signInStaff(app.base, 'coordinator'), signInStaff(app.base, 'minister'), signInStaff(app.base, 'manager.works')]);
	await api(coordinator, 'POST', '/api/admin/entities', { entity_id: LONG_ID, name_ar: LONG_NAME_AR, name_en: LONG_NAME_EN });
	await api(coordinator, 'POST', '/api/admin/categories', {
		category_id: `${LONG_ID.slice(0, 60)}-c`,
		entity_id: LONG_ID,
		name_ar: LONG_NAME_AR,
		name_en: LONG_NAME_EN,
		case_types: ['complaint']
	});
	const citizen = await signInCitizen(app.base, '+97336000061');
	const outbox = local('rough-edges-outbox');
	await outbox.put(submitAction({ subject: `Pothole${'o'.repeat(80)} on Road 12`, category_id: 'works-potholes' }));
	await outbox.put(submitAction({ subject: 'A long one', category_id: `${LONG_ID.slice(0, 60)}-c` }));
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	await waitFor(
		async () => ((await api(minister, 'GET', '/api/stats/overview')).overview.headline.cases === 2 ? true : undefined),
		30_000,
		'the two cases counted'
	);
});

async function contextFor(session: Session, locale: Locale, viewport: { width: number; height: number }): Promise<BrowserContext> {
	const c = await app.context({ viewport });
	await preferLanguage(c, locale);
	await addSession(c, app.base, session);
	return c;
}

interface Widths {
	page: number;
	view: number;
	main: number;
	tables: { caption: string; table: number; region: number }[];
}

/** How wide the page, its main column and each table (and the region it scrolls in) are. */
function measure(page: Page): Promise<Widths> {
	return page.evaluate(() => {
		const main = document.querySelector('main')!;
		return {
			page: document.documentElement.scrollWidth,
			view: window.innerWidth,
			main: main.clientWidth,
			tables: [...main.querySelectorAll('table')].map((table) => {
				const region = table.closest('.table-scroll') ?? table.parentElement!;
				return {
					caption: table.caption?.textContent ?? '',
					table: Math.ceil(table.getBoundingClientRect().width),
					region: region.clientWidth
				};
			})
		};
	});
}

describe('tables fit their page', () => {
	const pages: { path: string; who: () => Session }[] = [
		{ path: '/admin/entities', who: () => coordinator },
		{ path: '/admin/categories', who: () => coordinator },
		{ path: '/admin/staff', who: () => coordinator },
		{ path: '/admin/holidays', who: () => coordinator },
		{ path: '/dashboard', who: () => minister },
		{ path: '/dashboard/report', who: () => minister },
		{ path: '/staff/audit', who: () => manager }
	];
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`no table is wider than its column, and the page never scrolls sideways (${L}, ${viewport.width} px)`, async () => {
				const contexts = new Map<Session, BrowserContext>();
				for (const { path, who } of pages) {
					const session = who();
					if (!contexts.has(session)) contexts.set(session, await contextFor(session, L, viewport));
					const page = await contexts.get(session)!.newPage();
					await page.goto(path);
					await page.locator('main table tbody tr').first().waitFor({ timeout: 20_000 });
					// Tables that fill in from the server or a replica: give them a moment to settle.
					await page.waitForTimeout(300);
					const widths = await measure(page);
					expect(widths.page, `${path}: the page scrolls sideways`).toBeLessThanOrEqual(widths.view);
					expect(widths.tables.length, path).toBeGreaterThan(0);
					for (const t of widths.tables) {
						expect(t.region, `${path} "${t.caption}": region wider than the column`).toBeLessThanOrEqual(widths.main);
						if (viewport.width >= 1000) expect(t.table, `${path} "${t.caption}": table cut off`).toBeLessThanOrEqual(t.region + 1);
					}
					// On a desktop the administration and dashboards use the width there is.
					if (viewport.width >= 1000) expect(widths.main, path).toBeGreaterThan(1100);
					await page.close();
				}
			});
		}
	}
});
