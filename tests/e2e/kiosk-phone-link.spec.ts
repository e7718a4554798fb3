/** Issue 12, signing in at a kiosk from one's own phone: the kiosk shows a QR code; the phone
 * opens its link, signs in there (with the phone's code here; eKey in tests/integration/oidc.spec.ts)
 * and confirms; the kiosk goes on to the case form by itself, saying whose phone it was, and
 * forgets it on finish. Kiosk and phone in Arabic and in English, the phone at 360 px, with axe. */
import { describe, expect, it } from 'vitest';
import { axe, DESKTOP, enrolKioskOnPage, msg, PHONE, preferLanguage, registerKioskByApi, signInByPhone, useApp, type Locale } from './browser.js';

const app = useApp();

describe('signing in at a kiosk from one’s own phone', () => {
	it.each([
		['ar', PHONE, '+97336100401'],
		['en', DESKTOP, '+97336100402']
	] as const)(
		'the phone confirms the QR code and the kiosk opens the case form (%s, kiosk %o)',
		async (locale: Locale, viewport, phone) => {
			const { code } = await registerKioskByApi(app.base, `Kiosk phone ${locale}`);
			const device = await app.context({ viewport, bypassCSP: true });
			await preferLanguage(device, locale);
			const kiosk = await device.newPage();
			await enrolKioskOnPage(kiosk, code, locale);

			const shown = kiosk.waitForResponse((response) => new URL(response.url()).pathname === '/api/kiosk/session/link');
			await kiosk.getByRole('button', { name: msg(locale, 'kiosk.link.start') }).click();
			const { link } = (await (await shown).json()) as { link: { url: string } };
			await kiosk.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.link.title') }).waitFor();
			await kiosk.getByRole('img', { name: msg(locale, 'kiosk.link.qr_alt') }).waitFor();
			expect(await axe(kiosk)).toEqual([]);

			// The citizen's own phone, not signed in yet: it signs in and comes back to the link.
			const handset = await app.context({ viewport: PHONE, bypassCSP: true });
			await preferLanguage(handset, locale);
			const own = await handset.newPage();
			const target = new URL(link.url);
			await own.goto(target.pathname + target.search);
			await own.getByText(msg(locale, 'kiosk_link.signin')).waitFor();
			expect(await axe(own)).toEqual([]);
			await own.getByRole('link', { name: msg(locale, 'kiosk_link.signin_button') }).click();
			await expect.poll(() => new URL(own.url()).pathname).toBe('/signin');
			await signInByPhone(own, app.base, phone, locale);
			await expect.poll(() => new URL(own.url()).pathname, { timeout: 15_000 }).toBe('/kiosk-link');
			await own.getByText(msg(locale, 'kiosk_link.intro', { name: `Kiosk phone ${locale}`, centre: 'Sitra service centre' })).waitFor();
			expect(await axe(own)).toEqual([]);
			await own.getByRole('button', { name: msg(locale, 'kiosk_link.confirm') }).click();
			// The phone shows a number; the kiosk offers three, and the person picks the phone's.
			const check = (await own.locator('.check').textContent({ timeout: 15_000 }))!.trim();
			await own
				.locator('section.link')
				.getByText(msg(locale, 'kiosk_link.confirmed', { check }))
				.waitFor();
			expect(await axe(own)).toEqual([]);
			const choices = kiosk.getByRole('group', { name: msg(locale, 'kiosk.link.choose') });
			await choices.waitFor({ timeout: 15_000 });
			expect(await choices.getByRole('button').count()).toBe(3);
			expect(await axe(kiosk)).toEqual([]);
			await choices.getByRole('button', { name: check, exact: true }).click();

			// The kiosk goes on by itself, and says whose phone signed in.
			await kiosk.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.file.title') }).waitFor({ timeout: 15_000 });
			const who = msg(locale, 'kiosk.link.signed_in', { digits: phone.slice(-4) });
			await kiosk.locator('p.notice', { hasText: who }).waitFor();
			expect(await axe(kiosk)).toEqual([]);

			await kiosk.getByRole('button', { name: msg(locale, 'kiosk.cancel') }).click();
			await kiosk.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.start.title') }).waitFor();
			expect(await kiosk.content()).not.toContain(who);
		},
		120_000
	);
});
