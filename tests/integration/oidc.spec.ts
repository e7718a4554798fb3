/**
 * National eKey sign-in end to end: a real OpenID provider (oidc-provider) on loopback, the real
 * server, and a browser simulated by following redirects with a cookie jar. Covers the happy
 * path, one person for SMS and eKey, a bad state, a replayed code and rejected ID tokens.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcService } from '../../sync-server/src/auth/oidc.js';
import { sessionServiceFor } from '../../sync-server/src/auth/sessions.js';
import { oidcRouter } from '../../sync-server/src/http/oidc-routes.js';
import { remote, signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';
import { complaint, kioskClient } from './kiosk-client.js';
import { caseDocId, userDb } from '../../src/lib/domain/doc-types.js';
import { OIDC_CLIENT as CLIENT, providerForApp, type RunningProvider } from '../fixtures/oidc-provider.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let signingInAs = 'ekey-1001';

let server: Server;
let provider: RunningProvider;
const closers: (() => Promise<void>)[] = [];
let skewedBase = '';
let controlBase = '';

function listen(handler: http.RequestListener = () => {}): Promise<{ server: http.Server; base: string }> {
	const s = http.createServer(handler);
	closers.push(
		() =>
			new Promise((resolve) => {
				s.closeAllConnections();
				s.close(() => resolve());
			})
	);
	return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve({ server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` })));
}

/** A browser: a cookie jar per origin, redirects followed by hand. */
class Browser {
	private readonly jar = new Map<string, Map<string, string>>();

	cookies(origin: string): Map<string, string> {
		let jar = this.jar.get(origin);
		if (!jar) this.jar.set(origin, (jar = new Map()));
		return jar;
	}

	async get(url: string): Promise<Response> {
		const { origin } = new URL(url);
		const cookie = [...this.cookies(origin)].map(([k, v]) => `${k}=${v}`).join('; ');
		const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()];
			if (!value || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies(origin).delete(name);
			else this.cookies(origin).set(name, value);
		}
		return response;
	}

	/** Follows redirects until one points at `stopAt` (not fetched), or a page that is not a redirect. */
	async follow(url: string, stopAt: (url: URL) => boolean): Promise<URL> {
		let next = new URL(url);
		for (let hop = 0; hop < 20; hop++) {
			if (stopAt(next)) return next;
			const response = await this.get(next.href);
			await response.arrayBuffer();
			const location = response.headers.get('location');
			if (!location) return next;
			next = new URL(location, next);
		}
		throw new Error('too many redirects');
	}
}

const atCallback = (url: URL) => url.pathname === '/api/auth/oidc/callback';

/** Starts a sign-in at `base` and stops with the provider's answer, before the callback is fetched. */
async function toCallback(browser: Browser, base: string, returnTo = '/cases'): Promise<URL> {
	return browser.follow(`${base}/api/auth/oidc/start?return_to=${encodeURIComponent(returnTo)}`, atCallback);
}

async function sessionOf(browser: Browser, base: string) {
	const cookie = browser.cookies(base).get('tw_session');
	if (!cookie) return null;
	const response = await fetch(`${base}/api/session`, { headers: { cookie: `tw_session=${cookie}` } });
	return response.ok ? (await response.json()).user : null;
}

beforeAll(async () => {
	const skewed = await listen();
	const control = await listen();
	skewedBase = skewed.base;
	controlBase = control.base;
	// The provider signs in whoever `signingInAs` names and consents at once: the interaction a
	// person would do on the eKey pages, done through the provider's own interaction API.
	const ekey = await providerForApp({ signInAs: () => signingInAs, otherCallbacks: [skewed.base, control.base].map((b) => `${b}/api/auth/oidc/callback`) });
	provider = ekey.provider;
	server = await startInProcess(ekey.env);
	// The same routes with a client clock two hours ahead, so every ID token looks expired to it,
	// and a control with the right clock, to show that the clock is the only difference.
	const sessions = sessionServiceFor(server.store, { cookieSecure: false });
	for (const [listener, skew] of [
		[skewed, 2 * 3600],
		[control, 0]
	] as const) {
		const env = { issuer: provider.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUrl: `${listener.base}/api/auth/oidc/callback` };
		const service = createOidcService({ store: server.store, env, cookieSecure: false, clockSkewSeconds: skew });
		const app = express();
		app.use(oidcRouter({ store: server.store, sessions, oidc: env, cookieSecure: false, service }));
		listener.server.on('request', app);
	}
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await provider?.close();
	for (const close of closers) await close();
});

