/** The staff side of issue 3 in the browser: a coordinator sets up an authenticator at the first
 * sign-in and then signs in with its codes; the administration screens change what every device
 * reads; the audit trail shows it; sign-out warns before it deletes unsent work; the eKey button
 * and its error. axe finds nothing on the admin and audit pages, in Arabic and English. */
import type { BrowserContext, Page } from 'playwright-core';
import { renderSVG } from 'uqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, rememberAuthenticator, signInCitizen, signInStaff, submitAction, totpCode, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, signInByPhone, useApp, type Locale, type Violation } from './browser.js';

const app = useApp();
const SECOND = 'coord.second';
let coordinator: Session;
let manager: Session;
let agent: Session;
/** The one-time password the first coordinator made for the second. */
let secondPassword = '';

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
	coordinator = await signInStaff(app.base, 'coordinator');
	manager = await signInStaff(app.base, 'manager.works');
	agent = await signInStaff(app.base, 'agent.works');
	// A coordinator made by another has not enrolled: the first sign-in sets up the authenticator.
	const created = await api(coordinator, 'POST', '/api/admin/staff', { username: SECOND, name: 'Second Coordinator', role: 'coordinator' });
	secondPassword = created.temporary_password;
	// Something in the trail for the manager's entity: a case on the Ministry of Works.
	const citizen = await signInCitizen(app.base, '+97336000041');
	const outbox = local('admin-outbox');
	await outbox.put(submitAction({ subject: 'Broken kerb on Road 7', category_id: 'works-potholes' }));
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	await waitFor(async () => ((await api(manager, 'GET', '/api/audit')).entries.length ? true : undefined), 15_000, 'the audit entry of the case');
});

const path = (page: Page) => new URL(page.url()).pathname;

