/** Issue 12, signing in at a kiosk from one's own phone with the national eKey: a real OpenID
 * provider (oidc-provider, tests/fixtures/oidc-provider.ts) on loopback, and a server that signs
 * citizens in with it. The phone opens the kiosk's QR link, chooses eKey, logs in on the
 * provider's own pages, comes back to the link and confirms; the kiosk offers three numbers, the
 * phone's opens the case form, which says whose phone it was (when the eKey vouches for a mobile
 * number) and files. The kiosk on a desktop, the phone at 360 px, in both languages, with axe on
 * each of the app's pages (the provider's are not the app's). */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { EKEY_PEOPLE, providerForApp, type RunningProvider } from '../fixtures/oidc-provider.js';
import { axe, DESKTOP, enrolKioskOnPage, msg, msgPattern, PHONE, preferLanguage, registerKioskByApi, useApp, type Locale } from './browser.js';

let ekey: RunningProvider | undefined;
const app = useApp(async () => {
	const started = await providerForApp({});
	ekey = started.provider;
	return started.env;
});
afterAll(() => ekey?.close());

/** Requests the browser made to anything but loopback (the provider's pages must stay local). */
const outside: string[] = [];
afterEach(() => {
	expect(outside.splice(0)).toEqual([]);
});

async function device(viewport: { width: number; height: number }, locale: Locale): Promise<BrowserContext> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	context.on('request', (request) => {
		const url = new URL(request.url());
		if (url.protocol.startsWith('http') && url.hostname !== '127.0.0.1') outside.push(url.href);
	});
	return context;
}

/** The kiosk shows its QR code; the link in it. */
async function showLink(kiosk: Page, locale: Locale): Promise<string> {
	const shown = kiosk.waitForResponse((response) => new URL(response.url()).pathname === '/api/kiosk/session/link');
	await kiosk.getByRole('button', { name: msg(locale, 'kiosk.link.start') }).click();
	const { link } = (await (await shown).json()) as { link: { url: string } };
	await kiosk.getByRole('img', { name: msg(locale, 'kiosk.link.qr_alt') }).waitFor();
	expect(await axe(kiosk)).toEqual([]);
	const target = new URL(link.url);
	return target.pathname + target.search;
}

/** The provider's own pages: the login form (any password), then consent. */
async function logInAtProvider(page: Page, subject: string): Promise<void> {
	await expect.poll(() => new URL(page.url()).origin, { timeout: 15_000 }).toBe(ekey!.issuer);
	await page.locator('input[name="login"]').fill(subject);
	await page.locator('input[name="password"]').fill('any password');
	await page.getByRole('button', { name: 'Sign-in' }).click();
	await page.getByRole('button', { name: 'Continue' }).click();
}

/** Files a complaint on the kiosk's case form; the page ends on the receipt. */
async function fileComplaint(kiosk: Page, locale: Locale, subject: string): Promise<void> {
	await kiosk.locator('#case-type-complaint').check();
	await kiosk.locator('#category').selectOption('works-potholes');
	await kiosk.locator('#subject').fill(subject);
	await kiosk.locator('#body').fill('The pavement by the kiosk has been broken for a month.');
	await kiosk.getByRole('button', { name: msg(locale, 'form.submit'), exact: true }).click();
	await kiosk.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.receipt.title') }).waitFor({ timeout: 20_000 });
	expect(isValidReference((await kiosk.locator('.ref').textContent())!.trim())).toBe(true);
}

type Way = 'signin page' | 'link page';

