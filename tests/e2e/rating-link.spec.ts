/** Rating the reply from the SMS link in a real browser (issue 4): the link read from the SMS
 * outbox, opened on a phone-sized screen without signing in, Arabic first (right to left), a
 * mistake shown next to its field, the form filled by its labels, and no axe violation on the
 * form, the error state, the thank-you page and the English version. */
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { axe, msg, PHONE, useApp } from './browser.js';

const app = useApp();
const CITIZEN = '+97336000031';
let link = '';

async function push(session: Session, doc: Record<string, unknown>) {
	const outbox = local('rating-e2e-outbox');
	await outbox.put(doc);
	await outbox.replicate.to(remote(app.base, 'intake', session));
}

beforeAll(async () => {
	const citizen = await signInCitizen(app.base, CITIZEN);
	const agent = await signInStaff(app.base, 'agent.works');
	const submit = submitAction({ locale: 'ar', subject: 'حفرة عميقة أمام المدرسة' });
	await push(citizen, submit);
	const inbox = remote(app.base, 'e_works', agent);
	await waitFor(() => inbox.get(`case:${submit.case_key}`).catch(() => undefined), 15_000, 'the case in the inbox');
	await push(agent, followUp(submit.case_key, 'reply', { body: 'تم إصلاح الحفرة صباح اليوم.' }));
	link = await waitFor(
		async () => {
			const { messages } = (await (await fetch(`${app.base}/api/dev/sms?phone=${encodeURIComponent(CITIZEN)}`)).json()) as { messages: { text: string }[] };
			return messages.map((m) => /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(m.text)?.[0]).find(Boolean);
		},
		20_000,
		'the rating SMS'
	);
});

describe('the rating link in a browser', () => {
	it('rates the reply in Arabic on a phone, without signing in, with no accessibility violation', async () => {
		// axe goes in as an inline script, which the CSP (script-src 'self') would refuse.
		const page = await app.page({ viewport: PHONE, bypassCSP: true });
		// The SMS carries PUBLIC_URL; this server listens elsewhere, so keep only the path.
		await page.goto(new URL(link).pathname);
		expect(await page.getAttribute('html', 'dir')).toBe('rtl');
		await expect.poll(() => page.getByText('تم إصلاح الحفرة صباح اليوم.').isVisible()).toBe(true);
		expect(await axe(page)).toEqual([]);

		// One criterion left out: the page says which, by the field, and keeps the rest.
		const criteria = ['handling', 'clarity', 'courtesy', 'ease_of_use'];
		for (const criterion of criteria.slice(0, 3)) {
			await page
				.getByRole('group', { name: msg('ar', `rating.criteria.${criterion}`) })
				.getByLabel(msg('ar', 'rating.scale.4'))
				.check();
		}
		await page.getByLabel(msg('ar', 'rating.comment')).fill('شكرًا <b>للفريق</b>');
		await page.getByRole('button', { name: msg('ar', 'rating.submit') }).click();
		await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
		const missing = page.getByRole('group', { name: msg('ar', 'rating.criteria.ease_of_use') });
		expect(await missing.getAttribute('aria-describedby')).toBe('c-ease_of_use-error');
		expect(await page.getByLabel(msg('ar', 'rating.comment')).inputValue()).toBe('شكرًا <b>للفريق</b>');
		expect(
			await page
				.getByRole('group', { name: msg('ar', 'rating.criteria.handling') })
				.getByLabel(msg('ar', 'rating.scale.4'))
				.isChecked()
		).toBe(true);
		expect(await axe(page)).toEqual([]);

		await missing.getByLabel(msg('ar', 'rating.scale.5')).check();
		await page.getByRole('button', { name: msg('ar', 'rating.submit') }).click();
		await expect.poll(() => page.getByRole('heading', { name: msg('ar', 'rating.thanks.title') }).isVisible()).toBe(true);
		expect(await axe(page)).toEqual([]);

		// Opening the link again: already rated, in English if asked.
		await page.goto(`${new URL(link).pathname}?lang=en`);
		expect(await page.getAttribute('html', 'lang')).toBe('en');
		await expect.poll(() => page.getByRole('heading', { name: msg('en', 'rating.state.used_title') }).isVisible()).toBe(true);
		expect(await axe(page)).toEqual([]);
	});
});
