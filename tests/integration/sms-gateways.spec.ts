/** The same journey through each SMS gateway (issue 4): a sign-in code, then a rating link in
 * the citizen's language after a reply, which opens the rating page. outbox stores, http posts
 * to a provider on loopback, smpp talks SMPP 3.4 to an SMSC the test runs on loopback. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmsc, type TestSmsc } from '../support/smpp-test-server.js';
import { cookieOf, followUp, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';
import { pullDoc, push } from './rating-helpers.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
type Inbox = (phone: string) => Promise<string[]>;

/** A provider's HTTP API on loopback: takes form posts, says OK, keeps them. */
async function startProvider() {
	const received: { to: string; text: string }[] = [];
	let failures = 0;
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			if (req.headers['x-api-key'] !== 'k-123') return res.writeHead(401).end();
			if (failures > 0) {
				failures--;
				return res.writeHead(503).end();
			}
			const fields = Object.fromEntries(new URLSearchParams(body));
			received.push({ to: fields.to, text: fields.msg });
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 'queued', id: `h${received.length}` }));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
		received,
		failNext: (n: number) => (failures = n),
		close: () => new Promise<void>((r) => server.close(() => r()))
	};
}

interface Setup {
	env: Record<string, string>;
	inbox: Inbox;
	close(): Promise<void>;
}

const gateways: [string, () => Promise<Setup>][] = [
	['outbox', async () => ({ env: {}, inbox: async () => [], close: async () => {} })],
	[
		'http',
		async () => {
			const provider = await startProvider();
			return {
				env: {
					SMS_GATEWAY: 'http',
					SMS_HTTP_URL: provider.url,
					SMS_HTTP_FORMAT: 'form',
					SMS_HTTP_HEADERS: '{"X-Api-Key":"k-123"}',
					SMS_HTTP_BODY: '{"to":"{to_digits}","msg":"{text}","ref":"{id}"}',
					SMS_HTTP_SUCCESS: 'json:result=queued',
					SMS_HTTP_ID_PATH: 'id'
				},
				inbox: async (phone) =>
					provider.received
						.filter((m) => `+${m.to}` === phone)
						.map((m) => m.text)
						.reverse(),
				close: provider.close
			};
		}
	],
	[
		'smpp',
		async () => {
			const smsc: TestSmsc = await startTestSmsc({ receipts: true });
			return {
				env: { SMS_GATEWAY: 'smpp', SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'tawasul', SMPP_PASSWORD: 'pw', SMPP_BIND: 'transceiver' },
				inbox: async (phone) =>
					smsc
						.messages()
						.filter((m) => `+${m.to}` === phone)
						.map((m) => m.text)
						.reverse(),
				close: smsc.close
			};
		}
	]
];

describe.each(gateways)('SMS_GATEWAY=%s', (name, setup) => {
	let gateway: Setup;
	let server: Server;
	let agent: Session;
	let inbox: Inbox;

	beforeAll(async () => {
		gateway = await setup();
		server = await startInProcess(gateway.env);
		agent = await signInStaff(server.base, 'agent.works');
		inbox =
			name === 'outbox'
				? async (phone) => ((await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}&limit=50`)).json()).messages as { text: string }[]).map((m) => m.text)
				: gateway.inbox;
	});
	afterAll(async () => {
		await server?.stop();
		await gateway?.close();
	});

	it('delivers a sign-in code, then a rating link in Arabic that opens the rating page', async () => {
		const phone = name === 'outbox' ? '+97336000401' : name === 'http' ? '+97336000402' : '+97336000403';
		const requested = await fetch(`${server.base}/api/auth/otp/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, locale: 'ar' }) });
		expect(requested.status).toBe(200);
		const codeText = await waitFor(async () => (await inbox(phone)).find((t) => /\d{6}/.test(t)), 10_000, 'sign-in code');
		expect(codeText).toContain('رمز الدخول');
		const verified = await fetch(`${server.base}/api/auth/otp/verify`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ phone, code: /(\d{6})/.exec(codeText)![1] })
		});
		expect(verified.status).toBe(200);
		const citizen: Session = { cookie: cookieOf(verified), user: (await verified.json()).user };

		const submit = submitAction({ locale: 'ar' });
		await push(server.base, citizen, [submit]);
		await pullDoc(server.base, agent, 'e_works', `case:${submit.case_key}`);
		await push(server.base, agent, [followUp(submit.case_key, 'reply', { body: 'أُصلحت الحفرة يوم الثلاثاء.' })]);
		const invite = await waitFor(async () => (await inbox(phone)).find((t) => t.includes('/r/')), 15_000, 'rating link');
		expect(invite).toContain('وزارة الأشغال');
		const token = /\/r\/([A-Za-z0-9_-]{43})/.exec(invite)![1];
		const page = await fetch(`${server.base}/r/${token}`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('<html lang="ar" dir="rtl">');
	});
});

