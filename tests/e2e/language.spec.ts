/** Arabic first, right to left; English on request, left to right, and the choice is kept. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { msg, useApp } from './browser.js';

const app = useApp();

const documentLanguage = (page: Page) =>
	page.evaluate(() => ({
		lang: document.documentElement.lang,
		dir: document.documentElement.dir,
		direction: getComputedStyle(document.body).direction
	}));

describe('Arabic and English', () => {
	it.each(['/', '/cases', '/staff/signin'])('the server sends %s as an Arabic, right-to-left document', async (path) => {
		const response = await fetch(`${app.base}${path}`, { headers: { accept: 'text/html' } });
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toMatch(/<html lang="ar" dir="rtl">/);
		expect(html).toContain(`<title>${msg('ar', 'app.name')}</title>`);
	});

	it('opens in Arabic; the switch turns the page to English, left to right, and a reload keeps it', async () => {
		const page = await app.page();
		await page.goto('/');
		await page.getByRole('heading', { level: 1, name: msg('ar', 'home.title') }).waitFor();
		expect(await documentLanguage(page)).toEqual({ lang: 'ar', dir: 'rtl', direction: 'rtl' });
		expect(await page.title()).toBe(msg('ar', 'app.name'));

		// The switch is labelled in the language it switches to, for someone who cannot read this one.
		const toEnglish = page.getByRole('button', { name: msg('ar', 'lang.switch_label') });
		expect(await toEnglish.getAttribute('lang')).toBe('en');
		await toEnglish.click();
		await page.getByRole('heading', { level: 1, name: msg('en', 'home.title') }).waitFor();
		expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr', direction: 'ltr' });
		expect(await page.title()).toBe(msg('en', 'app.name'));
		await page
			.getByRole('navigation', { name: msg('en', 'nav.label') })
			.getByRole('link', { name: msg('en', 'nav.cases') })
			.waitFor();

		await page.reload();
		await page.getByRole('heading', { level: 1, name: msg('en', 'home.title') }).waitFor();
		expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr', direction: 'ltr' });

		// Another page, opened directly, is in English too.
		await page.goto('/new');
		await page.getByRole('heading', { level: 1, name: msg('en', 'form.title') }).waitFor();
		expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr', direction: 'ltr' });

		// And back to Arabic, kept as well.
		await page.getByRole('button', { name: msg('en', 'lang.switch_label') }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'form.title') }).waitFor();
		await page.reload();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'form.title') }).waitFor();
		expect(await documentLanguage(page)).toEqual({ lang: 'ar', dir: 'rtl', direction: 'rtl' });
	});

	it('English readers never see the page right to left, even before the app has started', async () => {
		const page = await app.page();
		await page.goto('/');
		await page.getByRole('button', { name: msg('ar', 'lang.switch_label') }).click();
		await page.getByRole('heading', { level: 1, name: msg('en', 'home.title') }).waitFor();
		// <html dir> as soon as the document is parsed, before the app has rendered anything: what
		// the first paint uses.
		await page.context().addInitScript(() => {
			document.addEventListener('readystatechange', () => {
				if (document.readyState !== 'interactive') return;
				const seen = { dir: document.documentElement.dir, rendered: Boolean(document.querySelector('main')) };
				(window as unknown as { firstSeen: typeof seen }).firstSeen = seen;
			});
		});
		await page.reload({ waitUntil: 'domcontentloaded' });
		expect(await page.evaluate(() => (window as unknown as { firstSeen: unknown }).firstSeen)).toEqual({ dir: 'ltr', rendered: false });
	});
});
