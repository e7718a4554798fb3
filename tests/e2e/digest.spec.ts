/** The managers' daily digest in the browser (issue 16, part 2), in Arabic and English, at 360 px
 * and 1,366 px: the manager's inbox shows today's digest — its counts, the cases due soon with a
 * link to each, the queue of a reopened case — and the choice of also getting it by SMS, made by
 * keyboard and announced; an agent sees no digest; axe finds nothing. The server makes the
 * digest a minute and a half after this file starts (DIGEST_TIME), once the cases are in, and
 * warns 30 working days ahead, so a case filed now is due soon. */
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { answeredCase, push } from '../integration/rating-helpers.js';
import { axe, msg, PHONE, signedInContext, useApp, type Locale } from './browser.js';

const WIDE = { width: 1366, height: 800 };
const ZONE = 'Asia/Bahrain';
/** A clock reading in Bahrain, 'HH:MM', and the date there. */
const wallClock = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
const localDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(at);
// Ninety seconds on, at most: the cases below are in by then. Near midnight the time would wrap
// into tomorrow; a digest made from midnight on is as good for this test then.
const digestAt = new Date(Date.now() + 90_000);
const DIGEST_TIME = localDate(digestAt) === localDate(new Date()) ? wallClock(digestAt) : '00:00';
const app = useApp({ SLA_WARNING_WORKING_DAYS: '30', DIGEST_TIME, DIGEST_CHECK_SECONDS: '2' });
const PHONE_NUMBER = '+97336000081';
const MANAGER_PHONE = '+97336000082';
let agent: Session;
let manager: Session;
const subjects = { open: 'Broken bench in Park 12', reopened: 'Flooded underpass on Road 9' };

const json = (session: Session, method: string, path: string, body: unknown) =>
	fetch(`${app.base}${path}`, { method, headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Today a working day whatever day the test runs on: the weekend moved off it, no holiday on it. */
async function workingToday(coordinator: Session): Promise<void> {
	const today = localDate(new Date());
	const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
	const settings = await json(coordinator, 'PUT', '/api/admin/settings', { weekend: [(weekday + 1) % 7] });
	if (!settings.ok) throw new Error(`settings ${settings.status} ${await settings.text()}`);
	const year = Number(today.slice(0, 4));
	const holidays = await fetch(`${app.base}/db/config/holidays:${year}`, { headers: { cookie: coordinator.cookie } });
	if (!holidays.ok) return;
	const doc = (await holidays.json()) as { days: { date: string; name_ar: string; name_en: string }[] };
	if (!doc.days.some((d) => d.date === today)) return;
	const kept = await json(coordinator, 'PUT', `/api/admin/holidays/${year}`, { days: doc.days.filter((d) => d.date !== today) });
	if (!kept.ok) throw new Error(`holidays ${kept.status} ${await kept.text()}`);
}

beforeAll(async () => {
	const coordinator = await signInStaff(app.base, 'coordinator');
	[agent, manager] = await Promise.all([signInStaff(app.base, 'agent.works'), signInStaff(app.base, 'manager.works')]);
	await workingToday(coordinator);
	const phone = await json(coordinator, 'PUT', `/api/admin/staff/${manager.user.user_id}`, { phone: MANAGER_PHONE });
	if (!phone.ok) throw new Error(`manager phone ${phone.status} ${await phone.text()}`);
	const citizen = await signInCitizen(app.base, PHONE_NUMBER);
	const reopened = await answeredCase(app.base, citizen, agent, PHONE_NUMBER, { subject: subjects.reopened });
	await push(app.base, citizen, [submitAction({ subject: subjects.open }), followUp(reopened.caseKey, 'reopen', { reason: 'The water is back' })]);
	await waitFor(
		async () => {
			const answer = await (await fetch(`${app.base}/api/sla/digest`, { headers: { cookie: manager.cookie } })).json();
			return answer.digest ? answer : undefined;
		},
		150_000,
		'the digest'
	);
}, 180_000);

const context = (locale: Locale, session: Session, viewport: { width: number; height: number }) => signedInContext(app, session, locale, viewport);

describe('the daily digest', () => {
	for (const L of ['ar', 'en'] as const) {
		for (const viewport of [PHONE, WIDE]) {
			it(`a manager reads today's digest and chooses the SMS by keyboard (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const number = (n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);
				const page = await (await context(L, manager, viewport)).newPage();
				await page.goto('/staff');
				const digest = page.getByRole('region', { name: t('staff.digest.title') });
				await digest.waitFor({ timeout: 15_000 });
				expect(await page.locator('html').getAttribute('dir')).toBe(L === 'ar' ? 'rtl' : 'ltr');
				await digest.getByText(t('staff.digest.due_soon', { days: number(30), count: number(2) })).waitFor();
				expect(await digest.getByText(t('staff.digest.late', { count: number(0) })).count()).toBe(1);
				expect(await digest.getByText(t('staff.digest.reopened', { count: number(1) })).count()).toBe(1);
				const text = (await digest.textContent()) ?? '';
				expect(text).toContain(subjects.open);
				expect(text).toContain(subjects.reopened);
				expect(text).toContain(t('staff.digest.list_attention'));
				expect(text).not.toContain(t('staff.digest.earlier', { time: DIGEST_TIME }));
				// The page never scrolls sideways, on a phone either.
				expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
				expect(await axe(page)).toEqual([]);

				// The SMS choice: a labelled checkbox, described by where it goes, toggled by keyboard.
				const box = digest.getByRole('checkbox', { name: t('staff.digest.sms_label') });
				const before = await box.isChecked();
				expect(await box.getAttribute('aria-describedby')).toBe('digest-sms-hint');
				expect(await digest.getByText(t('staff.digest.sms_hint', { phone: '+973 •••• 0082' })).count()).toBe(1);
				await box.focus();
				await page.keyboard.press('Space');
				await expect.poll(() => box.isChecked()).toBe(!before);
				await expect.poll(() => box.isDisabled()).toBe(false);
				const saved = await (await fetch(`${app.base}/api/sla/digest`, { headers: { cookie: manager.cookie } })).json();
				expect(saved.sms.enabled).toBe(!before);
				expect(await axe(page)).toEqual([]);

				// Each listed case opens by keyboard.
				const link = digest
					.getByRole('link', { name: /./ })
					.filter({ has: page.locator('bdi') })
					.first();
				const href = await link.getAttribute('href');
				await link.focus();
				await page.keyboard.press('Enter');
				await expect.poll(() => new URL(page.url()).pathname).toBe(href);
			});
		}
	}

	it('is not shown to an agent', async () => {
		const page = await (await context('en', agent, WIDE)).newPage();
		await page.goto('/staff');
		await page.getByRole('region', { name: msg('en', 'staff.summary.title') }).waitFor({ timeout: 15_000 });
		expect(await page.getByRole('region', { name: msg('en', 'staff.digest.title') }).count()).toBe(0);
	});
});