/** From the kiosk's QR link on the phone to the kiosk's case form, signing in with eKey on the way. */
async function signInWithEkey(run: { kiosk: Locale; phone: Locale; subject: string; way: Way; name: string }): Promise<Page> {
	const { code } = await registerKioskByApi(app.base, run.name);
	const kiosk = await (await device(DESKTOP, run.kiosk)).newPage();
	await enrolKioskOnPage(kiosk, code, run.kiosk);
	const link = await showLink(kiosk, run.kiosk);

	// The citizen's own phone, signed in nowhere yet.
	const own = await (await device(PHONE, run.phone)).newPage();
	await own.goto(link);
	await own.getByText(msg(run.phone, 'kiosk_link.signin')).waitFor();
	expect(await axe(own)).toEqual([]);
	if (run.way === 'signin page') {
		await own.getByRole('link', { name: msg(run.phone, 'kiosk_link.signin_button') }).click();
		await expect.poll(() => new URL(own.url()).pathname).toBe('/signin');
	}
	const ekeyButton = own.getByRole('link', { name: msg(run.phone, 'signin.ekey_button') });
	await ekeyButton.waitFor();
	expect(await axe(own)).toEqual([]);
	await ekeyButton.click();
	await logInAtProvider(own, run.subject);

	// Back at the link, signed in: the phone names the kiosk and confirms.
	await expect.poll(() => `${new URL(own.url()).pathname}${new URL(own.url()).search}`, { timeout: 15_000 }).toBe(link);
	await own.getByText(msg(run.phone, 'kiosk_link.intro', { name: run.name, centre: 'Sitra service centre' })).waitFor();
	expect(await axe(own)).toEqual([]);
	await own.getByRole('button', { name: msg(run.phone, 'kiosk_link.confirm') }).click();
	const check = (await own.locator('.check').textContent({ timeout: 15_000 }))!.trim();
	await own
		.locator('section.link')
		.getByText(msg(run.phone, 'kiosk_link.confirmed', { check }))
		.waitFor();
	expect(await axe(own)).toEqual([]);

	// The kiosk offers three numbers; the phone's opens the case form.
	const choices = kiosk.getByRole('group', { name: msg(run.kiosk, 'kiosk.link.choose') });
	await choices.waitFor({ timeout: 15_000 });
	expect(await choices.getByRole('button').count()).toBe(3);
	expect(await axe(kiosk)).toEqual([]);
	await choices.getByRole('button', { name: check, exact: true }).click();
	await kiosk.getByRole('heading', { level: 1, name: msg(run.kiosk, 'kiosk.file.title') }).waitFor({ timeout: 15_000 });
	return kiosk;
}

/** The last four digits of the mobile number the eKey gives for `subject`. */
function phoneEnd(subject: string): string {
	return String(EKEY_PEOPLE[subject].phone_number).replace(/\D/g, '').slice(-4);
}

describe('signing in at a kiosk from one’s own phone with the eKey', () => {
	it.each([
		['en', 'ar', 'ekey-1001', 'signin page'],
		['ar', 'en', 'ekey-1003', 'link page']
	] as const)(
		'the kiosk (%s) names the phone the eKey verified and files in the citizen’s name (phone %s, %s, eKey chosen on the %s)',
		async (kioskLocale: Locale, phoneLocale: Locale, subject, way: Way) => {
			const kiosk = await signInWithEkey({ kiosk: kioskLocale, phone: phoneLocale, subject, way, name: `Kiosk eKey ${kioskLocale}` });
			const who = msg(kioskLocale, 'kiosk.link.signed_in', { digits: phoneEnd(subject) });
			await kiosk.locator('p.notice', { hasText: who }).waitFor();
			expect(await axe(kiosk)).toEqual([]);

			await fileComplaint(kiosk, kioskLocale, `Broken pavement ${kioskLocale}`);
			expect(await kiosk.locator('.receipt').textContent()).toContain(msg(kioskLocale, 'kiosk.receipt.sms'));
			expect(await axe(kiosk)).toEqual([]);
			await kiosk.getByRole('button', { name: msg(kioskLocale, 'kiosk.finish') }).click();
			await kiosk.getByRole('heading', { level: 1, name: msg(kioskLocale, 'kiosk.start.title') }).waitFor();
			expect(await kiosk.content()).not.toContain(who);
		},
		120_000
	);

	it('opens the kiosk without SMS for an eKey account whose number is not verified (kiosk en, phone ar)', async () => {
		const kiosk = await signInWithEkey({ kiosk: 'en', phone: 'ar', subject: 'ekey-1002', way: 'signin page', name: 'Kiosk eKey no phone' });
		await kiosk.locator('p.notice', { hasText: msg('en', 'kiosk.link.signed_in_no_phone') }).waitFor();
		// No digits of the unverified number: the eKey did not vouch for it.
		expect(await kiosk.getByText(msgPattern('en', 'kiosk.link.signed_in')).count()).toBe(0);
		expect(await axe(kiosk)).toEqual([]);

		await fileComplaint(kiosk, 'en', 'Broken pavement, no SMS');
		expect(await kiosk.locator('.receipt').textContent()).toContain(msg('en', 'kiosk.receipt.no_sms'));
		expect(await axe(kiosk)).toEqual([]);
	}, 120_000);
});
