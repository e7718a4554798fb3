/** Issue 12, the coordinator's side in the browser: registering a kiosk shows its one-time
 * enrolment code once; the fleet lists each kiosk with its last contact, app version, outbox,
 * errors and status, flags one not seen for KIOSK_STALE_MINUTES, and revokes one after asking;
 * the password kiosk accounts left from before are listed to be disabled. By keyboard, and axe
 * finds nothing at 360 px in Arabic and on a desktop in English. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKioskKey, kioskFetch, publicJwk } from '../../src/lib/client/kiosk-signer.js';
import { signInStaff, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

// The shortest time the server accepts, so a silent kiosk is flagged within the file's run.
const app = useApp({ KIOSK_STALE_MINUTES: '1' });
const CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
let coordinator: Session;
/** Enrolled when the file starts and never heard from again. */
const SILENT = 'Kiosk Isa Town';
let silentSince = 0;

async function register(name: string, centre = 'Isa Town service centre'): Promise<string> {
	const response = await fetch(`${app.base}/api/admin/kiosk-devices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: coordinator.cookie },
		body: JSON.stringify({ name, centre })
	});
	return (await response.json()).enrolment_code;
}

/** What the kiosk screen does with a code: a fresh key, the code and the public key. */
async function enrol(code: string) {
	const key = await generateKioskKey();
	const response = await fetch(`${app.base}/api/kiosk/enrol`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ code, public_key: await publicJwk(key), app_version: '2.0.0' })
	});
	expect(response.status).toBe(200);
	const { kiosk } = await response.json();
	return (method: string, path: string, body?: unknown) => kioskFetch(app.base, kiosk.kiosk_id, key, method, path, body);
}

beforeAll(async () => {
	coordinator = await signInStaff(app.base, 'coordinator');
	await enrol(await register(SILENT));
	silentSince = Date.now();
});

async function fleetPage(locale: Locale, viewport: { width: number; height: number }): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
	await preferLanguage(context, locale);
	await addSession(context, app.base, coordinator);
	const page = await context.newPage();
	await page.goto('/admin/kiosks');
	await page.getByRole('table', { name: msg(locale, 'admin.kiosks.caption') }).waitFor();
	return page;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('the fleet screen', () => {
	it('registers a kiosk by keyboard, shows its code once, lists what the kiosk reports and revokes it after asking', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await fleetPage(L, DESKTOP);
		const name = 'Kiosk Sitra 1';

		await page.getByLabel(t('admin.field.name'), { exact: true }).focus();
		await page.keyboard.type(name);
		await page.keyboard.press('Tab');
		await page.keyboard.type('Sitra service centre');
		await page.keyboard.press('Tab');
		await page.keyboard.type('Ground floor, by the entrance');
		await page.keyboard.press('Enter');

		const once = page.getByRole('region', { name: t('admin.kiosks.code_title', { name }) });
		await once.waitFor();
		await expect.poll(() => focusedId(page)).toBe('kiosk-code-title');
		const code = (await once.locator('code').textContent())!;
		expect(code).toMatch(CODE);
		expect(await once.textContent()).toContain(`${app.base}/kiosk`);
		// The form is empty again for the next kiosk.
		expect(await page.getByLabel(t('admin.field.name'), { exact: true }).inputValue()).toBe('');

		const row = page.getByRole('row').filter({ hasText: name });
		await row.waitFor();
		expect(await row.textContent()).toContain('Sitra service centre');
		expect(await row.textContent()).toContain(t('admin.kiosks.state.awaiting_enrolment'));
		expect(await row.textContent()).toContain(t('admin.kiosks.never'));

		// Copy, then "noted": the code leaves the screen for good and focus returns to the fleet.
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(t('admin.kiosks.done'));
		await page.keyboard.press('Enter');
		await expect.poll(() => page.getByText(code).count()).toBe(0);
		expect(await focusedId(page)).toBe('kiosks-caption-region');

		// The device enrols with the code and reports on itself; the fleet shows it.
		const call = await enrol(code);
		expect((await call('POST', '/api/kiosk/heartbeat', { app_version: '2.0.1', outbox_length: 3, errors: ['camera: not found'] })).status).toBe(200);
		await page.reload();
		await row.waitFor();
		const text = (await row.textContent())!;
		for (const part of ['2.0.1', '3', t('admin.kiosks.errors_count', { count: 1 }), t('admin.kiosks.state.enrolled')]) expect(text).toContain(part);
		expect(text).not.toContain(t('admin.kiosks.stale', { duration: '' }).trim());
		const errors = row.locator('summary');
		await errors.focus();
		await page.keyboard.press('Enter');
		await row.getByText('camera: not found').waitFor();

		// Revoking asks first; the safe choice has the focus, and Escape changes nothing.
		const revoke = row.getByRole('button', { name: `${t('admin.kiosks.revoke')} ${name}` });
		await revoke.focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: t('admin.kiosks.confirm_revoke_title', { name }) });
		await dialog.waitFor();
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(t('common.cancel'));
		await page.keyboard.press('Escape');
		await expect.poll(() => dialog.isVisible()).toBe(false);
		expect((await call('POST', '/api/kiosk/heartbeat', {})).status).toBe(200);

		await revoke.focus();
		await page.keyboard.press('Enter');
		await dialog.getByRole('button', { name: t('admin.kiosks.revoke'), exact: true }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => row.textContent()).toContain(t('admin.kiosks.state.revoked', { date: '' }).trim());
		expect(await row.getByRole('button').count()).toBe(0);
		const refused = await call('POST', '/api/kiosk/heartbeat', {});
		expect([refused.status, (await refused.json()).error.code]).toEqual([403, 'kiosk_revoked']);
	});

	it('flags the kiosk not seen for the set time, and not one heard from just now', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const heard = 'Kiosk Riffa';
		const call = await enrol(await register(heard, 'Riffa service centre'));
		// The server flags a kiosk once a whole minute has passed without contact.
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, silentSince + 62_000 - Date.now())));
		expect((await call('POST', '/api/kiosk/heartbeat', {})).status).toBe(200);
		const page = await fleetPage(L, DESKTOP);
		const silent = page.getByRole('row').filter({ hasText: SILENT });
		// A minute or two, depending on how long the tests before this one took.
		expect(await silent.locator('.flag').textContent()).toMatch(/^Not seen for (1 minute|[2-9] minutes)$/);
		expect(await silent.textContent()).toMatch(/(1 minute|[2-9] minutes) ago/);
		expect(await page.getByRole('row').filter({ hasText: heard }).locator('.flag').count()).toBe(0);
		expect(await page.getByText(t('admin.kiosks.stale_note', { duration: '1 minute' })).count()).toBe(1);
	}, 120_000);
});

describe.each([
	['ar', 'phone', PHONE],
	['en', 'desktop', DESKTOP]
] as const)('accessibility of the fleet screen in %s on a %s screen', (locale, _, viewport) => {
	it('has no WCAG 2 A/AA violations with the code shown, the errors open and the confirmation open', async () => {
		const page = await fleetPage(locale, viewport);
		const t = (key: string, params?: Record<string, string | number>) => msg(locale, key, params);
		const name = `Kiosk axe ${locale}`;
		const call = await enrol(await register(name));
		await call('POST', '/api/kiosk/heartbeat', { app_version: '2.0.1', outbox_length: 0, errors: ['printer: out of paper'] });
		await page.getByLabel(t('admin.field.name'), { exact: true }).fill(`Second kiosk ${locale}`);
		await page.getByLabel(t('admin.kiosks.centre'), { exact: true }).fill('Hamad Town service centre');
		await page.getByRole('button', { name: t('admin.kiosks.create'), exact: true }).click();
		await page.getByRole('region', { name: t('admin.kiosks.code_title', { name: `Second kiosk ${locale}` }) }).waitFor();
		const row = page.getByRole('row').filter({ hasText: name });
		await row.locator('summary').click();
		expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
		// Nothing wider than the screen: the wide table scrolls inside its own region.
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
		expect(await axe(page)).toEqual([]);

		await row.getByRole('button', { name: t('admin.kiosks.new_code') }).click();
		await page.getByRole('dialog').waitFor();
		expect(await axe(page)).toEqual([]);
	});
});
