/** Possible duplicates in the staff case view (issue 13): an agent sees the similar case with its
 * score, reference and status, links the case to it by keyboard, and both cases then show the
 * link. The panel passes axe at 360 px in Arabic and on a desktop in English. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const app = useApp();
let agent: Session;
let manager: Session;
const cases = {} as Record<'primary' | 'duplicate', { key: string; ref: string }>;

async function file(citizen: Session, subject: string, body: string, fields: Record<string, unknown> = {}) {
	const submit = submitAction({ subject, body, locale: 'ar', ...fields });
	const outbox = local('duplicates-outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(app.base, 'intake', citizen));
	const inbox = remote(app.base, 'e_works', agent);
	const routed = await waitFor(() => inbox.get(`case:${submit.case_key}`).catch(() => undefined), 20_000, 'the case in the inbox');
	return { key: submit.case_key, ref: (routed as { ref: string }).ref };
}

beforeAll(async () => {
	const [first, second] = await Promise.all([signInCitizen(app.base, '+97336000051'), signInCitizen(app.base, '+97336000052')]);
	agent = await signInStaff(app.base, 'agent.works');
	manager = await signInStaff(app.base, 'manager.works');
	cases.primary = await file(first, 'حفرة كبيرة في الطريق', 'حفرة كبيرة في طريق ٤٤١٧ أمام المنزل رقم ١٢ وخطيرة على السيارات');
	cases.duplicate = await file(second, 'حفره بالشارع', 'في حفره كبيره بالطريق 4417 جدام البيت رقم 12 خطيره على السيارات');
});

async function staffPage(locale: Locale, viewport: { width: number; height: number }, session = agent): Promise<Page> {
	const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
	await preferLanguage(context, locale);
	await addSession(context, app.base, session);
	return context.newPage();
}

const panel = (page: Page, locale: Locale) => page.getByRole('region', { name: msg(locale, 'duplicates.title') });

describe('possible duplicates panel', () => {
	it('lists the similar case with its score and links to it by keyboard, in Arabic at 360 px', async () => {
		const L: Locale = 'ar';
		const page = await staffPage(L, PHONE);
		await page.goto(`/staff/cases/${cases.duplicate.key}`);
		const region = panel(page, L);
		const item = region.getByRole('listitem').filter({ hasText: cases.primary.ref });
		await item.waitFor({ timeout: 20_000 });
		await expect.poll(() => item.textContent()).toMatch(/٪|%/);
		expect(await item.textContent()).toContain(msg(L, 'case.status.open').slice(0, 3));
		expect(await axe(page)).toEqual([]);

		const button = item.getByRole('button', { name: msg(L, 'duplicates.link') });
		await button.focus();
		await page.keyboard.press('Enter');
		// The server's decision comes back through the entity's mirror.
		const notice = region.locator('p', { hasText: msg(L, 'duplicates.linked_to') });
		await notice.waitFor({ timeout: 20_000 });
		await notice.getByRole('link', { name: cases.primary.ref }).waitFor();
		expect(await region.getByRole('button', { name: msg(L, 'duplicates.link') }).count()).toBe(0);
		// The primary is still listed as similar, marked as linked already rather than offered again.
		await item.getByText(msg(L, 'duplicates.already_linked')).waitFor({ timeout: 20_000 });
		// An agent does not undo a link; the page says who can.
		await region.getByText(msg(L, 'duplicates.unlink_managers_only')).waitFor();
		expect(await axe(page)).toEqual([]);
	});

	it('shows the linked duplicate on the primary case, in English on a desktop', async () => {
		const L: Locale = 'en';
		const page = await staffPage(L, DESKTOP);
		await page.goto(`/staff/cases/${cases.primary.key}`);
		const region = panel(page, L);
		await region
			.getByRole('list', { name: msg(L, 'duplicates.linked_list') })
			.getByRole('link', { name: cases.duplicate.ref })
			.waitFor({ timeout: 20_000 });
		await page.getByText(msg(L, 'duplicates.timeline.duplicate_added', { ref: cases.duplicate.ref })).waitFor();
		expect(await axe(page)).toEqual([]);
	});

	it('lets a manager undo the link by keyboard: the case stands alone and can be linked again', async () => {
		const L: Locale = 'en';
		const page = await staffPage(L, PHONE, manager);
		await page.goto(`/staff/cases/${cases.duplicate.key}`);
		const region = panel(page, L);
		const undo = region.getByRole('button', { name: msg(L, 'duplicates.unlink') });
		await undo.waitFor({ timeout: 20_000 });
		await undo.focus();
		await page.keyboard.press('Enter');
		await region.getByText(msg(L, 'duplicates.linked_to')).waitFor({ state: 'detached', timeout: 20_000 });
		await page.getByText(msg(L, 'duplicates.timeline.unlink', { ref: cases.primary.ref })).waitFor();
		await region
			.getByRole('listitem')
			.filter({ hasText: cases.primary.ref })
			.getByRole('button', { name: msg(L, 'duplicates.link') })
			.waitFor();
		expect(await axe(page)).toEqual([]);
	});
});

describe('similar suggestions', () => {
	const suggestions = {} as Record<'primary' | 'merged', { key: string; ref: string }>;
	const region = (page: Page, locale: Locale) => page.getByRole('region', { name: msg(locale, 'duplicates.merge_title') });

	beforeAll(async () => {
		const [first, second] = await Promise.all([signInCitizen(app.base, '+97336000053'), signInCitizen(app.base, '+97336000054')]);
		const suggest = (citizen: Session, subject: string, body: string) => file(citizen, subject, body, { case_type: 'suggestion', category_id: 'works-general' });
		suggestions.primary = await suggest(first, 'مظلات في مواقف الحافلات', 'نقترح تركيب مظلات في مواقف الحافلات على شارع الشيخ خليفة لحماية الركاب من الشمس');
		suggestions.merged = await suggest(second, 'مظلات لمواقف الباص', 'اقتراح تركيب مظلات بمواقف الباص في شارع الشيخ خليفة لأن الشمس قوية على الركاب');
	});

	it('merges a suggestion into a similar one by keyboard, in English on a desktop', async () => {
		const L: Locale = 'en';
		const page = await staffPage(L, DESKTOP);
		await page.goto(`/staff/cases/${suggestions.merged.key}`);
		const item = region(page, L).getByRole('listitem').filter({ hasText: suggestions.primary.ref });
		await item.waitFor({ timeout: 20_000 });
		// A complaint is never offered to merge a suggestion with.
		expect(await region(page, L).getByRole('listitem').filter({ hasText: cases.primary.ref }).count()).toBe(0);
		const button = item.getByRole('button', { name: msg(L, 'duplicates.merge') });
		await button.focus();
		await page.keyboard.press('Enter');
		await region(page, L)
			.locator('p', { hasText: msg(L, 'duplicates.merged_into') })
			.waitFor({ timeout: 20_000 });
		expect(await axe(page)).toEqual([]);
	});

	it('leaves the decision to the primary: its manager sees why, in Arabic at 360 px', async () => {
		const L: Locale = 'ar';
		const page = await staffPage(L, PHONE, manager);
		await page.goto(`/staff/cases/${suggestions.merged.key}`);
		await page.getByText(msg(L, 'errors.suggestion_merged')).waitFor({ timeout: 20_000 });
		expect(await page.locator('summary', { hasText: msg(L, 'staff.case.suggestion.legend') }).count()).toBe(0);
		expect(await axe(page)).toEqual([]);
		await page.goto(`/staff/cases/${suggestions.primary.key}`);
		await region(page, L)
			.getByRole('list', { name: msg(L, 'duplicates.merged_list') })
			.getByRole('link', { name: suggestions.merged.ref })
			.waitFor({ timeout: 20_000 });
		await page.locator('summary', { hasText: msg(L, 'staff.case.suggestion.legend') }).waitFor();
		expect(await axe(page)).toEqual([]);
	});
});
