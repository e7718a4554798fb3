/** axe-core finds no WCAG 2 A/AA violation on any page a citizen or an agent uses, in Arabic and
 * in English, on a phone-sized and a desktop screen. Pages are checked with real content: a
 * routed case on which the agent has asked a question, so the answer form shows too. */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, submitAction, waitFor, type Session } from '../integration/harness.js';
import { addSession, axe, DESKTOP, msg, PHONE, preferLanguage, useApp, type Locale, type Violation } from './browser.js';

const app = useApp();
const SUBJECT = 'Broken pavement outside the health centre';
const QUESTION = 'Is the damage on the side of the car park or the main road?';
let caseKey = '';
let citizen: Session;
let agent: Session;

async function push(session: Session, doc: Record<string, unknown>) {
	const outbox = local('axe-outbox');
	await outbox.put(doc);
	await outbox.replicate.to(remote(app.base, 'intake', session));
}

beforeAll(async () => {
	citizen = await signInCitizen(app.base, '+97336000021');
	agent = await signInStaff(app.base, 'agent.works');
	const submit = submitAction({ subject: SUBJECT, category_id: 'works-potholes' });
	caseKey = submit.case_key;
	await push(citizen, submit);
	const inbox = remote(app.base, 'e_works', agent);
	await waitFor(() => inbox.get(`case:${caseKey}`).catch(() => undefined), 15_000, 'the case in the inbox');
	await push(agent, followUp(caseKey, 'request_info', { body: QUESTION }));
	await waitFor(async () => ((await inbox.get(`case:${caseKey}`)).status === 'awaiting_citizen' ? true : undefined), 15_000, 'the question');
});

interface Check {
	path: string;
	who: 'anyone' | 'citizen' | 'staff';
	/** What shows once the page has its content. */
	ready: (page: Page, locale: Locale) => Promise<unknown>;
	/** Something to do first (the page with its errors shown). */
	act?: (page: Page, locale: Locale) => Promise<unknown>;
	name?: string;
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

const CHECKS: Check[] = [
	{ path: '/', who: 'anyone', ready: (p, l) => heading(p, msg(l, 'home.title')) },
	{ path: '/signin', who: 'anyone', ready: (p, l) => p.getByLabel(msg(l, 'signin.phone.label')).waitFor() },
	{ path: '/staff/signin', who: 'anyone', ready: (p, l) => p.getByLabel(msg(l, 'staff.signin.username')).waitFor() },
	{ path: '/new', who: 'citizen', ready: (p) => p.locator('#category optgroup').first().waitFor({ state: 'attached' }) },
	{
		path: '/new',
		name: '/new with errors',
		who: 'citizen',
		ready: (p, l) => p.getByRole('heading', { name: msg(l, 'form.errors_title') }).waitFor(),
		act: async (p, l) => {
			await p.locator('#category optgroup').first().waitFor({ state: 'attached' });
			await p.getByRole('button', { name: msg(l, 'form.submit'), exact: true }).click();
		}
	},
	{ path: '/cases', who: 'citizen', ready: (p) => p.getByRole('link', { name: SUBJECT }).waitFor() },
	{ path: '/cases/:key', who: 'citizen', ready: (p, l) => p.getByRole('form', { name: msg(l, 'case.provide_info_title') }).waitFor() },
	{ path: '/staff', who: 'staff', ready: (p) => p.getByRole('link', { name: SUBJECT }).waitFor() },
	{ path: '/staff/cases/:key', who: 'staff', ready: (p, l) => p.getByLabel(msg(l, 'staff.case.reply.body'), { exact: true }).waitFor() }
];

const COMBINATIONS: [Locale, string, { width: number; height: number }][] = [
	['ar', 'phone', PHONE],
	['ar', 'desktop', DESKTOP],
	['en', 'phone', PHONE],
	['en', 'desktop', DESKTOP]
];

describe.each(COMBINATIONS)('accessibility in %s on a %s screen', (locale, _, viewport) => {
	it('has no WCAG 2 A/AA violations on any page', async () => {
		const contexts = new Map<Check['who'], BrowserContext>();
		for (const who of ['anyone', 'citizen', 'staff'] as const) {
			// axe is added as an inline script, which the app's CSP (script-src 'self') refuses. The
			// service worker changes nothing on screen here and would precache the app 12 times over.
			const context = await app.context({ viewport, bypassCSP: true, serviceWorkers: 'block' });
			await preferLanguage(context, locale);
			if (who !== 'anyone') await addSession(context, app.base, who === 'citizen' ? citizen : agent);
			contexts.set(who, context);
		}
		const found: Record<string, Violation[]> = {};
		for (const check of CHECKS) {
			const page = await contexts.get(check.who)!.newPage();
			await page.goto(check.path.replace(':key', caseKey));
			await check.act?.(page, locale);
			await check.ready(page, locale);
			expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
			const violations = await axe(page);
			if (violations.length) found[check.name ?? check.path] = violations;
			await page.close();
		}
		expect(found).toEqual({});
	});
});

it('axe does see a violation when there is one (the checks above are not a no-op)', async () => {
	const page = await app.page({ bypassCSP: true });
	await page.goto('/');
	await heading(page, msg('ar', 'home.title'));
	await page.evaluate(() => {
		const img = document.createElement('img');
		img.src = '/icons/icon-192.png';
		document.querySelector('main')!.append(img);
	});
	expect((await axe(page)).map((v) => v.id)).toContain('image-alt');
});