describe('the coordinator', () => {
	it('sets up an authenticator at the first sign-in, signs in with its codes, and changes the response period', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const context = await app.context({ viewport: PHONE });
		await preferLanguage(context, L);
		const page = await context.newPage();

		await page.goto('/staff/signin');
		await page.getByLabel(t('staff.signin.username')).fill(SECOND);
		await page.getByLabel(t('staff.signin.password')).fill(secondPassword);
		await page.getByRole('button', { name: t('staff.signin.submit'), exact: true }).click();
		await page.getByRole('heading', { name: t('mfa.enrol.title') }).waitFor();
		// The key in groups of four, and the link an authenticator app on this phone opens.
		const grouped = (await page.locator('.secret code').textContent())!;
		expect(grouped).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
		const secret = grouped.replace(/\s/g, '');
		const link = page.getByRole('link', { name: t('mfa.enrol.open_app') });
		expect(await link.getAttribute('href')).toBe(`otpauth://totp/Tawasul%3A${SECOND}?secret=${secret}&issuer=Tawasul&algorithm=SHA1&digits=6&period=30`);
		// The QR code a computer shows the phone's camera holds that same link, and is drawn.
		const qr = page.getByRole('img', { name: t('mfa.enrol.qr_alt') });
		const src = (await qr.getAttribute('src'))!;
		expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(renderSVG((await link.getAttribute('href'))!, { border: 2 }));
		await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
		rememberAuthenticator(app.base, SECOND, secret);

		// A wrong code is refused with the localised message; the typed code stays to be corrected.
		const code = page.getByLabel(t('mfa.code.label'));
		await code.fill('000000');
		await page.getByRole('button', { name: t('mfa.enrol.confirm') }).click();
		// The message stands by the field (a live region may repeat it for screen readers).
		await page.locator('.field-error', { hasText: t('errors.totp_invalid') }).waitFor();
		expect(await code.inputValue()).toBe('000000');
		await code.fill(await totpCode(app.base, SECOND));
		await page.getByRole('button', { name: t('mfa.enrol.confirm') }).click();
		await expect.poll(() => path(page), { timeout: 15_000 }).toBe('/admin');

		await page
			.getByRole('navigation', { name: t('nav.label') })
			.getByRole('link', { name: t('nav.admin') })
			.waitFor();
		await page
			.getByRole('navigation', { name: t('admin.nav') })
			.getByRole('link', { name: t('admin.settings.title') })
			.click();
		const days = page.getByLabel(t('admin.settings.response_days'));
		await expect.poll(() => days.inputValue()).not.toBe('');
		await days.fill('99');
		await page.getByRole('button', { name: t('admin.save'), exact: true }).click();
		await page
			.getByText(t('errors.out_of_range', { min: 1, max: 60 }))
			.first()
			.waitFor();
		await days.fill('9');
		await page.getByRole('button', { name: t('admin.save'), exact: true }).click();
		await expect.poll(async () => (await api(coordinator, 'GET', '/api/admin/settings')).settings.response_days).toBe(9);
		// Every device reads it from the replicated config, this one included.
		await expect.poll(async () => (await (await fetch(`${app.base}/db/config/settings`)).json()).response_days).toBe(9);

		// The change is in the audit trail, with who made it.
		await page
			.getByRole('navigation', { name: t('nav.label') })
			.getByRole('link', { name: t('nav.audit') })
			.click();
		const row = page
			.getByRole('row')
			.filter({ hasText: t('audit.kind.admin.settings.update') })
			.first();
		await row.waitFor();
		expect(await row.textContent()).toContain('Second Coordinator');

		// Signed out, the next sign-in asks for a code (no enrolment), and the code opens the session.
		await page.getByRole('button', { name: t('nav.signout'), exact: true }).click();
		await expect.poll(() => path(page)).toBe('/');
		await page.goto('/staff/signin');
		await page.getByLabel(t('staff.signin.username')).fill(SECOND);
		await page.getByLabel(t('staff.signin.password')).fill(secondPassword);
		await page.getByRole('button', { name: t('staff.signin.submit'), exact: true }).click();
		await page.getByRole('heading', { name: t('mfa.code.title') }).waitFor();
		await page.getByLabel(t('mfa.code.label')).fill(await totpCode(app.base, SECOND));
		await page.getByRole('button', { name: t('mfa.code.submit'), exact: true }).click();
		await expect.poll(() => path(page), { timeout: 15_000 }).toBe('/admin');
	});

	it('creates a staff account and sees its one-time password once; disabling asks first', async () => {
		const L: Locale = 'ar';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const context = await app.context({ viewport: DESKTOP });
		await addSession(context, app.base, coordinator);
		const page = await context.newPage();
		await page.goto('/admin/staff');
		await page.getByRole('heading', { name: t('admin.staff.new_title') }).waitFor();
		await page.getByLabel(t('admin.field.username'), { exact: true }).fill('agent.new');
		await page.getByLabel(t('admin.field.name'), { exact: true }).fill('موظف جديد');
		await page.getByLabel(t('admin.field.role')).selectOption('agent');
		// An agent belongs to an entity: without one the server says so beside the field, and
		// what was typed stays.
		await page.getByRole('button', { name: t('admin.staff.create') }).click();
		await page.locator('#staff-entity_id-error', { hasText: t('errors.required') }).waitFor();
		expect(await page.getByLabel(t('admin.field.username'), { exact: true }).inputValue()).toBe('agent.new');
		await page.getByLabel(t('admin.field.entity')).selectOption('works');
		await page.getByRole('button', { name: t('admin.staff.create') }).click();
		const once = page.getByRole('region', { name: t('admin.password.title', { username: 'agent.new' }) });
		const password = (await once.locator('code').textContent())!;
		expect(password.length).toBeGreaterThanOrEqual(20);
		await once.getByRole('button', { name: t('admin.password.done') }).click();
		expect(await page.getByText(password).count()).toBe(0);
		const login = await fetch(`${app.base}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'agent.new', password })
		});
		expect(login.status).toBe(200);

		await page.getByRole('button', { name: `${t('admin.accounts.disable')} موظف جديد` }).click();
		const dialog = page.getByRole('dialog', { name: t('admin.accounts.confirm_disable_title', { name: 'موظف جديد' }) });
		await dialog.waitFor();
		await dialog.getByRole('button', { name: t('common.cancel') }).click();
		const row = page.getByRole('row').filter({ hasText: 'agent.new' });
		expect(await row.textContent()).toContain(t('admin.status.active'));
		await page.getByRole('button', { name: `${t('admin.accounts.disable')} موظف جديد` }).click();
		await dialog.getByRole('button', { name: t('admin.accounts.disable') }).click();
		await expect.poll(() => row.textContent()).toContain(t('admin.status.disabled'));
	});
});

describe('signing out', () => {
	it('warns, with the count, before deleting actions that never reached the server; nothing is deleted on "stay"', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const context = await app.context({ viewport: PHONE });
		await preferLanguage(context, L);
		const page = await context.newPage();
		await page.goto('/signin');
		await signInByPhone(page, app.base, '+97336000042', L);
		await page.goto('/new');
		await page.getByLabel(t('form.category.label'), { exact: true }).selectOption({ label: 'Potholes and road damage' });
		await page.getByLabel(t('form.subject.label'), { exact: true }).fill('Loose manhole cover on Road 9');
		await page.getByLabel(t('form.body.label'), { exact: true }).fill('The cover rattles and moves when cars pass over it, near the bakery.');
		await context.setOffline(true);
		await page.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await page.getByText(t('form.queued_offline')).waitFor();

		const localDatabases = () =>
			page.evaluate(async () =>
				(await indexedDB.databases())
					.map((d) => d.name ?? '')
					.filter((n) => /outbox-|mirror-u_/.test(n))
					.sort()
			);
		const before = await localDatabases();
		expect(before.some((n) => n.includes('outbox-'))).toBe(true);

		await page.getByRole('button', { name: t('nav.signout'), exact: true }).click();
		const dialog = page.getByRole('dialog', { name: t('signout.unsent_title') });
		await dialog.waitFor();
		expect(await dialog.textContent()).toContain(t('signout.unsent_body', { count: 1 }));
		// The safe choice has the focus.
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(t('signout.unsent_cancel'));
		await page.keyboard.press('Enter');
		await expect.poll(() => dialog.isVisible()).toBe(false);
		await page.getByText(t('nav.signed_in_as', { name: '' }).trim(), { exact: false }).waitFor();
		expect(await localDatabases()).toEqual(before);

		// Back online, the action goes first; sign-out then asks nothing and removes the person's data.
		await context.setOffline(false);
		// A second draft, typed but never sent: it belongs to the person and leaves with them.
		await page.goto('/new');
		await page.getByLabel(t('form.subject.label'), { exact: true }).fill('Broken bench in the park');
		const drafts = () =>
			page.evaluate(
				() =>
					new Promise<number>((resolve, reject) => {
						const open = indexedDB.open('tawasul');
						open.onerror = () => reject(open.error);
						open.onsuccess = () => {
							const count = open.result.transaction('drafts').objectStore('drafts').count();
							count.onsuccess = () => resolve(count.result);
							count.onerror = () => reject(count.error);
						};
					})
			);
		await expect.poll(drafts).toBe(1);

		await page.getByRole('button', { name: t('nav.signout'), exact: true }).click();
		await expect.poll(() => path(page), { timeout: 20_000 }).toBe('/');
		expect(await page.getByRole('dialog').count()).toBe(0);
		await expect.poll(localDatabases).toEqual([]);
		await expect.poll(drafts).toBe(0);
	});
});

describe('signing out everywhere', () => {
	it("ends the person's session on their other devices too; offline it changes nothing and says why", async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const elsewhere = await signInCitizen(app.base, '+97336000043');
		const context = await app.context({ viewport: PHONE });
		await preferLanguage(context, L);
		const page = await context.newPage();
		await page.goto('/signin');
		await signInByPhone(page, app.base, '+97336000043', L);
		const everywhere = page.getByRole('button', { name: t('signout.everywhere'), exact: true });

		await context.setOffline(true);
		await everywhere.click();
		await page
			.getByRole('alert')
			.filter({ hasText: t('errors.network') })
			.waitFor();
		expect(await everywhere.isVisible()).toBe(true);
		expect((await fetch(`${app.base}/api/session`, { headers: { cookie: elsewhere.cookie } })).status).toBe(200);

		await context.setOffline(false);
		await everywhere.click();
		await expect.poll(() => path(page), { timeout: 20_000 }).toBe('/');
		await page.getByRole('link', { name: t('nav.signin'), exact: true }).waitFor();
		expect((await fetch(`${app.base}/api/session`, { headers: { cookie: elsewhere.cookie } })).status).toBe(401);
	});
});

describe('the eKey on the sign-in page', () => {
	it('shows the button only when the server offers it, and a localised error when it failed', async () => {
		const page = await app.page();
		await page.goto('/signin?error=oidc_failed');
		await page.getByText(msg('ar', 'errors.oidc_failed')).waitFor();
		await page.getByLabel(msg('ar', 'signin.phone.label')).waitFor();
		expect(await page.getByRole('link', { name: msg('ar', 'signin.ekey_button') }).count()).toBe(0);

		const other = await app.page();
		await other.route('**/api/auth/methods', (route) => route.fulfill({ json: { otp: true, oidc: true } }));
		await other.goto('/signin?next=/cases/abc');
		const button = other.getByRole('link', { name: msg('ar', 'signin.ekey_button') });
		await button.waitFor();
		expect(await button.getAttribute('href')).toBe('/api/auth/oidc/start?return_to=%2Fcases%2Fabc');
		// Another site's address is never passed on as the place to come back to.
		await other.goto('/signin?next=//evil.example');
		expect(await other.getByRole('link', { name: msg('ar', 'signin.ekey_button') }).getAttribute('href')).toBe('/api/auth/oidc/start?return_to=%2Fcases');
	});
});

interface Check {
	path: string;
	who: 'coordinator' | 'manager' | 'agent';
	ready: (page: Page, locale: Locale) => Promise<unknown>;
	act?: (page: Page, locale: Locale) => Promise<unknown>;
	name?: string;
}

const caption = (key: string) => (page: Page, locale: Locale) => page.getByRole('table', { name: msg(locale, key) }).waitFor();
const heading = (key: string) => (page: Page, locale: Locale) => page.getByRole('heading', { name: msg(locale, key), exact: true }).waitFor();

const CHECKS: Check[] = [
	{ path: '/admin', who: 'coordinator', ready: (p, l) => p.getByRole('heading', { level: 2, name: msg(l, 'admin.entities.title') }).waitFor() },
	{ path: '/admin/entities', who: 'coordinator', ready: caption('admin.entities.caption') },
	{
		path: '/admin/entities',
		name: '/admin/entities with the confirmation open',
		who: 'coordinator',
		ready: (p) => p.getByRole('dialog').waitFor(),
		act: async (p, l) => {
			await caption('admin.entities.caption')(p, l);
			await p
				.getByRole('button', { name: msg(l, 'admin.entities.deactivate') })
				.first()
				.click();
		}
	},
	{ path: '/admin/categories', who: 'coordinator', ready: caption('admin.routing.caption') },
	{ path: '/admin/settings', who: 'coordinator', ready: (p, l) => p.getByLabel(msg(l, 'admin.settings.time_zone')).waitFor() },
	{
		path: '/admin/settings',
		name: '/admin/settings with errors',
		who: 'coordinator',
		ready: (p) => p.locator('.field-error').waitFor(),
		act: async (p, l) => {
			await p.getByLabel(msg(l, 'admin.settings.response_days')).fill('0');
			await p.getByRole('button', { name: msg(l, 'admin.save'), exact: true }).click();
		}
	},
	{ path: '/admin/holidays', who: 'coordinator', ready: (p) => p.locator('main table, main p.empty').first().waitFor() },
	{ path: '/admin/sms', who: 'coordinator', ready: heading('admin.sms.keys.sign_in_code') },
	{
		path: '/admin/sms',
		name: '/admin/sms with errors',
		who: 'coordinator',
		ready: (p) => p.locator('.field-error').waitFor(),
		act: async (p, l) => {
			const form = p.getByRole('form', { name: msg(l, 'admin.sms.keys.sign_in_code') });
			await form.getByLabel(msg(l, 'admin.sms.text_ar'), { exact: true }).fill('رمز الدخول إلى تواصل');
			await form.getByRole('button', { name: msg(l, 'admin.save'), exact: true }).click();
		}
	},
	{ path: '/admin/delivery', who: 'coordinator', ready: heading('admin.delivery.problems') },
	{ path: '/admin/staff', who: 'coordinator', ready: caption('admin.staff.caption') },
	{ path: '/admin/kiosks', who: 'coordinator', ready: heading('admin.kiosks.new_title') },
	{ path: '/admin/api-keys', who: 'coordinator', ready: heading('admin.api-keys.new_title') },
	{
		path: '/admin/api-keys',
		name: '/admin/api-keys with a new key shown once',
		who: 'coordinator',
		ready: (p, l) => p.getByRole('region', { name: msg(l, 'admin.api-keys.shown_title', { name: 'Axe Open311 client' }) }).waitFor(),
		act: async (p, l) => {
			await p.getByLabel(msg(l, 'admin.api-keys.name')).fill('Axe Open311 client');
			await p.getByRole('button', { name: msg(l, 'admin.api-keys.create'), exact: true }).click();
		}
	},
	{ path: '/staff/audit', who: 'coordinator', ready: caption('audit.caption') },
	{ path: '/staff/audit', name: '/staff/audit (manager)', who: 'manager', ready: caption('audit.caption') },
	{ path: '/staff/account', who: 'manager', ready: (p, l) => p.getByText(msg(l, 'mfa.account.off')).waitFor() },
	{ path: '/admin', name: '/admin (agent: not allowed)', who: 'agent', ready: (p, l) => p.getByText(msg(l, 'access.not_allowed')).waitFor() }
];

const COMBINATIONS: [Locale, string, { width: number; height: number }][] = [
	['ar', 'phone', PHONE],
	['ar', 'desktop', DESKTOP],
	['en', 'phone', PHONE],
	['en', 'desktop', DESKTOP]
];

describe.each(COMBINATIONS)('accessibility of the admin and audit pages in %s on a %s screen', (locale, _, viewport) => {
	it('has no WCAG 2 A/AA violations', async () => {
		const sessions = { coordinator, manager, agent };
		const contexts = new Map<Check['who'], BrowserContext>();
		for (const who of ['coordinator', 'manager', 'agent'] as const) {
			// axe goes in as an inline script, which the app's CSP refuses (see accessibility.spec.ts).
			const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
			await preferLanguage(context, locale);
			await addSession(context, app.base, sessions[who]);
			contexts.set(who, context);
		}
		const found: Record<string, Violation[]> = {};
		for (const check of CHECKS) {
			const page = await contexts.get(check.who)!.newPage();
			await page.goto(check.path);
			await check.act?.(page, locale);
			await check.ready(page, locale);
			expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
			// Nothing wider than a phone's screen: wide tables scroll inside their own region.
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
			const violations = await axe(page);
			if (violations.length) found[check.name ?? check.path] = violations;
			await page.close();
		}
		expect(found).toEqual({});
		// Some thirty screens in one test, each loaded and checked by axe.
	}, 300_000);
});
