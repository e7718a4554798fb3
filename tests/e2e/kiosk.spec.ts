/** Issue 12 in the browser: a kiosk is enrolled on /kiosk with the coordinator's one-time code,
 * its key kept non-extractable in IndexedDB; a citizen starts a session with phone and SMS code
 * and finishes it; a revoked kiosk shows "out of service" on its next start. In Arabic and
 * English, at 360 px and on a desktop, with axe. */
import { describe, expect, it } from 'vitest';
import { staffSession } from '../integration/harness.js';
import { axe, DESKTOP, msg, PHONE, preferLanguage, signInAtKiosk, useApp, type Locale } from './browser.js';

const app = useApp();

async function registerKiosk(name: string): Promise<{ kiosk_id: string; code: string }> {
	const coordinator = await staffSession(app.base, 'coordinator');
	const response = await fetch(`${app.base}/api/admin/kiosk-devices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: coordinator.cookie },
		body: JSON.stringify({ name, centre: 'Sitra service centre' })
	});
	const body = await response.json();
	return { kiosk_id: body.kiosk.kiosk_id, code: body.enrolment_code };
}

describe('the kiosk screen', () => {
	it.each([
		['ar', PHONE, '+97336100301'],
		['en', DESKTOP, '+97336100302']
	] as const)(
		'enrols, starts a citizen session and finishes it (%s, %o)',
		async (locale: Locale, viewport, phone) => {
			const { code } = await registerKiosk(`Kiosk ${locale}`);
			const context = await app.context({ viewport, bypassCSP: true });
			await preferLanguage(context, locale);
			const page = await context.newPage();
			await page.goto('/kiosk');
			await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.enrol.title') }).waitFor();
			// No way out of the kiosk: the site's navigation is not there.
			expect(await page.getByRole('navigation').count()).toBe(0);
			expect(await axe(page)).toEqual([]);

			await page.getByLabel(msg(locale, 'kiosk.enrol.code')).fill('AAAA-BBBB-CCCC');
			await page.getByRole('button', { name: msg(locale, 'kiosk.enrol.submit') }).click();
			await expect.poll(() => page.locator('#kiosk-enrolment-code-error').textContent()).toBe(msg(locale, 'errors.enrolment_code_invalid'));

			await page.getByLabel(msg(locale, 'kiosk.enrol.code')).fill(code.toLowerCase());
			await page.getByRole('button', { name: msg(locale, 'kiosk.enrol.submit') }).click();
			await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.start.title') }).waitFor();
			expect(await axe(page)).toEqual([]);
			// The key is in IndexedDB as a CryptoKey that cannot be exported.
			const stored = await page.evaluate(
				() =>
					new Promise<{ extractable: boolean; exported: string }>((resolve) => {
						const open = indexedDB.open('tawasul-kiosk');
						open.onsuccess = () => {
							const get = open.result.transaction('device').objectStore('device').get('device');
							get.onsuccess = async () => {
								const key = get.result.key.privateKey as CryptoKey;
								const exported = await crypto.subtle.exportKey('jwk', key).then(
									() => 'exported',
									(e: Error) => e.name
								);
								resolve({ extractable: key.extractable, exported });
							};
						};
					})
			);
			expect(stored).toEqual({ extractable: false, exported: 'InvalidAccessError' });

			await signInAtKiosk(page, app.base, phone, locale);
			expect(await axe(page)).toEqual([]);

			await page.getByRole('button', { name: msg(locale, 'kiosk.cancel') }).click();
			await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.start.title') }).waitFor();
			expect(await page.getByLabel(msg(locale, 'signin.phone.label')).inputValue()).toBe('');
			expect(await page.content()).not.toContain(phone);
		},
		90_000
	);

	it('shows "out of service" once the coordinator revokes the kiosk', async () => {
		const { kiosk_id, code } = await registerKiosk('Kiosk to revoke');
		const context = await app.context({ viewport: PHONE });
		await preferLanguage(context, 'ar');
		const page = await context.newPage();
		await page.goto('/kiosk');
		await page.getByLabel(msg('ar', 'kiosk.enrol.code')).fill(code);
		await page.getByRole('button', { name: msg('ar', 'kiosk.enrol.submit') }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.start.title') }).waitFor();

		const coordinator = await staffSession(app.base, 'coordinator');
		const revoked = await fetch(`${app.base}/api/admin/kiosk-devices/${kiosk_id}/revoke`, { method: 'POST', headers: { cookie: coordinator.cookie } });
		expect(revoked.status).toBe(200);
		await page.getByLabel(msg('ar', 'signin.phone.label')).fill('+97336100303');
		await page.getByRole('button', { name: msg('ar', 'signin.request') }).click();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.out_of_service.title') }).waitFor();
		await page.reload();
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.out_of_service.title') }).waitFor();
	}, 60_000);
});
