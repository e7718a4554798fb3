/** Issue 10, finding 9: two explicit modes. Production refuses each unsafe setting with a
 * one-line reason, has no demo accounts nor dev SMS page, holds outbox messages unsent, sends
 * HSTS, and gets its first coordinator from `npm run admin`. Development makes random demo
 * passwords kept in an owner-only file, and shows sign-in codes to this machine only. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPasswordsPath } from '../../sync-server/src/seed/demo-passwords.js';
import { cookieOf, demoPassword, laneStoreEnv, signInStaff, startChild, startInProcess, tempDir, waitFor } from '../integration/harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const ROOT = path.resolve(import.meta.dirname, '../..');

const PRODUCTION = {
	NODE_ENV: 'production',
	PUBLIC_URL: 'https://tawasul.example.bh',
	SECRETS_KEY: randomBytes(32).toString('base64'),
	SMS_GATEWAY: 'outbox'
};

async function call(base: string, method: string, route: string, options: { json?: unknown; cookie?: string; headers?: Record<string, string> } = {}) {
	const headers: Record<string, string> = { ...options.headers };
	if (options.json !== undefined) headers['content-type'] = 'application/json';
	if (options.cookie) headers.cookie = options.cookie;
	const response = await fetch(base + route, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null, response };
}

describe('production refuses unsafe settings at start, with a one-line reason', () => {
	const { SMS_GATEWAY: _gateway, ...withoutGateway } = PRODUCTION;
	const { SECRETS_KEY: _key, ...withoutKey } = PRODUCTION;
	it.each([
		['an http PUBLIC_URL off loopback', { ...PRODUCTION, PUBLIC_URL: 'http://tawasul.example.bh' }, 'PUBLIC_URL', /https/],
		['a missing SECRETS_KEY', withoutKey, 'SECRETS_KEY', /required in production/],
		['the outbox gateway by default', withoutGateway, 'SMS_GATEWAY', /required in production.*outbox/],
		['demo accounts', { ...PRODUCTION, SEED_DEMO: 'true' }, 'SEED_DEMO', /development only/]
	])('%s', async (_label, env, variable, reason) => {
		const error = await startInProcess(env).then(
			async (server) => {
				await server.stop();
				return null;
			},
			(e: Error) => e
		);
		expect(error, 'the server started').not.toBeNull();
		expect(error!.message).toMatch(new RegExp(`^Environment variable ${variable}: `));
		expect(error!.message).toMatch(reason);
		expect(error!.message).not.toContain('\n');
	});

	it('as a process, exits 1 with the reason on one line', async () => {
		const failed = await startChild({ ...PRODUCTION, PUBLIC_URL: 'http://tawasul.example.bh', DATA_DIR: tempDir() }).then(
			async (child) => {
				await child.kill();
				return '';
			},
			(e: Error) => e.message
		);
		expect(failed).toMatch(/^server exited 1: Environment variable PUBLIC_URL: must be an https URL in production[^\n]*\n?$/);
	});
});

describe('production', () => {
	let server: Server;
	let printed = '';
	const dataDir = tempDir();

	beforeAll(async () => {
		// The first coordinator, made from the command line with the server's own settings.
		printed = await new Promise<string>((resolve, reject) => {
			const child = spawn('npm', ['run', '--silent', 'admin', '--', 'create-coordinator', '--username', 'chief.coordinator', '--name', 'Chief Coordinator'], {
				cwd: ROOT,
				env: { ...process.env, ...PRODUCTION, DATA_DIR: dataDir, ...laneStoreEnv(dataDir), LOG_LEVEL: 'warn' },
				stdio: ['ignore', 'pipe', 'pipe']
			});
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`admin exited ${code}: ${out}`))));
		});
		server = await startInProcess({ ...PRODUCTION, DATA_DIR: dataDir });
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	it('has no demo accounts, no passwords file and no dev SMS page', async () => {
		expect((await call(server.base, 'POST', '/api/auth/login', { json: { username: 'agent.works', password: 'Tawasul-demo-2026' } })).status).toBe(401);
		expect(fs.existsSync(demoPasswordsPath(dataDir))).toBe(false);
		expect((await call(server.base, 'GET', '/api/dev/sms')).status).toBe(404);
		expect((await call(server.base, 'GET', '/api/mode')).body).toEqual({ mode: 'production' });
	});

	it('sends HSTS, its PUBLIC_URL being https', async () => {
		const reply = await call(server.base, 'GET', '/healthz');
		expect(reply.response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
	});

	it('holds messages of an explicitly chosen outbox: never sent', async () => {
		expect((await call(server.base, 'POST', '/api/auth/otp/request', { json: { phone: '+97336000888' } })).status).toBe(200);
		const jobs = await waitFor(async () => {
			const list = await server.store.use<{ type: string; status: string; purpose?: string }>('sms').list({ include_docs: true });
			const docs = list.rows.map((row) => row.doc!).filter((doc) => doc.type === 'sms_job' || doc.type === 'sms');
			return docs.some((doc) => doc.type === 'sms_job' && doc.status !== 'queued' && doc.status !== 'sending') ? docs : undefined;
		});
		expect(jobs.length).toBeGreaterThan(0);
		for (const doc of jobs) expect(doc.status).toBe('held');
	});

	it('lets the coordinator from npm run admin sign in with the printed password, enrol, and then only change it', async () => {
		const password = /One-time password: (\S+)/.exec(printed)?.[1];
		expect(password, printed).toBeTruthy();
		const session = await signInStaff(server.base, 'chief.coordinator', password);
		expect(session.user).toMatchObject({ role: 'coordinator', must_change_password: true });
		const blocked = await call(server.base, 'GET', '/api/admin/settings', { cookie: session.cookie });
		expect(blocked).toMatchObject({ status: 403, body: { error: { code: 'password_change_required', message_key: 'errors.password_change_required' } } });
		const changed = await call(server.base, 'POST', '/api/auth/password', { cookie: session.cookie, json: { current_password: password, new_password: 'a long new passphrase of my own' } });
		expect(changed.status).toBe(200);
		expect(changed.body.user.must_change_password).toBeUndefined();
		const cookie = cookieOf(changed.response);
		expect((await call(server.base, 'GET', '/api/admin/settings', { cookie })).status).toBe(200);
		// The one-time password is spent.
		expect((await call(server.base, 'POST', '/api/auth/login', { json: { username: 'chief.coordinator', password } })).status).toBe(401);
	});
});

/** A non-loopback address of this machine, to reach the server from "outside" for real. */
const outside = Object.values(os.networkInterfaces())
	.flat()
	.find((a) => a && !a.internal && a.family === 'IPv4')?.address;

