/** A case's life as people live it: a citizen writes and sends a complaint with no connection,
 * it reaches the entity once the phone is back online, an agent answers, and the answer appears
 * on the citizen's screen by itself. Then the agent asks for more information and gets it. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { CITIZEN_PHONE, msg, msgPattern, preferLanguage, serviceWorkerReady, signInByPhone, signInStaffUI, useApp, type Locale } from './browser.js';

const app = useApp();
const REF = /^\d{2}-\d{6,9}-\d$/;

/** The value next to a label in a case page's facts list (`<dt>label</dt><dd>value</dd>`). */
function fact(page: Page, locale: Locale, key: string) {
	return page.locator('dt', { hasText: msg(locale, key) }).locator('xpath=following-sibling::dd[1]');
}

function statusOf(page: Page, locale: Locale) {
	return fact(page, locale, 'case.status_label');
}

const path = (page: Page) => new URL(page.url()).pathname;

/** Fills the new-case form (Potholes, Ministry of Works); returns the forecast due-date text. */
async function writeComplaint(page: Page, locale: Locale, subject: string, body: string): Promise<void> {
	const t = (key: string) => msg(locale, key);
	await page.getByRole('radio', { name: t('case.type.complaint') }).check();
	await page.getByLabel(t('form.category.label'), { exact: true }).selectOption({ label: locale === 'ar' ? 'حفر وتلف الطرق' : 'Potholes and road damage' });
	// The category's entity is suggested (the routing table).
	await expect.poll(() => page.getByLabel(t('form.entity.label'), { exact: true }).inputValue()).toBe('works');
	await page.getByLabel(t('form.subject.label'), { exact: true }).fill(subject);
	await page.getByLabel(t('form.body.label'), { exact: true }).fill(body);
	await page.getByText(t('form.saved')).waitFor();
}

