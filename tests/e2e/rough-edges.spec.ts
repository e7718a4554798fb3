/** The rough edges a new user hit (issue 16, step 5), each checked in the browser on a phone
 * (360 px) and a desktop (1,366 px), in Arabic and English. */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { answeredCase, pullDoc, push } from '../integration/rating-helpers.js';
import { jpegWithGps } from '../fixtures/files.js';
import { addSession, axe, latestCode, msg, PHONE, preferLanguage, requestCode, useApp, type Locale } from './browser.js';

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
/** The internal id of the citizen who filed the works cases: never shown to staff. */
let citizenId = '';

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
	[coordinator, minister, manager, agent] = await Promise.all(['coordinator', 'minister', 'manager.works', 'agent.works'].map((username) => signInStaff(app.base, username)));
	await api(coordinator, 'POST', '/api/admin/entities', { entity_id: LONG_ID, name_ar: LONG_NAME_AR, name_en: LONG_NAME_EN });
	await api(coordinator, 'POST', '/api/admin/categories', {
		category_id: `${LONG_ID.slice(0, 60)}-c`,
		entity_id: LONG_ID,
		name_ar: LONG_NAME_AR,
		name_en: LONG_NAME_EN,
		case_types: ['complaint']
	});
	const citizen = await signInCitizen(app.base, '+97336000061');
	citizenId = citizen.user.user_id;
	const outbox = local('rough-edges-outbox');
	const first = submitAction({ subject: `Pothole${'o'.repeat(80)} on Road 12`, category_id: 'works-potholes' });
	const second = submitAction({ subject: 'Street light out on Avenue 5', category_id: 'works-potholes' });
	for (const action of [first, second, submitAction({ subject: 'A long one', category_id: `${LONG_ID.slice(0, 60)}-c` })]) await outbox.put(action);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	await waitFor(async () => ((await api(minister, 'GET', '/api/stats/overview')).overview.headline.cases === 3 ? true : undefined), 30_000, 'the three cases counted');
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
	// axe is added to the page as a script, which the app's CSP rightly refuses.
	const c = await app.context({ viewport, bypassCSP: true });
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
const digitsIn = (locale: Locale, text: string) => (locale === 'ar' ? text.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))) : text);

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

/** What the page writes for `n` in `locale`. */
const numberIn = (locale: Locale, n: number) => new Intl.NumberFormat(locale === 'ar' ? 'ar-BH' : 'en-GB').format(n);

