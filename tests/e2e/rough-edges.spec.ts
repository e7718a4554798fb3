/** The rough edges a new user hit (issue 16, step 5), each checked in the browser on a phone
 * (360 px) and a desktop (1,366 px), in Arabic and English. */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { answeredCase, pullDoc, push } from '../integration/rating-helpers.js';
import { addSession, latestCode, msg, PHONE, preferLanguage, requestCode, useApp, type Locale } from './browser.js';

const app = useApp();
const WIDE = { width: 1366, height: 800 };
const VIEWPORTS = [PHONE, WIDE];
const LOCALES: Locale[] = ['ar', 'en'];

let coordinator: Session;
let minister: Session;
let manager: Session;
let agent: Session;
/** Two cases of the Ministry of Works: the first waits for the citizen's information. */
const works: { caseKey: string; subject: string; ref: string }[] = [];
/** The path of a rating link texted to a citizen. */
let ratingPath = '';

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
	[coordinator, minister, manager, agent] = await Promise.all(
		['coordinator', 'minister', 'manager.works', 'agent.works'].map((username) => signInStaff(app.base, username))
	);
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
	const first = submitAction({ subject: `Pothole${'o'.repeat(80)} on Road 12`, category_id: 'works-potholes' });
	const second = submitAction({ subject: 'Street light out on Avenue 5', category_id: 'works-potholes' });
	for (const action of [first, second, submitAction({ subject: 'A long one', category_id: `${LONG_ID.slice(0, 60)}-c` })]) await outbox.put(action);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	await waitFor(
		async () => ((await api(minister, 'GET', '/api/stats/overview')).overview.headline.cases === 3 ? true : undefined),
		30_000,
		'the three cases counted'
	);
	const rated = await answeredCase(app.base, await signInCitizen(app.base, '+97336000062'), agent, '+97336000062', { subject: 'Broken bench in the park' });
	ratingPath = `/r/${rated.token}`;
	await pullDoc(app.base, agent, 'e_works', `case:${first.case_key}`);
	await push(app.base, agent, [followUp(first.case_key, 'request_info', { body: 'Which part of Road 12, please?' })]);
	for (const action of [first, second]) {
		const doc = await pullDoc(app.base, agent, 'e_works', `case:${action.case_key}`, (d) => action !== first || d.status === 'awaiting_citizen');
		works.push({ caseKey: action.case_key, subject: action.subject as string, ref: doc.ref });
	}
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

/** The digits of `text` as the page writes them in `locale` (Arabic-Indic in Arabic). */
const digitsIn = (locale: Locale, text: string) =>
	locale === 'ar' ? text.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))) : text;