describe('SMPP specifics through the server', () => {
	let smsc: TestSmsc;
	let server: Server;
	let agent: Session;
	beforeAll(async () => {
		smsc = await startTestSmsc({ receipts: true });
		server = await startInProcess({ SMS_GATEWAY: 'smpp', SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'tawasul', SMPP_BIND: 'transmitter' });
		agent = await signInStaff(server.base, 'agent.works');
	});
	afterAll(async () => {
		await server?.stop();
		await smsc?.close();
	});

	async function signIn(phone: string): Promise<Session> {
		const before = smsc.messages().length;
		await fetch(`${server.base}/api/auth/otp/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, locale: 'en' }) });
		const text = await waitFor(
			async () =>
				smsc
					.messages()
					.slice(before)
					.find((m) => `+${m.to}` === phone)?.text,
			10_000,
			'code'
		);
		const verified = await fetch(`${server.base}/api/auth/otp/verify`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ phone, code: /(\d{6})/.exec(text)![1] })
		});
		return { cookie: cookieOf(verified), user: (await verified.json()).user };
	}

	async function answer(citizen: Session) {
		const submit = submitAction({ locale: 'ar' });
		await push(server.base, citizen, [submit]);
		await pullDoc(server.base, agent, 'e_works', `case:${submit.case_key}`);
		const reply = followUp(submit.case_key, 'reply', { body: 'تم.' });
		await push(server.base, agent, [reply]);
		return reply._id;
	}

	it('records delivery receipts on the message, and honours STOP for everything but sign-in codes', async () => {
		const phone = '+97336000404';
		const citizen = await signIn(phone);
		const sms = server.store.use<Record<string, unknown>>('sms');
		const first = await answer(citizen);
		const delivered = await waitFor(
			async () => {
				const job = (await sms.get(`job:invite:${first}@${(await server.store.use<{ _rev: string }>('ratings').get(`invite:${first}`))._rev}`)) as Record<string, unknown>;
				return job.status === 'delivered' ? job : undefined;
			},
			15_000,
			'receipt'
		);
		expect(delivered.parts).toBe(3);
		expect((delivered.delivered as string[]).length).toBe(3);
		expect(smsc.binds).toEqual(expect.arrayContaining(['transmitter', 'receiver']));

		await smsc.sendMo(phone, 'STOP');
		await waitFor(async () => ((await sms.get(`optout:${phone}`).catch(() => null)) as { opted_out?: boolean } | null)?.opted_out || undefined, 5000, 'opt-out');
		const received = smsc.parts.length;
		const second = await answer(citizen);
		const suppressed = await waitFor(
			async () => {
				const invite = await server.store
					.use<{ _rev: string }>('ratings')
					.get(`invite:${second}`)
					.catch(() => null);
				if (!invite) return undefined;
				const job = (await sms.get(`job:invite:${second}@${invite._rev}`).catch(() => null)) as Record<string, unknown> | null;
				return job?.status === 'opted_out' ? job : undefined;
			},
			15_000,
			'opted-out job'
		);
		expect(suppressed.status).toBe('opted_out');
		expect(smsc.parts.length).toBe(received);
		// Sign-in codes still reach a number that said STOP: the person asked for them.
		await signIn(phone);
		expect(smsc.parts.length).toBe(received + 1);
	});
});

describe('HTTP provider webhooks', () => {
	const TOKEN = 'inbound-secret-0123456789abcdef';
	let provider: Awaited<ReturnType<typeof startProvider>>;
	let server: Server;
	beforeAll(async () => {
		provider = await startProvider();
		server = await startInProcess({
			SMS_GATEWAY: 'http',
			SMS_HTTP_URL: provider.url,
			SMS_HTTP_FORMAT: 'form',
			SMS_HTTP_HEADERS: '{"X-Api-Key":"k-123"}',
			SMS_HTTP_BODY: '{"to":"{to_digits}","msg":"{text}"}',
			SMS_HTTP_SUCCESS: 'json:result=queued',
			SMS_HTTP_ID_PATH: 'id',
			SMS_INBOUND_TOKEN: TOKEN
		});
	});
	afterAll(async () => {
		await server?.stop();
		await provider?.close();
	});

	const post = (path: string, body: Record<string, string>, token = TOKEN) =>
		fetch(`${server.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

	it('takes STOP and delivery receipts from the provider, and nothing without the token', async () => {
		const phone = '+97336000405';
		expect((await post('/api/sms/inbound', { from: '97336000405', text: 'STOP' }, 'wrong-token-0123456789abcdefgh')).status).toBe(401);
		const stop = await post('/api/sms/inbound', { from: '97336000405', text: 'STOP' });
		expect(await stop.json()).toEqual({ ok: true, keyword: 'stop' });
		expect(await server.store.use('sms').get(`optout:${phone}`)).toMatchObject({ opted_out: true });

		// A sign-in code still goes (the person asked for it); its receipt comes back by webhook.
		provider.failNext(1);
		await fetch(`${server.base}/api/auth/otp/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, locale: 'en' }) });
		// The provider's 503 made it a retry: it goes a couple of seconds later, once.
		await waitFor(async () => (provider.received.some((m) => m.to === '97336000405') ? true : undefined), 15_000, 'the code after a retry');
		const sent = provider.received.filter((m) => m.to === '97336000405');
		expect(sent).toHaveLength(1);
		const providerId = `h${provider.received.indexOf(sent[0]) + 1}`;
		expect((await post('/api/sms/receipt', { id: providerId, status: 'DELIVRD' })).status).toBe(200);
		const jobs = await server.store.use<{ to?: string; status?: string; provider_ids?: string[] }>('sms').list({ include_docs: true });
		const job = await waitFor(
			async () => {
				const rows = (await server.store.use<{ to?: string; status?: string; provider_ids?: string[] }>('sms').list({ include_docs: true })).rows;
				return rows.map((r) => r.doc!).find((d) => d.provider_ids?.includes(providerId) && d.status === 'delivered');
			},
			5000,
			'delivered'
		);
		expect(job.to).toBe(phone);
		expect(jobs.rows.length).toBeGreaterThan(0);
	});
});