describe('the citizen on staff screens', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`is named by a masked phone, never the internal id or the whole number (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string) => msg(L, key);
				const page = await (await contextFor(agent, L, viewport)).newPage();
				await page.goto('/staff');
				const list = page.locator('main li.case');
				await expect.poll(() => list.count(), { timeout: 20_000 }).toBe(3);
				const shown = list.filter({ hasText: works[1].subject }).locator('.citizen');
				expect(await shown.textContent()).toBe('+973 •••• 0061');
				// Read left to right in Arabic too, so the "+" stays with the country code.
				expect(await shown.locator('bdi').getAttribute('dir')).toBe('ltr');
				expect(await list.filter({ hasText: 'Broken bench in the park' }).locator('.citizen').textContent()).toBe('+973 •••• 0062');
				for (const text of [await page.locator('main').textContent(), await page.content()]) {
					expect(text).not.toContain(citizenId);
					expect(text).not.toContain('36000061');
				}

				await page.goto(`/staff/cases/${encodeURIComponent(works[1].caseKey)}`);
				const fact = page.locator('main dl.facts dt', { hasText: t('staff.citizen.label') });
				await fact.waitFor({ timeout: 20_000 });
				expect(await page.locator('main dl.facts dt + dd .citizen').textContent()).toBe('+973 •••• 0061');
				expect(await page.locator('main').textContent()).not.toContain(citizenId);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});

/** The "open" figure of the by-type table's complaint row. */
async function openComplaints(page: Page, L: Locale): Promise<string> {
	const table = page.locator('main table', { has: page.locator('caption', { hasText: msg(L, 'dashboard.by_type_caption') }) });
	const row = table.locator('tbody tr', { has: page.locator('th', { hasText: msg(L, 'case.type.complaint') }) });
	const headers = await table.locator('thead th').allTextContents();
	const column = headers.indexOf(msg(L, 'dashboard.col.open'));
	// The row's header is the first cell; the figures follow it.
	return (
		(await row
			.locator('td')
			.nth(column - 1)
			.textContent()) ?? ''
	).trim();
}

describe('dashboards', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`count an answered complaint as no longer open, for an entity and for the nation (${L}, ${viewport.width} px)`, async () => {
				const page = await (await contextFor(minister, L, viewport)).newPage();
				// Works: one waiting for the citizen and one new are open; the bench was answered.
				await page.goto('/dashboard/works');
				await page.locator('[data-kpi="cases"]').waitFor({ timeout: 20_000 });
				await expect.poll(() => openComplaints(page, L), { timeout: 30_000 }).toBe(numberIn(L, 2));
				// The nation: the same two, and the long-named authority's one.
				await page.goto('/dashboard');
				await page.locator('[data-kpi="cases"]').waitFor({ timeout: 20_000 });
				await expect.poll(() => openComplaints(page, L), { timeout: 30_000 }).toBe(numberIn(L, 3));
			});

			it(`take dates typed day/month/year in the page's digits, by keyboard, and say how they read them (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const digits = (text: string) => digitsIn(L, text);
				const page = await (await contextFor(minister, L, viewport)).newPage();
				await page.goto('/dashboard');
				const cases = page.locator('[data-kpi="cases"] .value');
				await expect.poll(() => cases.textContent(), { timeout: 30_000 }).not.toBe(numberIn(L, 0));
				const from = page.getByLabel(t('dashboard.from'), { exact: true });
				const to = page.getByLabel(t('dashboard.to'), { exact: true });
				expect(await from.getAttribute('type')).toBe('text');
				await page.locator('#dash-from-hint', { hasText: t('date_field.hint', { example: digits('15/03/2026') }) }).waitFor();
				const year = new Date().getFullYear();

				// Last year only: 31/12 can only be day/month, so nothing of this year is counted.
				await from.click();
				await page.keyboard.type(digits(`01/01/${year - 1}`));
				await page.keyboard.press('Tab');
				await to.pressSequentially(digits(`31/12/${year - 1}`));
				const read = new Intl.DateTimeFormat(L === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(year - 1, 11, 31, 12)));
				await page.locator('#dash-to-read', { hasText: t('date_field.read_as', { date: read }) }).waitFor();
				expect(await to.getAttribute('aria-describedby')).toContain('dash-to-read');
				await to.press('Enter');
				await expect.poll(() => cases.textContent(), { timeout: 20_000 }).toBe(numberIn(L, 0));

				// A day that does not exist is said so, by the field, and nothing is applied.
				await to.fill(digits(`31/02/${year}`));
				await to.press('Enter');
				await page.locator('#dash-to-error', { hasText: t('date_field.invalid') }).waitFor();
				expect(await to.getAttribute('aria-invalid')).toBe('true');
				expect(await page.evaluate(() => document.activeElement?.id)).toBe('dash-to');
				expect(await cases.textContent()).toBe(numberIn(L, 0));

				// This year again: the cases are back.
				await to.fill(digits(`31/12/${year}`));
				await to.press('Enter');
				await expect.poll(() => cases.textContent(), { timeout: 20_000 }).not.toBe(numberIn(L, 0));
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});

