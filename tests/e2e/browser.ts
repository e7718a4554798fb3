/** Browser tests' plumbing: the machine's Chromium, the real server as a child process serving
 * the built PWA, the UI's own texts to find elements by, axe, and screenshots of failures. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type CDPSession, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, type TestContext } from 'vitest';
import { demoPassword, newestSignInCode, staffSession, startChild, tempDir, type Child, type Session } from '../integration/harness.js';
import ar from '../../messages/ar.json' with { type: 'json' };
import en from '../../messages/en.json' with { type: 'json' };

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILD = path.join(ROOT, 'build');
const RESULTS = path.join(ROOT, 'test-results');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

export const CITIZEN_PHONE = '+97336000001';
export const PHONE = { width: 360, height: 800 };
export const DESKTOP = { width: 1280, height: 800 };

// ---------------------------------------------------------------------------------------------
// The UI's texts, so tests find things the way a reader of either language does.

export type Locale = 'ar' | 'en';
type Tree = { [key: string]: string | Tree };
const CATALOGUES: Record<Locale, Tree> = { ar, en };

/** The message `key` (dotted, as components use it) in `locale`, with `{params}` filled in. */
export function msg(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
	let node: string | Tree | undefined = CATALOGUES[locale];
	for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
	if (typeof node !== 'string') throw new Error(`no message ${key} in ${locale}`);
	return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A message with placeholders as a pattern: `{count}` and friends match anything. */
export function msgPattern(locale: Locale, key: string): RegExp {
	const parts = msg(locale, key)
		.split(/\{\w+\}/)
		.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(parts.join('.+'));
}

// ---------------------------------------------------------------------------------------------
// The app: one server and one browser per test file, fresh contexts per test.

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * Keeps `context.setOffline(true)` true for documents opened while offline. Chromium (150 and
 * later) starts each new document of a navigation with the network state of the machine, not the
 * emulated one: a page reloaded offline from the service worker would read `navigator.onLine` as
 * true and never hear an `offline` event. So every page of the context gets its own DevTools
 * session, which repeats the emulated state after each navigation of its main frame.
 */
function keepOfflineAcrossNavigations(context: BrowserContext): void {
	let offline = false;
	// A session's emulation holds while the session lives; each navigation needs a new one.
	const sessions: CDPSession[] = [];
	const conditions = () => ({ offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
	const send = async (page: Page) => {
		const session = await context.newCDPSession(page);
		sessions.push(session);
		await session.send('Network.emulateNetworkConditions', conditions());
	};
	/** Until the document says it is offline (a navigation may still be swapping documents). */
	const apply = async (page: Page) => {
		for (let attempt = 0; attempt < 20 && !page.isClosed(); attempt++) {
			try {
				await send(page);
				if (!offline || !(await page.evaluate(() => navigator.onLine))) return;
			} catch {
				// The page is navigating or closing: try again on the next document.
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	context.on('page', (page) => {
		page.on('framenavigated', (frame) => {
			if (offline && frame === page.mainFrame()) void apply(page);
		});
	});
	const setOffline = context.setOffline.bind(context);
	context.setOffline = async (value: boolean) => {
		offline = value;
		await setOffline(value);
		if (value) return void (await Promise.all(context.pages().map(apply)));
		await Promise.all(sessions.splice(0).map((session) => session.send('Network.emulateNetworkConditions', conditions()).catch(() => undefined)));
	};
}

export interface App {
	readonly base: string;
	readonly browser: Browser;
	readonly server: Child;
	/** A new browser profile (own cookies, IndexedDB, service worker), closed after the test. */
	context(options?: BrowserContextOptions): Promise<BrowserContext>;
	/** A new page in a new context. */
	page(options?: BrowserContextOptions): Promise<Page>;
}

/** A copy of build/ for one test file: a rebuild while tests run (someone working alongside)
 * would otherwise change the files under a running service worker half-way through. */
function snapshotOfBuild(): string {
	for (const file of ['index.html', 'sw.js']) {
		if (!fs.existsSync(path.join(BUILD, file))) throw new Error(`build/${file} is missing: run npm run build first`);
	}
	const copy = path.join(tempDir('tawasul-e2e-build-'), 'build');
	fs.cpSync(BUILD, copy, { recursive: true });
	return copy;
}

/** Registers the hooks of a test file and returns the app they start. `env` is the server's own
 * settings, or what makes them (a test's other service that must run first, such as an eKey). */
export function useApp(env: Record<string, string> | (() => Promise<Record<string, string>>) = {}): App {
	let browser: Browser | null = null;
	let server: Child | null = null;
	const serverOutput: string[] = [];
	const contexts: BrowserContext[] = [];
	const problems = new Map<BrowserContext, string[]>();

	beforeAll(async () => {
		[browser, server] = await Promise.all([
			chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS }),
			(async () => startChild({ STATIC_DIR: snapshotOfBuild(), DATA_DIR: tempDir('tawasul-e2e-'), ...(typeof env === 'function' ? await env() : env) }))()
		]);
		const keep = (chunk: Buffer) => {
			serverOutput.push(chunk.toString());
			if (serverOutput.length > 200) serverOutput.shift();
		};
		server.process.stdout!.on('data', keep);
		server.process.stderr!.on('data', keep);
	});

	afterEach(async (context: TestContext) => {
		if (context.task.result?.state === 'fail') await recordFailure(context.task.name, contexts, problems, serverOutput);
		await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
		problems.clear();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.kill();
	});

	const app: App = {
		get base() {
			return server!.base;
		},
		get browser() {
			return browser!;
		},
		get server() {
			return server!;
		},
		async context(options = {}) {
			const context = await browser!.newContext({ baseURL: server!.base, viewport: DESKTOP, ...options });
			keepOfflineAcrossNavigations(context);
			contexts.push(context);
			const seen: string[] = [];
			problems.set(context, seen);
			context.on('weberror', (error) => seen.push(`page error: ${error.error().message}`));
			context.on('console', (message) => {
				// PouchDB's checkpoint probes and the signed-out session check are expected 404s and 401s.
				if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) seen.push(`console error: ${message.text()}`);
			});
			return context;
		},
		async page(options = {}) {
			return (await app.context(options)).newPage();
		}
	};
	return app;
}

/** Screenshots of every open page into test-results/, and what the pages and the server said. */
async function recordFailure(name: string, contexts: BrowserContext[], problems: Map<BrowserContext, string[]>, serverOutput: string[]) {
	fs.mkdirSync(RESULTS, { recursive: true });
	const slug = name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80);
	let n = 0;
	for (const context of contexts) {
		for (const page of context.pages()) {
			const file = path.join(RESULTS, `${slug}-${++n}.png`);
			await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => undefined);
			console.error(`screenshot of ${page.url()}: ${path.relative(ROOT, file)}`);
		}
		const seen = problems.get(context) ?? [];
		if (seen.length) console.error(seen.join('\n'));
	}
	console.error(`server output (last lines):\n${serverOutput.join('').split('\n').slice(-40).join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Signing in.

/** The newest sign-in code the server "sent" to `phone` (the dev SMS outbox). */
export async function latestCode(base: string, phone: string): Promise<string> {
	const response = await fetch(`${base}/api/dev/sms?phone=${encodeURIComponent(phone)}`);
	const { messages } = (await response.json()) as { messages: { text: string }[] };
	const code = newestSignInCode(messages);
	if (!code) throw new Error(`no code in the SMS outbox for ${phone}`);
	return code;
}

/** Requests a code on /signin and waits for the code step; the page ends on the code field. */
export async function requestCode(page: Page, phone: string, locale: Locale): Promise<void> {
	await page.getByLabel(msg(locale, 'signin.phone.label')).fill(phone);
	await page.getByRole('button', { name: msg(locale, 'signin.request') }).click();
	await expect.poll(() => page.getByLabel(msg(locale, 'signin.code.label')).isVisible()).toBe(true);
}

/** Signs a citizen in through the UI, as a person does: phone, then the code from the SMS. */
export async function signInByPhone(page: Page, base: string, phone: string, locale: Locale = 'ar'): Promise<void> {
	if (!page.url().includes('/signin')) await page.goto('/signin');
	await requestCode(page, phone, locale);
	await page.getByLabel(msg(locale, 'signin.code.label')).fill(await latestCode(base, phone));
	await page.getByRole('button', { name: msg(locale, 'signin.verify'), exact: true }).click();
	await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/signin');
}

/** A citizen identifies at an enrolled kiosk (/kiosk) with phone and code; the page ends on the
 * kiosk's case form. */
export async function signInAtKiosk(page: Page, base: string, phone: string, locale: Locale): Promise<void> {
	await page.getByLabel(msg(locale, 'signin.phone.label')).fill(phone);
	await page.getByRole('button', { name: msg(locale, 'signin.request') }).click();
	await page.getByLabel(msg(locale, 'signin.code.label')).waitFor();
	await page.getByLabel(msg(locale, 'signin.code.label')).fill(await latestCode(base, phone));
	await page.getByRole('button', { name: msg(locale, 'signin.verify'), exact: true }).click();
	await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.file.title') }).waitFor();
}

/** A request to the server as the coordinator (signed in through the API): the answer's JSON,
 * after checking it succeeded. */
export async function coordinatorCall(base: string, method: string, path: string, body?: unknown): Promise<any> {
	const coordinator = await staffSession(base, 'coordinator');
	const response = await fetch(`${base}${path}`, {
		method,
		headers: { ...(body ? { 'content-type': 'application/json' } : {}), cookie: coordinator.cookie },
		body: body ? JSON.stringify(body) : undefined
	});
	expect(response.ok).toBe(true);
	return response.json();
}

/** A kiosk registered by the coordinator through the API: its id and one-time code. */
export async function registerKioskByApi(base: string, name: string, location = '26.1552, 50.6123'): Promise<{ kiosk_id: string; code: string }> {
	const coordinator = await staffSession(base, 'coordinator');
	const response = await fetch(`${base}/api/admin/kiosk-devices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: coordinator.cookie },
		body: JSON.stringify({ name, centre: 'Sitra service centre', location })
	});
	const body = await response.json();
	return { kiosk_id: body.kiosk.kiosk_id, code: body.enrolment_code };
}

