/** Calendars in the browser (issue 16): the Hijri (Umm al-Qura) toggle changes the dates on the
 * screen and is kept across a reload; an iCalendar file is previewed (what will be added, what is
 * refused and why) before anything is saved, then imported; coordinators are warned when the
 * holiday calendar is about to run out. axe finds nothing, in Arabic at 360 px and English on a
 * desktop. */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/lib/client/date-format.js';
import { signInStaff, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, msgPattern, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
let coordinator: Session;

const FIXTURE = readFileSync(new URL('../fixtures/ics/bahrain-2028.ics', import.meta.url), 'utf8');
/** The national calendar of a leap year (its Eid runs into 29 February), with one impossible date. */
const icsFor = (year: number) =>
	FIXTURE.replaceAll('2028', String(year)).replace('END:VCALENDAR', `BEGIN:VEVENT\r\nUID:bad@example\r\nDTSTART;VALUE=DATE:${year}0230\r\nSUMMARY:No such day\r\nEND:VEVENT\r\nEND:VCALENDAR`);

beforeAll(async () => {
	coordinator = await signInStaff(app.base, 'coordinator');
});

async function coordinatorPage(locale: Locale, viewport: { width: number; height: number }): Promise<Page> {
	// axe goes in as an inline script, which the app's CSP refuses (see accessibility.spec.ts).
	const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
	await preferLanguage(context, locale);
	await addSession(context, app.base, coordinator);
	return context.newPage();
}

async function expectAccessible(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
	expect(await axe(page)).toEqual([]);
}

const rows = (page: Page, captionId: string) => page.locator(`table:has(#${captionId}) tbody tr`);

describe('the end of the holiday calendar', () => {
	it('is announced on the admin home and the holidays screen once it is fewer than 60 days away', async () => {
		const { last } = (await (await fetch(`${app.base}/api/admin/holidays`, { headers: { cookie: coordinator.cookie } })).json()) as { last: string };
		const page = await coordinatorPage('en', DESKTOP);
		const ends = msg('en', 'admin.holidays.horizon.ends', { date: formatDate(new Date(`${last}T00:00:00Z`), { intlTag: 'en-GB', calendar: 'gregory', timeZone: 'UTC' }) });
		// Today, far from the end: no warning.
		await page.goto('/admin');
		await page.getByRole('heading', { name: msg('en', 'admin.title') }).waitFor();
		await page
			.getByRole('link', { name: msg('en', 'admin.holidays.title') })
			.first()
			.waitFor();
		expect(await page.locator('.holiday-horizon').count()).toBe(0);
		// Thirty days before the last holiday.
		await page.clock.setFixedTime(new Date(Date.parse(`${last}T09:00:00Z`) - 30 * 86_400_000));
		await page.goto('/admin');
		await page.getByText(ends).waitFor();
		await page
			.locator('.holiday-horizon')
			.getByRole('link', { name: msg('en', 'admin.holidays.horizon.link') })
			.click();
		await page.getByRole('heading', { name: msg('en', 'admin.holidays.title'), level: 1 }).waitFor();
		await page.getByText(ends).waitFor();
		await expectAccessible(page);
	});
});

describe.each([
	['ar', 'phone', PHONE, 2032],
	['en', 'desktop', DESKTOP, 2036]
] as const)('in %s on a %s screen', (locale, _, viewport, year) => {
	const t = (key: string, params?: Record<string, string | number>) => msg(locale, key, params);
	const intlTag = locale === 'ar' ? 'ar-BH' : 'en-GB';

	it('previews an iCalendar file, refuses the bad date with its reason, and imports the rest on confirmation', async () => {
		const page = await coordinatorPage(locale, viewport);
		await page.goto('/admin/holidays');
		await page.getByRole('heading', { name: t('admin.holidays.import.title') }).waitFor();
		// A spreadsheet chosen by mistake is named as such, beside the field.
		const file = page.getByLabel(t('admin.holidays.import.file'));
		await file.setInputFiles({ name: 'holidays.csv', mimeType: 'text/csv', buffer: Buffer.from('date,name\n2032-01-01,New Year\n') });
		await page.locator('#holiday-import-error', { hasText: t('admin.holidays.import.problem.not_calendar') }).waitFor();
		expect(await file.getAttribute('aria-invalid')).toBe('true');
		await expectAccessible(page);
		await file.setInputFiles({ name: `holidays-${year}.ics`, mimeType: 'text/calendar', buffer: Buffer.from(icsFor(year)) });
		await page.locator('#holiday-import-add').waitFor();
		expect(await rows(page, 'holiday-import-add').count()).toBe(7);
		expect(await rows(page, 'holiday-import-refused').count()).toBe(1);
		await rows(page, 'holiday-import-refused')
			.getByText(t('admin.holidays.import.reason_text.invalid_date', { detail: `${year}0230` }))
			.waitFor();
		await expectAccessible(page);
		// Nothing is saved by the preview.
		const kept = async () => (await (await fetch(`${app.base}/api/admin/holidays/${year}`, { headers: { cookie: coordinator.cookie } })).json()).holidays.days.length;
		expect(await kept()).toBe(0);

		await page.getByRole('button', { name: msgPattern(locale, 'admin.holidays.import.confirm') }).click();
		await expect.poll(kept).toBe(7);
		await expect.poll(() => page.locator('#holiday-import-add').count()).toBe(0);

		// The year's list shows the imported days.
		await page.getByRole('spinbutton', { name: t('admin.holidays.year') }).fill(String(year));
		await page.getByRole('button', { name: t('admin.holidays.show'), exact: true }).click();
		await page.locator('#holidays-caption', { hasText: String(year) }).waitFor();
		// The caption names the year at once; its list follows when read.
		await expect.poll(() => rows(page, 'holidays-caption').count()).toBe(7);
	});

	it('previews a calendar of yearly holidays: the days each repeat adds, and a weekly repeat refused with its reason', async () => {
		const first = year + 8;
		const ics = [
			'BEGIN:VCALENDAR',
			'VERSION:2.0',
			'BEGIN:VEVENT',
			'UID:new-year@example',
			`DTSTART;VALUE=DATE:${first}0101`,
			'RRULE:FREQ=YEARLY;COUNT=3',
			"SUMMARY:New Year's Day",
			'END:VEVENT',
			'BEGIN:VEVENT',
			'UID:labour@example',
			`DTSTART;VALUE=DATE:${first}0501`,
			`RRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;UNTIL=${first + 2}0501`,
			'SUMMARY:Labour Day',
			'END:VEVENT',
			'BEGIN:VEVENT',
			'UID:weekly@example',
			`DTSTART;VALUE=DATE:${first}0107`,
			'RRULE:FREQ=WEEKLY;BYDAY=FR',
			'SUMMARY:Every Friday',
			'END:VEVENT',
			'END:VCALENDAR'
		].join('\r\n');
		const page = await coordinatorPage(locale, viewport);
		await page.goto('/admin/holidays');
		await page.getByRole('heading', { name: t('admin.holidays.import.title') }).waitFor();
		await page.getByLabel(t('admin.holidays.import.file')).setInputFiles({ name: 'yearly.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) });
		await page.locator('#holiday-import-add').waitFor();
		expect(await rows(page, 'holiday-import-add').count()).toBe(6);
		const repeats = page.getByRole('list', { name: t('admin.holidays.import.repeats_caption') }).getByRole('listitem');
		expect(await repeats.count()).toBe(2);
		expect(await repeats.first().textContent()).toContain("New Year's Day");
		// "…Days to be added: 3, from … to …", in the digits of the language.
		const before = msg(locale, 'admin.holidays.import.repeats').split('{count}')[0];
		expect(await repeats.first().textContent()).toMatch(new RegExp(`${before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[3٣]`));
		await rows(page, 'holiday-import-refused')
			.getByText(t('admin.holidays.import.reason_text.recurrence_unsupported', { detail: 'FREQ=WEEKLY;BYDAY=FR' }))
			.waitFor();
		await expectAccessible(page);
		await page.getByRole('button', { name: msgPattern(locale, 'admin.holidays.import.confirm') }).click();
		const kept = async () => (await (await fetch(`${app.base}/api/admin/holidays/${first + 1}`, { headers: { cookie: coordinator.cookie } })).json()).holidays.days.length;
		await expect.poll(kept).toBe(2);
	});

	it('shows dates in the Hijri calendar (Umm al-Qura) when asked, and keeps the choice', async () => {
		const page = await coordinatorPage(locale, viewport);
		await page.goto('/admin/holidays');
		await page.getByRole('spinbutton', { name: t('admin.holidays.year') }).fill(String(year));
		await page.getByRole('button', { name: t('admin.holidays.show'), exact: true }).click();
		const firstDay = rows(page, 'holidays-caption').first().locator('time');
		const dayIn = (calendar: 'gregory' | 'islamic-umalqura') => formatDate(new Date(`${year}-01-01T00:00:00Z`), { intlTag, calendar, timeZone: 'UTC' }, { dateStyle: 'full' });
		await expect.poll(() => firstDay.textContent()).toBe(dayIn('gregory'));

		const toggle = page.getByRole('button', { name: t('calendar.hijri_label') });
		expect(await toggle.getAttribute('aria-pressed')).toBe('false');
		await toggle.click();
		expect(await toggle.getAttribute('aria-pressed')).toBe('true');
		await expect.poll(() => firstDay.textContent()).toBe(dayIn('islamic-umalqura'));
		await expectAccessible(page);

		await page.reload();
		await page.getByRole('spinbutton', { name: t('admin.holidays.year') }).fill(String(year));
		await page.getByRole('button', { name: t('admin.holidays.show'), exact: true }).click();
		await expect.poll(() => rows(page, 'holidays-caption').first().locator('time').textContent()).toBe(dayIn('islamic-umalqura'));
		expect(await page.getByRole('button', { name: t('calendar.hijri_label') }).getAttribute('aria-pressed')).toBe('true');

		await page.getByRole('button', { name: t('calendar.hijri_label') }).click();
		await expect.poll(() => rows(page, 'holidays-caption').first().locator('time').textContent()).toBe(dayIn('gregory'));
	});
});
