/** Issue 15, step 5, in the browser: an agent hides a region of a case photo from the staff case
 * view with the keyboard (Arabic, 360 px) and with the pointer (English, desktop), the dialog and
 * the panel pass axe, and viewing the original asks for a reason first. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkeredPhoto } from '../fixtures/files.js';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor } from '../integration/harness.js';
import { axe, DESKTOP, msg, PHONE, preferLanguage, signInStaffUI, useApp, type Locale } from './browser.js';

const app = useApp();

/** Text as written in the messages file: Latin digits, '%', no bidi marks or isolates. */
function plain(text: string | null): string {
	return (text ?? '')
		.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
		.replace(/\u066a/g, '%')
		.replace(/[\u061c\u200e\u200f\u2066-\u2069]/g, '')
		.trim();
}

/** A case from the citizen with one photo; its key once the works entity holds it. */
async function caseWithPhoto(phone: string): Promise<string> {
	const citizen = await signInCitizen(app.base, phone);
	const submit = submitAction({ _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: (await checkeredPhoto()).toString('base64') } } });
	const outbox = local('outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	return submit.case_key;
}

async function openCase(locale: Locale, viewport: { width: number; height: number }, caseKey: string, username = 'agent.works'): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	const page = await context.newPage();
	await signInStaffUI(page, username, locale);
	await page.goto(`/staff/cases/${caseKey}`);
	await page.getByRole('heading', { name: msg(locale, 'redaction.title') }).waitFor({ timeout: 20_000 });
	await page.getByRole('img', { name: msg(locale, 'redaction.thumbnail_alt', { name: 'photo-1.jpg' }) }).waitFor({ timeout: 20_000 });
	return page;
}

describe('redacting a photo in the staff case view', () => {
	it('with the keyboard, in Arabic at 360 px, passing axe', async () => {
		const L: Locale = 'ar';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await openCase(L, PHONE, await caseWithPhoto('+97336000521'));
		expect(await axe(page)).toEqual([]);

		await page.getByRole('button', { name: t('redaction.redact'), exact: true }).click();
		const dialog = page.getByRole('dialog');
		await dialog.waitFor();
		// Focus starts on the photo, the surface the arrow keys work on.
		expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('application');
		await dialog.getByRole('button', { name: t('redaction.add') }).click();
		for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Shift+ArrowDown');
		// The chosen region in the list says where it now is (values set apart by Unicode isolates).
		const chosen = dialog.locator('button[aria-pressed="true"]');
		const first = t('redaction.region', { n: 1, x: '45%', y: '40%', w: '20%', h: '21%' });
		await expect.poll(async () => plain(await chosen.textContent())).toBe(first);
		expect(await axe(page)).toEqual([]);
		// The page fits the phone: nothing wider than the viewport.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

		await dialog.getByRole('button', { name: t('redaction.save') }).click();
		await page.getByText(t('redaction.saved')).waitFor({ timeout: 15_000 });
		await page.getByText(`photo-1.jpg — ${t('redaction.state_redacted')}`).waitFor({ timeout: 15_000 });
		// Focus went back to the button that opened the dialog.
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(t('redaction.redact'));
	});

	it('with the pointer, in English on a desktop; the original needs a reason', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const page = await openCase(L, DESKTOP, await caseWithPhoto('+97336000522'));
		await page.getByRole('button', { name: t('redaction.redact'), exact: true }).click();
		const dialog = page.getByRole('dialog');
		const stage = dialog.getByRole('application', { name: t('redaction.stage_label') });
		const box = (await stage.boundingBox())!;
		await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
		await page.mouse.down();
		await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
		await page.mouse.up();
		await dialog.getByRole('button', { name: t('redaction.delete', { n: 1 }) }).waitFor();
		await dialog.getByRole('button', { name: t('redaction.save') }).click();
		await page.getByText(`photo-1.jpg — ${t('redaction.state_redacted')}`).waitFor({ timeout: 15_000 });

		await page.getByRole('button', { name: t('redaction.view_original') }).click();
		const ask = page.getByRole('dialog', { name: t('redaction.original_title') });
		const reason = ask.getByLabel(t('redaction.reason'));
		expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
		expect(await axe(page)).toEqual([]);
		// An empty reason is not sent: the field is required.
		await ask.getByRole('button', { name: t('redaction.original_submit') }).click();
		expect(await reason.evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing)).toBe(true);
		await reason.fill('Plate needed for the traffic report');
		await ask.getByRole('button', { name: t('redaction.original_submit') }).click();
		await page.getByRole('link', { name: t('redaction.original_open', { name: 'photo-1.jpg' }) }).waitFor();
	});

	it('lets a manager show the original again after a confirmation', async () => {
		const L: Locale = 'en';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const caseKey = await caseWithPhoto('+97336000523');
		const agent = await signInStaff(app.base, 'agent.works');
		// The agent redacts through the API once the entity holds the photo.
		await waitFor(
			async () => {
				const attachments = (await fetch(`${app.base}/db/e_works/case:${caseKey}`, { headers: { cookie: agent.cookie } }).then((r) => r.json())).timeline?.[0]?.attachments;
				if (!attachments?.length) return undefined;
				const response = await fetch(`${app.base}/api/cases/${caseKey}/attachments/${encodeURIComponent(attachments[0].id)}/redact`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', cookie: agent.cookie },
					body: JSON.stringify({ rects: [{ x: 0.25, y: 0.25, w: 0.5, h: 0.5 }] })
				});
				return response.ok ? true : undefined;
			},
			20_000,
			'the redaction'
		);
		const page = await openCase(L, PHONE, caseKey, 'manager.works');
		await page.getByText(`photo-1.jpg — ${t('redaction.state_redacted')}`).waitFor({ timeout: 15_000 });
		await page.getByRole('button', { name: t('redaction.revert'), exact: true }).click();
		const confirm = page.getByRole('dialog', { name: t('redaction.revert_title') });
		await confirm.getByRole('button', { name: t('redaction.revert') }).click();
		await page.getByText(t('redaction.reverted')).waitFor({ timeout: 15_000 });
		await page.getByText(`photo-1.jpg — ${t('redaction.state_original')}`).waitFor({ timeout: 15_000 });
		expect(await axe(page)).toEqual([]);
	});
});