/** Enrols the page's browser as a kiosk with `code` on /kiosk; the page ends on the welcome. */
export async function enrolKioskOnPage(page: Page, code: string, locale: Locale): Promise<void> {
	await page.goto('/kiosk');
	await page.getByLabel(msg(locale, 'kiosk.enrol.code')).fill(code);
	await page.getByRole('button', { name: msg(locale, 'kiosk.enrol.submit') }).click();
	await page.getByRole('heading', { level: 1, name: msg(locale, 'kiosk.start.title') }).waitFor();
}

/** Signs staff in through /staff/signin; the page ends on the inbox. */
export async function signInStaffUI(page: Page, username: string, locale: Locale = 'ar'): Promise<void> {
	await page.goto('/staff/signin');
	await page.getByLabel(msg(locale, 'staff.signin.username')).fill(username);
	await page.getByLabel(msg(locale, 'staff.signin.password')).fill(demoPassword(new URL(page.url()).origin, username));
	await page.getByRole('button', { name: msg(locale, 'staff.signin.submit'), exact: true }).click();
	await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/staff');
}

/** Gives a context a session made through the API (for tests about something other than sign-in). */
export async function addSession(context: BrowserContext, base: string, session: Session): Promise<void> {
	const [name, value] = session.cookie.split('=');
	await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
}

