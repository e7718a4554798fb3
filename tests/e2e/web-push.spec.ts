/** Web Push in the browser (issue 16): on My cases a signed-in citizen finds "allow notifications
 * on this device" only when the server has VAPID keys, in Arabic at 360 px and English on a
 * desktop, with axe finding nothing; a push delivered to the app's service worker (through
 * DevTools, as the push service would) shows a notification in the language of the payload,
 * naming the reference, and leading to the case. Headless Chromium reaches no real push service,
 * so subscribing itself is covered by tests/integration/web-push.spec.ts. */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { signInCitizen } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, serviceWorkerReady, useApp, type App, type Locale } from './browser.js';

const VAPID = webpush.generateVAPIDKeys();
const withKeys = useApp({ VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey, VAPID_SUBJECT: 'mailto:ops@tawasul.example' });
const withoutKeys = useApp();

async function citizenPage(app: App, phone: string, locale: Locale, viewport: { width: number; height: number }): Promise<{ page: Page; context: BrowserContext }> {
	// axe goes in as an inline script, which the app's CSP refuses (see accessibility.spec.ts).
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	await addSession(context, app.base, await signInCitizen(app.base, phone));
	const page = await context.newPage();
	await page.goto('/cases');
	await page.getByRole('heading', { level: 1, name: msg(locale, 'cases.title') }).waitFor();
	return { page, context };
}

describe('the notifications toggle', () => {
	it.each([
		['ar', PHONE, '+97336000801'],
		['en', DESKTOP, '+97336000802']
	] as const)('is offered on My cases when the server has keys (%s)', async (locale, viewport, phone) => {
		const { page } = await citizenPage(withKeys, phone, locale, viewport);
		const section = page.getByRole('region', { name: msg(locale, 'push.section') });
		await section.waitFor();
		const toggle = section.getByRole('button', { name: msg(locale, 'push.toggle') });
		await toggle.waitFor();
		expect(await toggle.getAttribute('aria-pressed')).toBe('false');
		await section.getByText(msg(locale, 'push.off')).waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
		expect(await axe(page)).toEqual([]);
	});

	it('says so when the browser blocks notifications', async () => {
		const { page, context } = await citizenPage(withKeys, '+97336000803', 'en', DESKTOP);
		await serviceWorkerReady(page);
		// What a person who once answered "Block" has: the browser refuses without asking.
		await context.clearPermissions();
		const cdp = await context.newCDPSession(page);
		const { targetInfo } = await cdp.send('Target.getTargetInfo');
		await cdp.send('Browser.setPermission', { permission: { name: 'notifications' }, setting: 'denied', origin: withKeys.base, browserContextId: targetInfo.browserContextId });
		await page.reload();
		const section = page.getByRole('region', { name: msg('en', 'push.section') });
		await section.getByText(msg('en', 'push.denied')).waitFor();
		expect(await section.getByRole('button', { name: msg('en', 'push.toggle') }).isDisabled()).toBe(true);
		expect(await axe(page)).toEqual([]);
	});

	it("says so when the browser's push service does not answer", async () => {
		// Chromium's test profiles are private windows, which have no push service: subscribing fails.
		const { page, context } = await citizenPage(withKeys, '+97336000807', 'ar', PHONE);
		await context.grantPermissions(['notifications'], { origin: withKeys.base });
		const section = page.getByRole('region', { name: msg('ar', 'push.section') });
		const toggle = section.getByRole('button', { name: msg('ar', 'push.toggle') });
		await toggle.click();
		await section.getByRole('alert').getByText(msg('ar', 'push.failed')).waitFor();
		expect(await toggle.getAttribute('aria-pressed')).toBe('false');
		await section.getByText(msg('ar', 'push.off')).waitFor();
		expect(await axe(page)).toEqual([]);
	});

	it('is not offered when the server has no keys', async () => {
		const { page } = await citizenPage(withoutKeys, '+97336000804', 'ar', PHONE);
		await serviceWorkerReady(page);
		expect(await (await fetch(`${withoutKeys.base}/api/push/key`)).json()).toEqual({ enabled: false });
		await page.getByRole('heading', { level: 2, name: msg('ar', 'cases.sent') }).waitFor();
		expect(await page.getByRole('region', { name: msg('ar', 'push.section') }).count()).toBe(0);
		expect(await page.getByText(msg('ar', 'push.toggle')).count()).toBe(0);
	});
});

describe('a push reaching the service worker', () => {
	it.each(['ar', 'en'] as const)("shows a notification in the payload's language (%s), naming the reference and leading to the case", async (locale) => {
		const { page, context } = await citizenPage(withKeys, locale === 'ar' ? '+97336000805' : '+97336000806', locale, DESKTOP);
		await context.grantPermissions(['notifications'], { origin: withKeys.base });
		await serviceWorkerReady(page);
		const cdp = await context.newCDPSession(page);
		const registrationId = await new Promise<string>((resolve) => {
			cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
				const ours = registrations.find((r: { scopeURL: string; isDeleted: boolean }) => r.scopeURL === `${withKeys.base}/` && !r.isDeleted);
				if (ours) resolve(ours.registrationId);
			});
			void cdp.send('ServiceWorker.enable');
		});
		const caseKey = randomUUID();
		const payload = { notice: 'info_requested', ref: '26-000123-4', case_key: caseKey, locale };
		await cdp.send('ServiceWorker.deliverPushMessage', { origin: withKeys.base, registrationId, data: JSON.stringify(payload) });
		const notifications = () =>
			page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, lang: n.lang, dir: n.dir, url: n.data?.url })));
		await expect.poll(notifications, { timeout: 10_000 }).toHaveLength(1);
		const shown = await notifications();
		expect(shown).toEqual([
			{ title: msg(locale, 'push.title'), body: msg(locale, 'push.body.info_requested', { ref: '26-000123-4' }), lang: locale, dir: locale === 'ar' ? 'rtl' : 'ltr', url: `/cases/${caseKey}` }
		]);
	});
});