describe('staff screens', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`speak of the citizen, not "you", and find a case by its reference (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const page = await (await contextFor(agent, L, viewport)).newPage();
				await page.goto('/staff');
				const list = page.locator('main li.case');
				await expect.poll(() => list.count(), { timeout: 20_000 }).toBe(3);

				// The waiting case says whose information is awaited, in the list and on the case.
				const waiting = list.filter({ hasText: works[0].subject });
				expect((await waiting.locator('.badge').textContent())?.trim()).toBe(t('staff.status.awaiting_citizen'));
				expect(await page.locator('#status-filter option[value="awaiting_citizen"]').textContent()).toBe(t('staff.status.awaiting_citizen'));
				expect(await page.locator('main').textContent()).not.toContain(t('case.status.awaiting_citizen'));

				// A reference as read aloud: part of it, in the digits of the page's language.
				const search = page.getByLabel(t('staff.inbox.search'));
				await search.fill(digitsIn(L, works[1].ref.slice(3)));
				await expect.poll(() => list.count()).toBe(1);
				await list.getByRole('link', { name: works[1].subject }).waitFor();
				// The whole reference finds it too, even with the status filter set to closed cases.
				await page.locator('#status-filter').selectOption('closed');
				await search.fill(works[0].ref);
				await expect.poll(() => list.count()).toBe(1);
				await list.getByRole('link', { name: works[0].subject }).waitFor();
				await search.fill('99-999999');
				await page.getByText(t('staff.inbox.search_none')).waitFor();
				await search.fill('');
				await page.locator('#status-filter').selectOption('active');
				await expect.poll(() => list.count()).toBe(3);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

				await page.goto(`/staff/cases/${encodeURIComponent(works[0].caseKey)}`);
				await page.locator('main .badge', { hasText: t('staff.status.awaiting_citizen') }).waitFor({ timeout: 20_000 });
				expect(await page.locator('main').textContent()).not.toContain(t('case.status.awaiting_citizen'));
			});
		}
	}
});

describe("an entity's dashboard", () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`says it is about that entity, not all of them (${L}, ${viewport.width} px)`, async () => {
				const page = await (await contextFor(minister, L, viewport)).newPage();
				await page.goto('/dashboard/works');
				await page.locator('[data-kpi="cases"]').waitFor({ timeout: 20_000 });
				const name = (await api(coordinator, 'GET', '/api/admin/entities')).entities.find((e: { entity_id: string }) => e.entity_id === 'works');
				const entity = L === 'ar' ? name.name_ar : name.name_en;
				await page.getByText(msg(L, 'dashboard.intro_drilldown', { entity })).waitFor();
				expect(await page.locator('main').textContent()).not.toContain(msg(L, 'dashboard.intro_national'));
				// The national overview still says it is national.
				await page.goto('/dashboard');
				await page.getByText(msg(L, 'dashboard.intro_national')).waitFor({ timeout: 20_000 });
			});
		}
	}
});

describe('phone numbers', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`show the "+" on the left of the digits in a sentence (${L}, ${viewport.width} px)`, async () => {
				const phone = `+9733600009${LOCALES.indexOf(L)}`;
				const context = await app.context({ viewport });
				await preferLanguage(context, L);
				const page = await context.newPage();
				await page.goto('/signin');
				await requestCode(page, phone, L);
				expect(await latestCode(app.base, phone)).toMatch(/^\d{6}$/);
				for (const selector of ['#code-hint', 'main .notice.ok']) {
					// Where the "+" and the first digit are drawn: the "+" must come first, left to right.
					const [plus, digit] = await page.locator(selector).evaluate((element, number) => {
						const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
						for (let node = walker.nextNode(); node; node = walker.nextNode()) {
							const at = node.textContent!.indexOf(number);
							if (at < 0) continue;
							const box = (offset: number) => {
								const range = document.createRange();
								range.setStart(node!, offset);
								range.setEnd(node!, offset + 1);
								return range.getBoundingClientRect().left;
							};
							return [box(at), box(at + 1)];
						}
						throw new Error(`no ${number} in the text`);
					}, phone);
					expect(plus, selector).toBeLessThan(digit);
				}
			});
		}
	}
});

describe('forms', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`name the field that is missing and count the subject's characters (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const number = (n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);
				const context = await app.context({ viewport });
				await preferLanguage(context, L);
				const page = await context.newPage();
				await page.goto('/new');
				const subject = page.getByLabel(t('form.subject.label'));
				await subject.waitFor({ timeout: 20_000 });
				await page.locator('#subject-count', { hasText: t('form.subject.count', { count: number(0), max: number(150) }) }).waitFor();
				await page.getByRole('button', { name: t('form.submit_signin') }).click();
				const summary = page.locator('main .notice.error');
				await summary.waitFor();
				for (const label of ['form.subject.label', 'form.body.label']) {
					await summary.getByRole('link', { name: t('errors.required_field', { field: t(label) }) }).waitFor();
				}
				expect(await page.locator('#subject-error').textContent()).toBe(t('errors.required_field', { field: t('form.subject.label') }));
				expect(await summary.getByRole('link', { name: t('errors.required'), exact: true }).count()).toBe(0);
				// The counter follows the typing, and is read with the field.
				await subject.fill('Road 12');
				await page.locator('#subject-count', { hasText: t('form.subject.count', { count: number(7), max: number(150) }) }).waitFor();
				expect(await subject.getAttribute('aria-describedby')).toContain('subject-count');

				// Staff sign-in names its empty fields too.
				await page.goto('/staff/signin');
				await page.getByRole('button', { name: t('staff.signin.submit'), exact: true }).click();
				await page.locator('#username-error', { hasText: t('errors.required_field', { field: t('staff.signin.username') }) }).waitFor();
				await page.locator('#password-error', { hasText: t('errors.required_field', { field: t('staff.signin.password') }) }).waitFor();
			});
		}
	}
});

describe('the rating page', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`writes every number in the digits of its language (${L}, ${viewport.width} px)`, async () => {
				const page = await app.page({ viewport });
				await page.goto(`${ratingPath}?lang=${L}`);
				await page.getByRole('heading', { level: 1, name: msg(L, 'rating.title') }).waitFor();
				await page.locator('#comment-hint', { hasText: msg(L, 'rating.comment_hint', { max: L === 'ar' ? '٢٬٠٠٠' : '2,000' }) }).waitFor();
				// Everything the page says in its own words (not the case's texts, not the reference,
				// which is an identifier), in one set of digits only.
				const text = await page.locator('main').evaluate((main) => {
					const copy = main.cloneNode(true) as HTMLElement;
					copy.querySelectorAll('bdi, .text, [dir="auto"]').forEach((quoted) => quoted.remove());
					return copy.textContent ?? '';
				});
				expect(text).toMatch(L === 'ar' ? /[٠-٩]/ : /[0-9]/);
				expect(text).not.toMatch(L === 'ar' ? /[0-9]/ : /[٠-٩]/);
			});
		}
	}
});