/** A browser profile signed in as `session` (through the API) that opens pages in `locale`; made
 * with `bypassCSP`, as axe is added to the page as a script, which the app's CSP rightly refuses. */
export async function signedInContext(app: App, session: Session, locale: Locale, viewport: { width: number; height: number } = DESKTOP): Promise<BrowserContext> {
	const context = await app.context({ viewport, bypassCSP: true });
	await preferLanguage(context, locale);
	await addSession(context, app.base, session);
	return context;
}

/** Makes every page of `context` open in `locale` (as after choosing it on an earlier visit). */
export async function preferLanguage(context: BrowserContext, locale: Locale): Promise<void> {
	await context.addInitScript((l) => {
		// Also runs in about:blank, where storage is off limits.
		if (location.protocol.startsWith('http')) localStorage.setItem('tawasul.locale', l);
	}, locale);
}

// ---------------------------------------------------------------------------------------------
// Accessibility.

export interface Violation {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core's WCAG 2 A/AA violations on the page as it is now. The script is added inline, so
 * the context must be made with `bypassCSP: true` (the app's CSP rightly allows 'self' only). */
export async function axe(page: Page): Promise<Violation[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
	return page.evaluate(async (tags) => {
		const run = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe.run;
		const result = await run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
		return (result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			targets: v.nodes.map((n) => n.target.join(' '))
		}));
	}, WCAG_TAGS);
}

// ---------------------------------------------------------------------------------------------
// Waiting.

/** Resolves once the service worker controls the page (the app shell is then cached). */
export async function serviceWorkerReady(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 30_000 });
}
