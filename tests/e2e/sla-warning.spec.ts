/** The SLA early warning in the browser (issue 16, part 2), in Arabic and English, on a phone
 * and a desktop: the inbox's summary of today, an agent's "due soon / late" view lists the open cases with a link to each, a
 * manager sees who holds them and the "needs attention" queue (a low rating with the criteria
 * that scored low, a reopened case), the minister's dashboard counts the entities at risk today;
 * axe finds nothing. The server warns 30 working days ahead, so cases filed now are due soon
 * (late ones need a clock in the past: tests/integration/sla-warning.spec.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { answeredCase, push } from '../integration/rating-helpers.js';
import { axe, DESKTOP, msg, PHONE, signedInContext, useApp, type Locale } from './browser.js';

const app = useApp({ SLA_WARNING_WORKING_DAYS: '30' });
const PHONE_NUMBER = '+97336000071';
let agent: Session;
let manager: Session;
let minister: Session;
const cases = {} as Record<'rated' | 'reopened' | 'open', { caseKey: string; subject: string }>;

beforeAll(async () => {
	[agent, manager, minister] = await Promise.all([signInStaff(app.base, 'agent.works'), signInStaff(app.base, 'manager.works'), signInStaff(app.base, 'minister')]);
	const citizen = await signInCitizen(app.base, PHONE_NUMBER);
	const rated = await answeredCase(app.base, citizen, agent, PHONE_NUMBER, { subject: 'Street light out on Road 7' });
	const reopened = await answeredCase(app.base, citizen, agent, PHONE_NUMBER, { subject: 'Pothole near the school' });
	const open = submitAction({ subject: 'Blocked drain on Avenue 3' });
	await push(app.base, citizen, [open, followUp(reopened.caseKey, 'reopen', { reason: 'The pothole is back after the rain' })]);
	const rating = await fetch(`${app.base}/api/ratings/${encodeURIComponent(rated.replyId)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: citizen.cookie },
		body: JSON.stringify({ scores: { handling: 1, clarity: 4, courtesy: 2, ease_of_use: 5 }, comment: 'Nobody came' })
	});
	if (rating.status !== 201) throw new Error(`rating ${rating.status} ${await rating.text()}`);
	Object.assign(cases, {
		rated: { caseKey: rated.caseKey, subject: 'Street light out on Road 7' },
		reopened: { caseKey: reopened.caseKey, subject: 'Pothole near the school' },
		open: { caseKey: open.case_key, subject: 'Blocked drain on Avenue 3' }
	});
	// Everything applied: the reopened case is due again, and the low rating is queued.
	await waitFor(
		async () => {
			const [warnings, attention] = await Promise.all([
				fetch(`${app.base}/api/sla/warnings`, { headers: { cookie: manager.cookie } }).then((r) => r.json()),
				fetch(`${app.base}/api/sla/attention`, { headers: { cookie: manager.cookie } }).then((r) => r.json())
			]);
			return warnings.cases.length === 2 && attention.items.length === 2 ? true : undefined;
		},
		30_000,
		'the cases applied'
	);
});

const context = (locale: Locale, session: Session, viewport = DESKTOP) => signedInContext(app, session, locale, viewport);

describe('due soon / late', () => {
	for (const L of ['ar', 'en'] as const) {
		for (const viewport of [PHONE, DESKTOP]) {
			it(`an agent sees the open cases, each linking to the case, by keyboard (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const page = await (await context(L, agent, viewport)).newPage();
				const number = (n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);
				await page.goto('/staff');
				// The inbox says what to chase today, and an agent has no queue of ratings.
				const summary = page.getByRole('region', { name: t('staff.summary.title') });
				await summary.getByRole('link', { name: t('staff.summary.warnings', { late: number(0), due_soon: number(2) }) }).waitFor({ timeout: 15_000 });
				expect(await summary.getByRole('link').count()).toBe(1);
				await page
					.getByRole('navigation', { name: t('nav.label') })
					.getByRole('link', { name: t('nav.due') })
					.click();
				await page.getByRole('heading', { level: 1, name: t('staff.due.title') }).waitFor();
				expect(await page.locator('html').getAttribute('dir')).toBe(L === 'ar' ? 'rtl' : 'ltr');
				const table = page.getByRole('table', { name: t('staff.due.caption') });
				await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
				const text = await table.textContent();
				expect(text).toContain(cases.open.subject);
				expect(text).toContain(cases.reopened.subject);
				expect(text).not.toContain(cases.rated.subject);
				expect(text).toContain(t('staff.due.due_soon'));
				expect(await page.getByText(t('staff.due.due_soon_count', { count: number(2) })).count()).toBe(1);
				// An agent gets no per-holder table and no "needs attention" link.
				expect(await page.getByRole('table', { name: t('staff.due.holders_caption') }).count()).toBe(0);
				expect(await page.getByRole('link', { name: t('nav.attention') }).count()).toBe(0);
				expect(await axe(page)).toEqual([]);

				// The region scrolls on a phone; the case link is reached and followed by keyboard.
				const link = table.locator(`a[href="/staff/cases/${cases.open.caseKey}"]`);
				await link.focus();
				await page.keyboard.press('Enter');
				await expect.poll(() => new URL(page.url()).pathname).toBe(`/staff/cases/${cases.open.caseKey}`);
			});
		}
	}

	it('a manager sees who holds each case', async () => {
		const L: Locale = 'en';
		const page = await (await context(L, manager)).newPage();
		await page.goto('/staff/due');
		const holders = page.getByRole('table', { name: msg(L, 'staff.due.holders_caption') });
		await expect.poll(() => holders.locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
		const rows = await holders.locator('tbody tr').allTextContents();
		// The reopened case is the agent's (who answered it), the new one nobody's yet.
		expect(rows.some((r) => r.includes(msg(L, 'staff.due.nobody')))).toBe(true);
		const agentName = (agent.user as { name?: string }).name!;
		expect(rows.find((r) => r.includes(agentName))).toContain('1');
	});
});

describe('needs attention', () => {
	for (const L of ['ar', 'en'] as const) {
		for (const viewport of [PHONE, DESKTOP]) {
			it(`a manager sees the low rating with its low criteria and the reopened case (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
				const page = await (await context(L, manager, viewport)).newPage();
				await page.goto('/staff');
				const summary = page.getByRole('region', { name: t('staff.summary.title') });
				await summary.getByRole('link', { name: t('staff.summary.attention', { count: new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(2) }) }).waitFor({ timeout: 15_000 });
				await page
					.getByRole('navigation', { name: t('nav.label') })
					.getByRole('link', { name: t('nav.attention') })
					.click();
				await page.getByRole('heading', { level: 1, name: t('staff.attention.title') }).waitFor();
				const table = page.getByRole('table', { name: t('staff.attention.caption') });
				await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
				const low = table.locator('tr', { hasText: cases.rated.subject });
				const number = (n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);
				expect(await low.textContent()).toContain(t('staff.attention.low_rating'));
				expect(await low.textContent()).toContain(t('staff.attention.score', { criterion: t('rating.criteria.handling'), score: number(1) }));
				expect(await low.textContent()).toContain(t('staff.attention.score', { criterion: t('rating.criteria.courtesy'), score: number(2) }));
				expect(await low.textContent()).not.toContain(t('rating.criteria.clarity'));
				expect(await low.textContent()).toContain('Nobody came');
				const reopened = table.locator('tr', { hasText: cases.reopened.subject });
				expect(await reopened.textContent()).toContain(t('staff.attention.reopened'));
				expect(await reopened.textContent()).toContain('The pothole is back after the rain');
				expect(await axe(page)).toEqual([]);
				await low.getByRole('link').click();
				await expect.poll(() => new URL(page.url()).pathname).toBe(`/staff/cases/${cases.rated.caseKey}`);
			});
		}
	}

	it('is not shown to an agent', async () => {
		const page = await (await context('en', agent)).newPage();
		await page.goto('/staff/attention');
		await page.getByText(msg('en', 'access.not_allowed')).waitFor();
	});
});

describe('entities at risk today', () => {
	for (const L of ['ar', 'en'] as const) {
		it(`the minister's dashboard counts them per entity (${L})`, async () => {
			const t = (key: string) => msg(L, key);
			const page = await (await context(L, minister, PHONE)).newPage();
			await page.goto('/dashboard');
			const table = page.getByRole('table', { name: t('dashboard.at_risk.caption') });
			await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(1);
			const row = table.locator('tbody tr').first();
			expect(await row.getByRole('link').getAttribute('href')).toBe('/dashboard/works');
			const cells = await row.locator('td').allTextContents();
			const number = (n: number) => new Intl.NumberFormat(L === 'ar' ? 'ar-BH' : 'en-GB').format(n);
			expect(cells).toEqual([number(0), number(2)]);
			expect(await table.textContent()).not.toContain(cases.open.subject);
			expect(await axe(page)).toEqual([]);
		});
	}
});
