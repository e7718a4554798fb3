/** Issue 12, enrolment by link: the fleet screen shows the one-time code also as a QR code of
 * `/kiosk?code=…`; opened on the device, the link fills the code in, leaves neither the address
 * bar nor the history holding it, and one tap enrols the kiosk. In English on a desktop (the
 * coordinator) and Arabic at 360 px (the kiosk), with axe. */
import { renderSVG } from 'uqr';
import { describe, expect, it } from 'vitest';
import { enrolmentLink } from '../../src/lib/domain/kiosk-signing.js';
import { signInStaff } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp } from './browser.js';

const app = useApp();

describe('enrolling a kiosk by its link', () => {
	it('shows the link as a QR code, and the link fills the code in, out of the address bar and history', async () => {
		const admin = await app.context({ viewport: DESKTOP, bypassCSP: true, serviceWorkers: 'block' });
		await preferLanguage(admin, 'en');
		await addSession(admin, app.base, await signInStaff(app.base, 'coordinator'));
		const fleet = await admin.newPage();
		await fleet.goto('/admin/kiosks');
		const name = 'Kiosk by link';
		await fleet.getByLabel(msg('en', 'admin.field.name'), { exact: true }).fill(name);
		await fleet.getByLabel(msg('en', 'admin.kiosks.centre')).fill('Hamad Town service centre');
		await fleet.getByRole('button', { name: msg('en', 'admin.kiosks.create') }).click();
		const once = fleet.getByRole('region', { name: msg('en', 'admin.kiosks.code_title', { name }) });
		await once.waitFor();
		const code = (await once.locator('code').textContent())!.trim();
		// The QR code holds exactly the enrolment link of this server and this code.
		const link = enrolmentLink(app.base, code);
		const qr = once.getByRole('img', { name: msg('en', 'admin.kiosks.code_qr_alt', { name }) });
		expect(decodeURIComponent((await qr.getAttribute('src'))!.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(renderSVG(link, { border: 2 }));
		expect(await axe(fleet)).toEqual([]);

		const device = await app.context({ viewport: PHONE, bypassCSP: true });
		await preferLanguage(device, 'ar');
		const kiosk = await device.newPage();
		await kiosk.goto(link);
		const field = kiosk.getByLabel(msg('ar', 'kiosk.enrol.code'));
		await expect.poll(() => field.inputValue()).toBe(code);
		expect(kiosk.url()).toBe(`${app.base}/kiosk`);
		expect(await kiosk.locator('#kiosk-title + p').textContent()).toBe(msg('ar', 'kiosk.enrol.from_link'));
		// Nothing is enrolled until the person at the device says so: the button has the focus.
		expect(await kiosk.evaluate(() => document.activeElement?.id)).toBe('kiosk-enrol-submit');
		expect(await axe(kiosk)).toEqual([]);
		await kiosk.keyboard.press('Enter');
		await kiosk.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.start.title') }).waitFor();
		expect(await kiosk.content()).not.toContain(code);
		// "Back" and "forward" find no entry with the code in it.
		await kiosk.goBack();
		expect(kiosk.url()).not.toContain(code.slice(0, 4));
		await kiosk.goForward();
		expect(kiosk.url()).toBe(`${app.base}/kiosk`);
		await kiosk.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.start.title') }).waitFor();

		// The code is used up: the same link on another device enrols nothing.
		const other = await (await app.context({ viewport: PHONE, bypassCSP: true })).newPage();
		await other.goto(link);
		await other
			.getByRole('button', { name: msg('en', 'kiosk.enrol.submit') })
			.or(other.getByRole('button', { name: msg('ar', 'kiosk.enrol.submit') }))
			.click();
		await expect.poll(() => other.locator('#kiosk-enrolment-code-error').textContent()).toBeTruthy();
	}, 90_000);
});
