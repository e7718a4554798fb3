/** A mistake costs one correction, never the retyping of a form: the error is said in the
 * reader's language, next to the field (and tied to it for screen readers), and everything
 * typed stays where it was. */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { latestCode, msg, preferLanguage, requestCode, useApp, type Locale } from './browser.js';

const app = useApp();

/** The person's language, chosen before the first page loads. */
async function pageIn(locale: Locale): Promise<Page> {
	const context = await app.context();
	await preferLanguage(context, locale);
	return context.newPage();
}

/** The field is marked invalid and its description includes an element with exactly `message`. */
async function expectFieldError(field: Locator, message: string): Promise<void> {
	await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
	const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
	const described = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).textContent()));
	expect(described.map((text) => text?.trim())).toContain(message);
}

/** Numbers in messages are written the way the interface writes them (Arabic-Indic digits in Arabic). */
const number = (locale: Locale, n: number) => new Intl.NumberFormat(locale === 'ar' ? 'ar-BH' : 'en-GB').format(n);

describe.each<Locale>(['ar', 'en'])('bad input, in %s', (locale) => {
	const t = (key: string, params?: Record<string, string | number>) => msg(locale, key, params);

	it('a too-short subject and details are flagged next to each field, and nothing typed is lost', async () => {
		const page = await pageIn(locale);
		await page.goto('/new');
		await page.getByRole('radio', { name: t('case.type.suggestion') }).check();
		const category = page.getByLabel(t('form.category.label'), { exact: true });
		await category.selectOption('works-road-projects');
		const subject = page.getByLabel(t('form.subject.label'), { exact: true });
		const body = page.getByLabel(t('form.body.label'), { exact: true });
		await subject.fill('ab');
		await body.fill('too short');
		await page.getByLabel(t('form.location.lat'), { exact: true }).fill('26.2235');
		await page.getByLabel(t('form.location.lng'), { exact: true }).fill('50.5876');
		await page.getByRole('button', { name: t('form.submit_signin'), exact: true }).click();

		await page.getByRole('heading', { name: t('form.errors_title') }).waitFor();
		await expectFieldError(subject, t('errors.too_short', { min: number(locale, 3) }));
		await expectFieldError(body, t('errors.too_short', { min: number(locale, 10) }));
		expect(await category.getAttribute('aria-invalid')).toBeNull();
		// Still on the form, with everything as typed.
		expect(new URL(page.url()).pathname).toBe('/new');
		expect(await subject.inputValue()).toBe('ab');
		expect(await body.inputValue()).toBe('too short');
		expect(await category.inputValue()).toBe('works-road-projects');
		expect(await page.getByLabel(t('form.entity.label'), { exact: true }).inputValue()).toBe('works');
		expect(await page.getByRole('radio', { name: t('case.type.suggestion') }).isChecked()).toBe(true);
		expect(await page.getByLabel(t('form.location.lat'), { exact: true }).inputValue()).toBe('26.2235');
		expect(await page.getByLabel(t('form.location.lng'), { exact: true }).inputValue()).toBe('50.5876');

		// Fixing one field clears its error on the next try; the other is still flagged.
		await subject.fill('Widen the roundabout');
		await page.getByRole('button', { name: t('form.submit_signin'), exact: true }).click();
		await expectFieldError(body, t('errors.too_short', { min: number(locale, 10) }));
		await expect.poll(() => subject.getAttribute('aria-invalid')).toBeNull();
	});

	it('a malformed phone number, then a wrong code: localized errors, and the number stays filled', async () => {
		const phone = locale === 'ar' ? '+97336000011' : '+97336000012';
		const page = await pageIn(locale);
		await page.goto('/signin');
		const phoneField = page.getByLabel(t('signin.phone.label'), { exact: true });
		await phoneField.fill('3600-abc');
		await page.getByRole('button', { name: t('signin.request'), exact: true }).click();
		await expectFieldError(phoneField, t('errors.invalid_phone'));
		expect(await phoneField.inputValue()).toBe('3600-abc');

		await requestCode(page, phone, locale);
		const right = await latestCode(app.base, phone);
		const wrong = right.replace(/^./, (d) => String((Number(d) + 1) % 10));
		const codeField = page.getByLabel(t('signin.code.label'), { exact: true });
		await codeField.fill(wrong);
		await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
		await expectFieldError(codeField, t('errors.otp_invalid'));
		expect(await codeField.inputValue()).toBe(wrong);
		expect(new URL(page.url()).pathname).toBe('/signin');

		// Going back to the number: it is still there.
		await page.getByRole('button', { name: t('signin.change_phone'), exact: true }).click();
		expect(await phoneField.inputValue()).toBe(phone);

		// And the right code still works after one wrong try.
		await page.getByRole('button', { name: t('signin.request'), exact: true }).click();
		await codeField.waitFor();
		await codeField.fill(await latestCode(app.base, phone));
		await page.getByRole('button', { name: t('signin.verify'), exact: true }).click();
		await expect.poll(() => new URL(page.url()).pathname).toBe('/cases');
	});

	it('a wrong staff password: localized error, the user name stays', async () => {
		const page = await pageIn(locale);
		await page.goto('/staff/signin');
		const username = page.getByLabel(t('staff.signin.username'), { exact: true });
		const password = page.getByLabel(t('staff.signin.password'), { exact: true });
		await username.fill('agent.health');
		await password.fill('not-the-password-of-anyone');
		await page.getByRole('button', { name: t('staff.signin.submit'), exact: true }).click();
		await expectFieldError(password, t('errors.bad_credentials'));
		expect(await username.inputValue()).toBe('agent.health');
		expect(new URL(page.url()).pathname).toBe('/staff/signin');
	});
});