describe('eKey sign-in (OpenID Connect, code + PKCE)', () => {
	it('says it is available', async () => {
		expect(await (await fetch(`${server.base}/api/auth/methods`)).json()).toEqual({ otp: true, oidc: true });
	});

	it('sends the browser to the provider with PKCE, state and nonce, and back signed in', async () => {
		signingInAs = 'ekey-1001';
		const browser = new Browser();
		const start = await browser.get(`${server.base}/api/auth/oidc/start?return_to=/cases`);
		expect(start.status).toBe(303);
		const authorize = new URL(start.headers.get('location')!);
		expect(authorize.origin).not.toBe(server.base);
		expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', client_id: CLIENT.id, code_challenge_method: 'S256', scope: 'openid profile phone' });
		for (const param of ['state', 'nonce', 'code_challenge']) expect(authorize.searchParams.get(param)!.length).toBeGreaterThanOrEqual(43);
		expect(start.headers.getSetCookie()[0]).toMatch(/^tw_oidc=[\w-]{43}; Path=\/api\/auth\/oidc; HttpOnly; SameSite=Lax; Max-Age=600/);

		const callback = await browser.follow(authorize.href, atCallback);
		const landed = await browser.get(callback.href);
		expect(landed.status).toBe(303);
		expect(landed.headers.get('location')).toBe('/cases');
		const user = await sessionOf(browser, server.base);
		expect(user).toMatchObject({ role: 'citizen', phone: '+97336000444', name: 'Fatima Ali' });
		expect(browser.cookies(server.base).has('tw_oidc')).toBe(false);
	});

	it('is one person with the SMS sign-in of the same verified phone', async () => {
		signingInAs = 'ekey-1001';
		const browser = new Browser();
		await browser.get((await toCallback(browser, server.base)).href);
		const byEkey = await sessionOf(browser, server.base);
		const bySms = await signInCitizen(server.base, '+97336000444');
		expect(bySms.user.user_id).toBe(byEkey.user_id);
	});

	it('does not link an unverified phone; the eKey subject keeps its own account', async () => {
		signingInAs = 'ekey-1002';
		const first = new Browser();
		await first.get((await toCallback(first, server.base)).href);
		const second = new Browser();
		await second.get((await toCallback(second, server.base)).href);
		const [a, b] = [await sessionOf(first, server.base), await sessionOf(second, server.base)];
		expect(a.user_id).toBe(b.user_id);
		expect(a.phone).toBeUndefined();
		expect((await signInCitizen(server.base, '+97336000555')).user.user_id).not.toBe(a.user_id);
	});

	it('refuses a callback with a state that is not the one it sent', async () => {
		signingInAs = 'ekey-1001';
		const browser = new Browser();
		const callback = await toCallback(browser, server.base);
		callback.searchParams.set('state', 'forged-state-value');
		const landed = await browser.get(callback.href);
		expect(landed.status).toBe(303);
		expect(landed.headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(await sessionOf(browser, server.base)).toBeNull();
	});

	it('refuses a callback without the browser cookie that started it', async () => {
		const browser = new Browser();
		const callback = await toCallback(browser, server.base);
		const stranger = new Browser();
		const landed = await stranger.get(callback.href);
		expect(landed.headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(await sessionOf(stranger, server.base)).toBeNull();
	});

	it('refuses a replayed authorization code, with the old cookie or a fresh transaction', async () => {
		signingInAs = 'ekey-1001';
		const browser = new Browser();
		const callback = await toCallback(browser, server.base);
		const oldCookie = browser.cookies(server.base).get('tw_oidc')!;
		await browser.get(callback.href);
		expect(await sessionOf(browser, server.base)).not.toBeNull();

		// The same callback again, cookie and all: the transaction was spent.
		const replay = new Browser();
		replay.cookies(server.base).set('tw_oidc', oldCookie);
		expect((await replay.get(callback.href)).headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(await sessionOf(replay, server.base)).toBeNull();

		// The old code under a new transaction's state: the provider refuses a code used once.
		const attacker = new Browser();
		const fresh = new URL((await attacker.get(`${server.base}/api/auth/oidc/start`)).headers.get('location')!);
		const spliced = new URL(callback.href);
		spliced.searchParams.set('state', fresh.searchParams.get('state')!);
		expect((await attacker.get(spliced.href)).headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(await sessionOf(attacker, server.base)).toBeNull();
	});

	it('refuses an expired ID token', async () => {
		signingInAs = 'ekey-1001';
		const control = new Browser();
		expect((await control.get((await toCallback(control, controlBase)).href)).headers.get('location')).toBe('/cases');
		expect(control.cookies(controlBase).has('tw_session')).toBe(true);
		const browser = new Browser();
		const callback = await toCallback(browser, skewedBase);
		const landed = await browser.get(callback.href);
		expect(landed.headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(browser.cookies(skewedBase).has('tw_session')).toBe(false);
	});

	it("refuses an ID token whose nonce is not this transaction's", async () => {
		const browser = new Browser();
		const callback = await toCallback(browser, server.base);
		const auth = server.store.use<any>('auth');
		const id = 'oidc_tx:' + createHash('sha256').update(browser.cookies(server.base).get('tw_oidc')!).digest('hex');
		const pending = await auth.get(id);
		await auth.insert({ ...pending, nonce: 'someone-elses-nonce-0000000000000000000000' });
		const landed = await browser.get(callback.href);
		expect(landed.headers.get('location')).toBe('/signin?error=oidc_failed');
		expect(await sessionOf(browser, server.base)).toBeNull();
	});

	it('never redirects outside the app after sign-in', async () => {
		for (const target of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
			const browser = new Browser();
			const landed = await browser.get((await toCallback(browser, server.base, target)).href);
			expect(landed.headers.get('location')).toBe('/');
		}
	});
});

describe('eKey at a kiosk, from the citizen’s own phone (issue 12)', () => {
	let coordinator: Session;
	const kiosks = kioskClient(
		() => server,
		() => coordinator
	);

	/** The kiosk's QR code opened on a phone that signs in with eKey on the way: the link's page
	 * is where the eKey sign-in comes back to, and the phone confirms from there. */
	async function confirmWithEkey(token: string, url: string): Promise<{ citizenId: string; check: number }> {
		const target = new URL(url);
		const phone = new Browser();
		const landed = await phone.get((await toCallback(phone, server.base, target.pathname + target.search)).href);
		expect(landed.headers.get('location')).toBe(target.pathname + target.search);
		const cookie = `tw_session=${phone.cookies(server.base).get('tw_session')}`;
		const confirmed = await kiosks.onPhone({ cookie, user: { user_id: '', role: 'citizen', databases: { pull: [] } } }, 'confirm', token);
		expect(confirmed.status).toBe(200);
		return { citizenId: (await sessionOf(phone, server.base)).user_id, check: (await confirmed.json()).check };
	}

	beforeAll(async () => {
		coordinator = await signInStaff(server.base, 'coordinator');
	});

	it('opens the kiosk for the eKey citizen, with the number eKey verified, and files in their name', async () => {
		signingInAs = 'ekey-1001';
		const kiosk = await kiosks.enrolledKiosk('Kiosk eKey');
		const link = await kiosks.showLink(kiosk);
		const { citizenId, check } = await confirmWithEkey(link.token, link.url);
		const opened = await kiosks.pickPhoneNumber(kiosk, link.token, check);
		expect(opened).toMatchObject({ status: 'confirmed', session: { identified: true, phone_end: '0444' } });
		const filed = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect(filed.status).toBe(202);
		const { case_key } = await filed.json();
		expect((await kiosks.receiptOf(kiosk, case_key)).body.receipt.sms).toBe(true);
		const citizen = await signInCitizen(server.base, '+97336000444');
		expect(citizen.user.user_id).toBe(citizenId);
		const mine = await waitFor(() => remote(server.base, userDb(citizenId), citizen).get(caseDocId(case_key)), 15_000, 'citizen replica');
		expect(mine).toMatchObject({ citizen_id: citizenId, kiosk: { name: 'Kiosk eKey' } });
	}, 60_000);

	it('opens it without SMS for an eKey citizen whose number is not verified', async () => {
		signingInAs = 'ekey-1002';
		const kiosk = await kiosks.enrolledKiosk('Kiosk eKey no phone');
		const link = await kiosks.showLink(kiosk);
		const { check } = await confirmWithEkey(link.token, link.url);
		expect(await kiosks.pickPhoneNumber(kiosk, link.token, check)).toMatchObject({ status: 'confirmed', session: { identified: true, phone_end: null } });
		const filed = await kiosk.call('POST', '/api/kiosk/cases', complaint);
		expect(filed.status).toBe(202);
		const { case_key } = await filed.json();
		expect((await kiosks.receiptOf(kiosk, case_key)).body.receipt.sms).toBe(false);
	}, 60_000);
});
