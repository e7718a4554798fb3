/** Issue 14 in the browser, anonymous public reporting: from the home page, a person without an
 * account reports a street light out in a category of anonymous reporting, with a photo, proves
 * with a code to their phone that a person sends it, and gets the reference. The network going
 * away at "send" keeps every word and photo, and sending again is one case. In Arabic at 360 px
 * and in English on a desktop, with axe. */
import { describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { smallImage } from '../fixtures/files.js';
import { staffSession } from '../integration/harness.js';
import { axe, coordinatorCall as asCoordinator, DESKTOP, latestCode, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();

const coordinatorCall = (method: string, path: string, body?: unknown) => asCoordinator(app.base, method, path, body);

describe('reporting without an account', () => {
	it.each([
		['ar', PHONE, '+97336100601'],
		['en', DESKTOP, '+97336100602']
	] as const)(
		'reports a street light out with a photo, proved by a code, and survives a lost connection (%s, %o)',
		async (locale: Locale, viewport, phone) => {
			await coordinatorCall('PUT', '/api/admin/categories/works-street-lights', { identity: 'anonymous' });
			const context = await app.context({ viewport, bypassCSP: true });
			await preferLanguage(context, locale);
			const page = await context.newPage();
			await page.goto('/');
			await page.getByRole('link', { name: msg(locale, 'report.home_link') }).click();
			await page.getByRole('heading', { level: 1, name: msg(locale, 'report.title') }).waitFor();
			// Only the category of anonymous reporting is offered.
			await page.locator('#case-type-complaint').check();
			await expect.poll(() => page.locator('#category option[value]:not([value=""])').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['works-street-lights']);
			expect(await axe(page)).toEqual([]);

			// Nothing typed yet: the form says what is missing and goes no further.
			await page.getByRole('button', { name: msg(locale, 'report.continue') }).click();
			await expect.poll(() => page.locator('#subject').getAttribute('aria-invalid')).toBe('true');

			const subject = `Street light out on Road 1510 ${locale}`;
			await page.locator('#category').selectOption('works-street-lights');
			await page.locator('#subject').fill(subject);
			await page.locator('#body').fill('The light by the mosque on Road 1510 has been out for a week; the road is dark at night.');
			const picker = page.getByLabel(msg(locale, 'report.photo_label'));
			expect(await picker.getAttribute('capture')).toBeNull();
			await picker.setInputFiles({ name: 'light.jpg', mimeType: 'image/jpeg', buffer: await smallImage('jpeg', 640, 480) });
			await page.getByRole('list', { name: msg(locale, 'form.files.list_label') }).waitFor();
			await page.getByRole('button', { name: msg(locale, 'report.continue') }).click();

			await page.getByLabel(msg(locale, 'signin.phone.label')).fill(phone);
			expect(await axe(page)).toEqual([]);
			await page.getByRole('button', { name: msg(locale, 'signin.request') }).click();
			const codeField = page.getByLabel(msg(locale, 'signin.code.label'));
			await codeField.waitFor();
			await codeField.fill(await latestCode(app.base, phone));

			// The connection goes as the report is sent: said on the page, nothing lost.
			await context.setOffline(true);
			await page.getByRole('button', { name: msg(locale, 'report.send') }).click();
			await page.getByText(msg(locale, 'errors.network')).first().waitFor();
			await context.setOffline(false);
			await page.getByRole('button', { name: msg(locale, 'report.send') }).click();

			await page.getByRole('heading', { level: 1, name: msg(locale, 'report.sent_title') }).waitFor({ timeout: 20_000 });
			const ref = (await page.locator('.ref').textContent())!.trim();
			expect(isValidReference(ref)).toBe(true);
			expect(await axe(page)).toEqual([]);

			// One case, with its photo, naming no one.
			const agent = await staffSession(app.base, 'agent.works');
			const casesNamed = async () => {
				const inbox = await fetch(`${app.base}/db/e_works/_all_docs?include_docs=true&attachments=false`, { headers: { cookie: agent.cookie } });
				return ((await inbox.json()).rows as { doc: Record<string, any> }[]).map((r) => r.doc).filter((d) => d.subject === subject);
			};
			await expect.poll(async () => (await casesNamed()).length, { timeout: 15_000 }).toBe(1);
			const cases = await casesNamed();
			expect(cases).toHaveLength(1);
			expect(cases[0]).toMatchObject({ ref, anonymous: true });
			// The photo is named in the case (its bytes are fetched apart).
			expect(JSON.stringify(cases[0])).toMatch(/\.(jpe?g|webp)"/);
			expect(JSON.stringify(cases[0])).not.toContain(phone.slice(-7));
		},
		120_000
	);
});