describe('case lifecycle in the browser', () => {
	it('a complaint sent offline gets a reference once online, reaches the inbox, and the reply appears by itself', async () => {
		const L: Locale = 'ar';
		const t = (key: string, params?: Record<string, string | number>) => msg(L, key, params);
		const subject = 'حفرة عميقة في شارع ٤٢';
		const body = 'حفرة عميقة قرب بوابة المدرسة أتلفت عدة سيارات هذا الأسبوع، نرجو إصلاحها.';

		const citizen = await app.page();
		await citizen.goto('/');
		await serviceWorkerReady(citizen);
		await citizen.getByRole('link', { name: t('nav.signin'), exact: true }).click();
		await signInByPhone(citizen, app.base, CITIZEN_PHONE, L);
		await citizen.getByRole('link', { name: t('nav.new'), exact: true }).click();
		await expect.poll(() => path(citizen)).toBe('/new');
		await writeComplaint(citizen, L, subject, body);
		const forecast = await citizen.getByText(msgPattern(L, 'form.forecast')).textContent();
		// The draft has an address of its own, so a reload comes back to it.
		expect(citizen.url()).toMatch(/\/new\?draft=/);

		await citizen.context().setOffline(true);
		await citizen.reload();
		// The service worker answered: the app shell, with the draft as it was typed.
		await citizen.getByRole('heading', { level: 1, name: t('form.title') }).waitFor();
		await citizen.getByText(t('status.offline')).waitFor();
		await expect.poll(() => citizen.getByLabel(t('form.subject.label'), { exact: true }).inputValue()).toBe(subject);
		expect(await citizen.getByLabel(t('form.body.label'), { exact: true }).inputValue()).toBe(body);
		// The category list comes from the config mirror, a moment after the draft.
		await expect.poll(() => citizen.getByLabel(t('form.category.label'), { exact: true }).inputValue()).toBe('works-potholes');
		expect(await citizen.getByRole('radio', { name: t('case.type.complaint') }).isChecked()).toBe(true);

		await citizen.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await expect.poll(() => path(citizen)).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
		const caseKey = path(citizen).split('/').pop()!;
		await citizen.getByRole('heading', { level: 1, name: subject }).waitFor();
		await expect.poll(() => statusOf(citizen, L).textContent()).toContain(t('case.status.queued'));
		expect(await fact(citizen, L, 'case.ref').textContent()).toContain(t('case.no_ref_yet'));
		await citizen.getByText(msgPattern(L, 'status.pending')).waitFor();

		// Back online: the outbox goes out, the rules engine routes the case, the mirror brings it back.
		const online = Date.now();
		await citizen.context().setOffline(false);
		await expect.poll(async () => (await fact(citizen, L, 'case.ref').textContent())?.trim(), { timeout: 30_000 }).toMatch(REF);
		const delay = Date.now() - online;
		const ref = (await fact(citizen, L, 'case.ref').textContent())!.trim();
		expect(isValidReference(ref)).toBe(true);
		await expect.poll(() => statusOf(citizen, L).textContent()).toContain(t('case.status.open'));
		// The server's due date is the one the form forecast before sending.
		const due = (await fact(citizen, L, 'case.due').textContent())!.trim();
		expect(due).not.toBe('');
		expect(forecast).toContain(due);
		console.info(`back online → reference shown: ${delay} ms`);

		// The agent of the Ministry of Works finds it in the inbox and answers.
		const agent = await app.page();
		await signInStaffUI(agent, 'agent.works', L);
		const inboxItem = agent.getByRole('listitem').filter({ has: agent.getByRole('link', { name: subject }) });
		await inboxItem.waitFor({ timeout: 15_000 });
		expect(await inboxItem.textContent()).toContain(ref);
		await inboxItem.getByRole('link', { name: subject }).click();
		await expect.poll(() => path(agent)).toBe(`/staff/cases/${caseKey}`);
		await agent.getByRole('heading', { level: 1, name: subject }).waitFor();
		expect((await fact(agent, L, 'case.ref').textContent())?.trim()).toBe(ref);
		const reply = 'شكرًا لبلاغكم. تم إرسال فريق الصيانة وسيتم إصلاح الحفرة خلال يومين.';
		await agent.getByLabel(t('staff.case.reply.body'), { exact: true }).fill(reply);
		const replied = Date.now();
		await agent.getByRole('button', { name: t('staff.case.reply.submit'), exact: true }).click();

		// The citizen's page, untouched since, shows the answer.
		await expect.poll(() => statusOf(citizen, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.answered'));
		await citizen.getByText(reply).waitFor({ timeout: 5_000 });
		console.info(`reply sent → shown to the citizen: ${Date.now() - replied} ms`);
		await expect.poll(() => statusOf(agent, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.answered'));

		// Not satisfied: the citizen reopens the case from its page; it goes back to the entity.
		const reopen = citizen.getByRole('form', { name: t('case.reopen.legend') });
		await citizen.getByText(t('case.reopen.legend'), { exact: true }).click();
		await reopen.getByRole('button', { name: t('case.reopen.submit'), exact: true }).click();
		// An empty reason is refused beside the field, before anything is sent.
		await reopen.locator('.field-error').waitFor();
		const why = 'الحفرة ما زالت موجودة بعد يومين ولم يحضر أي فريق.';
		await reopen.getByLabel(t('case.reopen.reason'), { exact: true }).fill(why);
		await reopen.getByRole('button', { name: t('case.reopen.submit'), exact: true }).click();
		await expect.poll(() => statusOf(citizen, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.open'));
		expect(await citizen.getByRole('form', { name: t('case.reopen.legend') }).count()).toBe(0);
		await expect.poll(() => statusOf(agent, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.open'));
		await agent.getByText(why).waitFor({ timeout: 5_000 });
	});

	it('an agent asks for more information, the citizen answers on the case page, the agent sees it', async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const subject = 'Street light out on Avenue 12';
		const citizen = await app.page();
		await preferLanguage(citizen.context(), L);
		await signInByPhone(citizen, app.base, '+97336000002', L);
		await citizen.goto('/new');
		await citizen.getByRole('radio', { name: t('case.type.complaint') }).check();
		await citizen.getByLabel(t('form.category.label'), { exact: true }).selectOption({ label: 'Street lighting' });
		await citizen.getByLabel(t('form.subject.label'), { exact: true }).fill(subject);
		await citizen.getByLabel(t('form.body.label'), { exact: true }).fill('The light at the corner has been out for a week; the crossing is dark.');
		await citizen.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await expect.poll(() => path(citizen)).toMatch(/^\/cases\//);
		const caseKey = path(citizen).split('/').pop()!;
		await expect.poll(async () => (await fact(citizen, L, 'case.ref').textContent())?.trim(), { timeout: 20_000 }).toMatch(REF);

		const agent = await app.page();
		await preferLanguage(agent.context(), L);
		await signInStaffUI(agent, 'agent.works', L);
		await agent.getByRole('link', { name: subject }).click();
		await expect.poll(() => path(agent)).toBe(`/staff/cases/${caseKey}`);
		// The form is folded under its title; a person opens it first.
		await agent.getByText(t('staff.case.request_info.legend'), { exact: true }).click();
		const question = 'Which corner exactly — near the mosque or near the bakery?';
		await agent.getByLabel(t('staff.case.request_info.body'), { exact: true }).fill(question);
		await agent.getByRole('button', { name: t('staff.case.request_info.submit'), exact: true }).click();

		await expect.poll(() => statusOf(citizen, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.awaiting_citizen'));
		await citizen.getByText(question).waitFor();
		const answer = 'Near the bakery, opposite the bus stop.';
		const form = citizen.getByRole('form', { name: t('case.provide_info_title') });
		await form.getByLabel(t('case.body'), { exact: true }).fill(answer);
		await form.getByRole('button', { name: t('case.provide_info_submit'), exact: true }).click();
		await expect.poll(() => statusOf(citizen, L).textContent(), { timeout: 10_000 }).toContain(t('case.status.open'));

		await agent.getByText(answer).waitFor({ timeout: 10_000 });
		await expect.poll(() => statusOf(agent, L).textContent()).toContain(t('case.status.open'));
		const entry = agent.getByRole('listitem').filter({ hasText: answer });
		expect(await entry.textContent()).toContain(t('action.kind.provide_info'));
	});

	it('a case that waited offline for a while goes out within seconds of the connection returning', async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const citizen = await app.page();
		await preferLanguage(citizen.context(), L);
		await signInByPhone(citizen, app.base, '+97336000003', L);
		await citizen.goto('/new');
		await writeComplaint(citizen, L, 'Flooded underpass after the rain', 'The underpass on Highway 5 has been flooded since Tuesday; cars turn back.');
		await citizen.context().setOffline(true);
		await citizen.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await expect.poll(() => statusOf(citizen, L).textContent()).toContain(t('case.status.queued'));
		// Long enough for replication's retry back-off to have grown past the wait allowed below.
		await citizen.waitForTimeout(20_000);
		const online = Date.now();
		await citizen.context().setOffline(false);
		await expect.poll(async () => (await fact(citizen, L, 'case.ref').textContent())?.trim(), { timeout: 30_000 }).toMatch(REF);
		// "It will be sent as soon as you are back online" (form.queued_offline), not a minute later.
		expect(Date.now() - online).toBeLessThan(5_000);
	});

	it('a first visit without a service worker yet still opens the case page of a submission made offline', async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const context = await app.context({ serviceWorkers: 'block' });
		await preferLanguage(context, L);
		const citizen = await context.newPage();
		await signInByPhone(citizen, app.base, '+97336000004', L);
		await citizen.goto('/new');
		await writeComplaint(citizen, L, 'Broken bench in the park', 'The bench near the north gate of the park is broken and has sharp edges.');
		await context.setOffline(true);
		await citizen.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await expect.poll(() => statusOf(citizen, L).textContent()).toContain(t('case.status.queued'));
		await context.setOffline(false);
		await expect.poll(async () => (await fact(citizen, L, 'case.ref').textContent())?.trim(), { timeout: 30_000 }).toMatch(REF);
	});

	it("the entity's manager moves a suggestion to under study, then accepts it with a date; the citizen sees each step", async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const subject = 'Shade over the bus stops on Road 40';
		const citizen = await app.page();
		await preferLanguage(citizen.context(), L);
		await signInByPhone(citizen, app.base, '+97336000005', L);
		await citizen.goto('/new');
		await writeComplaint(citizen, L, subject, 'People wait in the sun at every stop on Road 40; shades would help in summer.');
		await citizen.getByRole('radio', { name: t('case.type.suggestion') }).check();
		await citizen.getByText(t('form.saved')).waitFor();
		await citizen.getByRole('button', { name: t('form.submit'), exact: true }).click();
		await expect.poll(async () => (await fact(citizen, L, 'case.ref').textContent())?.trim(), { timeout: 20_000 }).toMatch(REF);
		expect((await fact(citizen, L, 'case.suggestion_state').textContent())?.trim()).toBe(t('suggestion.state.new'));

		// Issue 14: managers decide on suggestions.
		const agent = await app.page();
		await preferLanguage(agent.context(), L);
		await signInStaffUI(agent, 'manager.works', L);
		await agent.getByRole('link', { name: subject }).click();
		await agent.getByText(t('staff.case.suggestion.legend'), { exact: true }).click();
		const form = agent.getByRole('form', { name: t('staff.case.suggestion.legend') });
		// No status chosen: said beside the list, and the form stays open.
		await form.getByRole('button', { name: t('staff.case.suggestion.submit'), exact: true }).click();
		await form.locator('.field-error').waitFor();
		await form.getByLabel(t('staff.case.suggestion.state'), { exact: true }).selectOption({ label: t('suggestion.state.under_study') });
		await form.getByLabel(t('staff.case.suggestion.body'), { exact: true }).fill('The roads directorate is studying shades for all stops on Road 40.');
		await form.getByRole('button', { name: t('staff.case.suggestion.submit'), exact: true }).click();
		await expect.poll(async () => (await fact(agent, L, 'case.suggestion_state').textContent())?.trim(), { timeout: 10_000 }).toBe(t('suggestion.state.under_study'));

		await expect.poll(async () => (await fact(citizen, L, 'case.suggestion_state').textContent())?.trim(), { timeout: 10_000 }).toBe(t('suggestion.state.under_study'));
		await citizen.getByText('The roads directorate is studying shades for all stops on Road 40.').waitFor();

		// Accepting asks for the planned date; the citizen's timeline shows it.
		const planned = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
		await form.getByLabel(t('staff.case.suggestion.state'), { exact: true }).selectOption({ label: t('suggestion.state.accepted') });
		await form.getByRole('button', { name: t('staff.case.suggestion.submit'), exact: true }).click();
		await form.locator('#suggestion_status-form-target-error').waitFor();
		await form.getByLabel(t('staff.case.suggestion.target_date'), { exact: true }).fill(planned);
		await form.getByRole('button', { name: t('staff.case.suggestion.submit'), exact: true }).click();
		await expect.poll(async () => (await fact(citizen, L, 'case.suggestion_state').textContent())?.trim(), { timeout: 10_000 }).toBe(t('suggestion.state.accepted'));
		const shown = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${planned}T00:00:00Z`));
		await citizen.getByText(t('case.suggestion_target').replace('{date}', shown)).waitFor();
	});

	it('a draft is kept once something is typed, not for a form only looked at, and continues where it was left', async () => {
		const L: Locale = 'en';
		const t = (key: string) => msg(L, key);
		const context = await app.context();
		await preferLanguage(context, L);
		const page = await context.newPage();
		const nav = page.getByRole('navigation', { name: t('nav.label') });
		await page.goto('/new');
		await page.getByLabel(t('form.subject.label'), { exact: true }).waitFor();
		await nav.getByRole('link', { name: t('nav.cases'), exact: true }).click();
		await page.getByRole('heading', { level: 1, name: t('cases.title') }).waitFor();

		await nav.getByRole('link', { name: t('nav.new'), exact: true }).click();
		await page.getByLabel(t('form.subject.label'), { exact: true }).fill('Bus shelter without shade');
		await page.getByText(t('form.saved')).waitFor();
		await nav.getByRole('link', { name: t('nav.cases'), exact: true }).click();
		const drafts = page.getByRole('region', { name: t('cases.drafts') }).getByRole('listitem');
		await drafts.first().waitFor();
		// One draft: the one with text. Looking at the form first left nothing behind.
		expect(await drafts.allTextContents()).toEqual([expect.stringContaining('Bus shelter without shade')]);

		await drafts.getByRole('link', { name: t('cases.continue') }).click();
		await expect.poll(() => page.getByLabel(t('form.subject.label'), { exact: true }).inputValue()).toBe('Bus shelter without shade');
		expect(page.url()).toMatch(/\/new\?draft=/);
	});
});
