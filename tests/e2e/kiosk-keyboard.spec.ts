/** Issue 12, "an on-screen keyboard for Arabic and English (the kiosk may have none)": a citizen
 * at a kiosk without a keyboard types their phone number and the SMS code on a dial pad, and the
 * subject of their complaint in Arabic and English letters, with a finger or a mouse; the field
 * keeps its focus and its caret, the form's own checks see what was typed, and axe finds nothing
 * with the keyboard open, in Arabic at 360 px and in English on a desktop. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, DESKTOP, enrolKioskOnPage, latestCode, msg, PHONE, preferLanguage, registerKioskByApi, useApp, type Locale } from './browser.js';

const app = useApp();

/** Taps each key of `text` on the on-screen keyboard (a space is the space bar). */
async function tap(page: Page, locale: Locale, text: string): Promise<void> {
	const keyboard = page.getByRole('group', { name: msg(locale, 'kiosk.keyboard.label') });
	for (const key of text) {
		const name = key === ' ' ? msg(locale, 'kiosk.keyboard.space') : key;
		await keyboard.getByRole('button', { name, exact: true }).click();
	}
}

describe('the kiosk’s on-screen keyboard', () => {
	it.each([
		['ar', PHONE, '+97336100411'],
		['en', DESKTOP, '+97336100412']
	] as const)('types the phone, the code and the subject without a keyboard (%s, %o)', async (locale: Locale, viewport, phone) => {
		const context = await app.context({ viewport, bypassCSP: true });
		await preferLanguage(context, locale);
		const page = await context.newPage();
		await enrolKioskOnPage(page, (await registerKioskByApi(app.base, `Keyboard kiosk ${locale}`, '26.2572, 50.6119')).code, locale);
		const keyboard = page.getByRole('group', { name: msg(locale, 'kiosk.keyboard.label') });
		const phoneField = page.getByLabel(msg(locale, 'signin.phone.label'));

		// The phone field has the focus, and the keyboard offers a dial pad.
		await keyboard.waitFor();
		expect(await keyboard.getByRole('button', { name: 'ض' }).count()).toBe(0);
		expect(await axe(page)).toEqual([]);
		await tap(page, locale, `${phone}9`);
		await keyboard.getByRole('button', { name: msg(locale, 'kiosk.keyboard.backspace') }).click();
		expect(await phoneField.inputValue()).toBe(phone);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('kiosk-phone');
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

		// Hidden and shown again on request.
		await page.getByRole('button', { name: msg(locale, 'kiosk.keyboard.hide') }).click();
		expect(await keyboard.count()).toBe(0);
		await page.getByRole('button', { name: msg(locale, 'kiosk.keyboard.show') }).click();
		await keyboard.waitFor();

		await page.getByRole('button', { name: msg(locale, 'signin.request') }).click();
		await page.getByLabel(msg(locale, 'signin.code.label')).waitFor();
		await page.getByLabel(msg(locale, 'signin.code.label')).focus();
		await tap(page, locale, await latestCode(app.base, phone));
		await page.getByRole('button', { name: msg(locale, 'signin.verify'), exact: true }).click();
		await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.file.title') }).waitFor();

		// Letters of the page's language first; the other language one key away; the caret kept.
		const subject = page.getByLabel(msg(locale, 'form.subject.label'));
		await subject.focus();
		await keyboard.waitFor();
		if (locale === 'ar') {
			await tap(page, locale, 'ماء مقطوع');
			await keyboard.getByRole('button', { name: msg(locale, 'kiosk.keyboard.to_en') }).click();
			await tap(page, locale, ' 32');
			expect(await subject.inputValue()).toBe('ماء مقطوع 32');
		} else {
			await keyboard.getByRole('button', { name: msg(locale, 'kiosk.keyboard.shift') }).click();
			await tap(page, locale, 'Water cut ');
			await keyboard.getByRole('button', { name: msg(locale, 'kiosk.keyboard.to_ar') }).click();
			await tap(page, locale, 'مجمع');
			expect(await subject.inputValue()).toBe('Water cut مجمع');
		}
		await subject.evaluate((input: HTMLInputElement) => input.setSelectionRange(0, 0));
		await tap(page, locale, '1');
		expect((await subject.inputValue()).startsWith('1')).toBe(true);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('subject');
		expect(await axe(page)).toEqual([]);
		await context.close();
	});
});