describe('the audit trail', () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`takes its dates the same way as the dashboard (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const page = await (await contextFor(manager, L, viewport)).newPage();
				await page.goto('/staff/audit');
				const rows = page.locator('main table tbody tr');
				await rows.first().waitFor({ timeout: 20_000 });
				const from = page.getByLabel(t('audit.from'), { exact: true });
				expect(await from.getAttribute('type')).toBe('text');
				// Next year: nothing has happened yet.
				const next = new Date().getFullYear() + 1;
				await from.fill(digitsIn(L, `01/01/${next}`));
				await page.locator('#audit-from-read').waitFor();
				await from.press('Enter');
				await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(0);
				await from.fill(digitsIn(L, `32/01/${next}`));
				await from.press('Enter');
				await page.locator('#audit-from-error', { hasText: t('date_field.invalid') }).waitFor();
				expect(await from.getAttribute('aria-invalid')).toBe('true');
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});

/** Writes a complaint to the Ministry of Works in the new-case form, and waits until it is saved. */
async function writeComplaint(page: Page, L: Locale, subject: string): Promise<void> {
	const t = (key: string) => msg(L, key);
	await page.getByRole('radio', { name: t('case.type.complaint') }).check();
	await page.getByLabel(t('form.category.label'), { exact: true }).selectOption('works-potholes');
	await page.getByLabel(t('form.subject.label'), { exact: true }).fill(subject);
	await page.getByLabel(t('form.body.label'), { exact: true }).fill('Photo attached: the hole is about a metre wide.');
	await page.getByText(t('form.saved')).waitFor();
}

describe("a citizen's photos on this device", () => {
	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`show on a case queued offline, and the browser is asked once to keep them (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const index = LOCALES.indexOf(L) * 2 + VIEWPORTS.indexOf(viewport);
				const context = await contextFor(await signInCitizen(app.base, `+9733600007${index}`), L, viewport);
				const page = await context.newPage();
				await page.goto('/new');
				await writeComplaint(page, L, `Pothole with a photo ${index}`);
				// The first saved draft asked the browser; its answer is said once, quietly.
				const persisted = await page.evaluate(() => navigator.storage.persisted());
				await page.locator('#storage-answer', { hasText: t(`form.storage.${persisted ? 'granted' : 'denied'}`) }).waitFor();
				await page.locator('#files-input').setInputFiles({ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps(800, 600) });
				// The list, not the announcement: a later one (the photo's place) may replace it at once.
				await page
					.getByRole('list', { name: t('form.files.list_label') })
					.getByText('pothole.jpg')
					.waitFor({ timeout: 20_000 });
				await page.reload();
				await page.getByLabel(t('form.subject.label'), { exact: true }).waitFor();
				await page.getByText(t('form.saved')).or(page.locator('#files-input')).first().waitFor();
				expect(await page.locator('#storage-answer').count()).toBe(0);

				await context.setOffline(true);
				await page.getByRole('button', { name: t('form.submit'), exact: true }).click();
				await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
				const photo = page.locator('section[aria-labelledby="pending-photos-title"] img');
				await photo.waitFor({ timeout: 20_000 });
				await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
				const src = (await photo.getAttribute('src'))!;
				expect(src).toMatch(/^blob:/);
				expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
				expect(await axe(page)).toEqual([]);
				// Leaving the case page lets go of the photo's object URL (online: the list's code is
				// not on this device, which has no service worker in a test).
				await context.setOffline(false);
				await page.getByRole('link', { name: t('case.back_to_list') }).click();
				await page.getByRole('heading', { level: 1, name: t('cases.title') }).waitFor();
				expect(
					await page.evaluate(
						(url) =>
							fetch(url).then(
								() => 'open',
								() => 'revoked'
							),
						src
					)
				).toBe('revoked');
				await context.close();
			});

			it(`that do not fit are named, and the text is kept (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const index = LOCALES.indexOf(L) * 2 + VIEWPORTS.indexOf(viewport);
				const context = await contextFor(await signInCitizen(app.base, `+9733600008${index}`), L, viewport);
				const page = await context.newPage();
				await page.goto('/new');
				const subject = `Pothole, photo too big ${index}`;
				await writeComplaint(page, L, subject);
				// The device has room for the draft's text but not for a photo. DevTools' quota override
				// does not reach IndexedDB here, so the store refuses a file the way a full disk does.
				await page.evaluate(() => {
					const add = IDBObjectStore.prototype.add;
					IDBObjectStore.prototype.add = function (value: unknown, key?: IDBValidKey) {
						if ((value as { blob?: unknown } | null)?.blob instanceof Blob) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
						return add.call(this, value, key);
					};
				});
				await page.locator('#files-input').setInputFiles({ name: 'big-pothole.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps(1200, 900) });
				const error = page.locator('#files-error');
				await error.waitFor({ timeout: 20_000 });
				expect(await error.textContent()).toContain(`big-pothole.jpg: ${t('errors.storage_full')}`);
				await page.reload();
				await expect.poll(() => page.getByLabel(t('form.subject.label'), { exact: true }).inputValue(), { timeout: 20_000 }).toBe(subject);
				await context.close();
			});
		}
	}
});

describe('a case transferred away', () => {
	let transferred = '';
	beforeAll(async () => {
		const citizen = await signInCitizen(app.base, '+97336000063');
		const action = submitAction({ subject: 'Flooded underpass on Road 3', category_id: 'works-potholes' });
		await push(app.base, citizen, [action]);
		await pullDoc(app.base, agent, 'e_works', `case:${action.case_key}`);
		await push(app.base, agent, [followUp(action.case_key, 'transfer', { to_entity_id: 'health', reason: 'Standing water is a health risk.' })]);
		transferred = action.case_key;
	});

	for (const L of LOCALES) {
		for (const viewport of VIEWPORTS) {
			it(`is titled for what it is on the agent's screen, not "my cases" (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const page = await (await contextFor(agent, L, viewport)).newPage();
				await page.goto(`/staff/cases/${encodeURIComponent(transferred)}`);
				await page.getByRole('heading', { level: 1, name: t('staff.case.transferred_title') }).waitFor({ timeout: 30_000 });
				expect(await page.locator('h1').allTextContents()).not.toContain(t('cases.title'));
				await page.getByRole('link', { name: t('staff.case.back') }).waitFor();
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});