describe('development', () => {
	let server: Server;

	beforeAll(async () => {
		server = await startInProcess({ HOST: outside ? '0.0.0.0' : '127.0.0.1', PUBLIC_URL: 'https://dev.tawasul.example.bh' });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('keeps random demo passwords in an owner-only file; the published one opens nothing', async () => {
		const file = demoPasswordsPath(server.env.dataDir);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		const password = demoPassword(server, 'agent.works');
		expect(password).not.toBe('Tawasul-demo-2026');
		expect((await call(server.base, 'POST', '/api/auth/login', { json: { username: 'agent.works', password: 'Tawasul-demo-2026' } })).status).toBe(401);
		expect((await call(server.base, 'POST', '/api/auth/login', { json: { username: 'agent.works', password } })).status).toBe(200);
		expect((await call(server.base, 'GET', '/api/mode')).body).toEqual({ mode: 'development' });
	});

	it('shows the dev SMS page to loopback clients only', async () => {
		expect((await call(server.base, 'GET', '/api/dev/sms')).status).toBe(200);
		// Through a reverse proxy on this machine, the client it names is who asks.
		const proxied = await call(server.base, 'GET', '/api/dev/sms', { headers: { 'x-forwarded-for': '203.0.113.9' } });
		expect(proxied).toMatchObject({ status: 403, body: { error: { code: 'dev_loopback_only', message_key: 'errors.dev_loopback_only' } } });
	});

	it.skipIf(!outside)('refuses the dev SMS page to a client on another address, whatever it claims', async () => {
		const direct = `http://${outside}:${server.port}`;
		expect((await call(direct, 'GET', '/api/dev/sms')).status).toBe(403);
		expect((await call(direct, 'GET', '/api/dev/sms', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(403);
	});

	it('sends HSTS when PUBLIC_URL is https, and not otherwise', async () => {
		expect((await call(server.base, 'GET', '/healthz')).response.headers.get('strict-transport-security')).toBe('max-age=31536000');
		const plain = await startInProcess();
		try {
			expect((await call(plain.base, 'GET', '/healthz')).response.headers.get('strict-transport-security')).toBeNull();
		} finally {
			await plain.stop();
		}
	});
});
