/** Starts the real sync-server on a free loopback port, in this process or as a child process
 * (for kill -9), and signs people in the way a device does. The store follows the lane: the
 * embedded store by default; with TAWASUL_TEST_COUCHDB (scripts/couchdb-lane.mjs sets it) a real
 * Apache CouchDB, where each DATA_DIR gets its own database prefix, so servers of parallel test
 * files never meet, and a server restarted on the same DATA_DIR finds its data again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { startServer, type Running, type StartOptions } from '../../sync-server/src/main.js';
import { openStore, type Store } from '../../sync-server/src/store.js';
import { base32Decode, hotp, stepAt } from '../../sync-server/src/auth/totp.js';
import { demoPasswordsPath, readDemoPasswords } from '../../sync-server/src/seed/demo-passwords.js';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb');
const ROOT = path.resolve(import.meta.dirname, '../..');

export function tempDir(prefix = 'tawasul-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const QUIET = {
	LOG_LEVEL: 'silent',
	PORT: '0',
	HOST: '127.0.0.1',
	STATIC_DIR: '/nonexistent',
	// Tests and benchmarks push bursts from one person; tests/security/quota.spec.ts sets its own.
	QUOTA_CASES_PER_HOUR: '1000000',
	QUOTA_CASES_PER_DAY: '1000000'
};

/** The real CouchDB of this lane, or null on the embedded lane. */
export const LANE_COUCHDB = process.env.TAWASUL_TEST_COUCHDB || null;
export const LANE = LANE_COUCHDB ? 'couchdb' : 'embedded';

/** The store settings of a server whose DATA_DIR is `dataDir`, on this lane. */
export function laneStoreEnv(dataDir: string): Record<string, string> {
	if (!LANE_COUCHDB) return {};
	const prefix = `t${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}_`;
	return { COUCHDB_URL: LANE_COUCHDB, COUCHDB_DB_PREFIX: prefix };
}

/** What makes another server use the same store as `running` (several instances, one store). */
export function storeEnvOf(running: Pick<Running, 'store'>): Record<string, string> {
	return { COUCHDB_URL: running.store.url, ...(running.store.prefix ? { COUCHDB_DB_PREFIX: running.store.prefix } : {}) };
}

/** The environment a test server starts with: quiet, a fresh DATA_DIR unless given, the lane's store. */
function serverEnv(env: Record<string, string>): Record<string, string> {
	const dataDir = env.DATA_DIR ?? tempDir();
	// A test that names its own store (COUCHDB_URL) keeps it.
	return { ...QUIET, DATA_DIR: dataDir, ...(env.COUCHDB_URL ? {} : laneStoreEnv(dataDir)), ...env };
}

/** Each started server's DATA_DIR by its base URL, where its demo passwords are kept. */
const dataDirs = new Map<string, string>();

export async function startInProcess(env: Record<string, string> = {}, options: StartOptions = {}): Promise<Running & { base: string }> {
	const running = await startServer(serverEnv(env), options);
	const base = `http://127.0.0.1:${running.port}`;
	dataDirs.set(base, running.env.dataDir);
	return { ...running, base };
}

/** The password a development server generated for one of its demo accounts, read from the
 * owner-only file in its DATA_DIR, as the person who started it would. */
export function demoPassword(server: { base: string } | string, username: string): string {
	const base = typeof server === 'string' ? server : server.base;
	const dataDir = dataDirs.get(base);
	if (!dataDir) throw new Error(`no server started by this harness at ${base}`);
	const password = readDemoPasswords(demoPasswordsPath(dataDir))[username];
	if (!password) throw new Error(`no demo password for ${username} in ${dataDir}`);
	return password;
}

/** A store of this lane for a test that drives the engine or the statistics without a server. */
export async function openLaneStore(dataDir = tempDir()): Promise<Store> {
	const env = laneStoreEnv(dataDir);
	return openStore({ couchdbUrl: env.COUCHDB_URL ?? null, couchdbDbPrefix: env.COUCHDB_DB_PREFIX, dataDir });
}

export interface Child {
	base: string;
	process: ChildProcess;
	kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `npm start`'s server as its own process, so a test can kill it with SIGKILL. */
export async function startChild(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<Child> {
	const childEnv = serverEnv(env);
	const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
		cwd: ROOT,
		env: { ...process.env, ...childEnv, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const base = await new Promise<string>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), options.readyTimeoutMs ?? 30_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /"msg":"Tawasul is running","url":"http:\/\/localhost:(\d+)"/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve(`http://127.0.0.1:${match[1]}`);
			}
		});
		child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
	});
	dataDirs.set(base, path.resolve(ROOT, childEnv.DATA_DIR));
	return {
		base,
		process: child,
		kill: (signal = 'SIGTERM') =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill(signal);
			})
	};
}

export interface Session {
	cookie: string;
	user: { user_id: string; role: string; entity_id?: string; databases: { pull: string[] } };
}

/** The session cookie pair a browser would send back (a response may also clear the tw_mfa cookie). */
export function cookieOf(response: Response, name = 'tw_session'): string {
	const all = response.headers.getSetCookie();
	return (all.find((c) => c.startsWith(`${name}=`)) ?? all[0] ?? '').split(';')[0];
}

/** The sign-in code of the newest message that holds one (messages newest first): six digits on
 * their own, so a reference number such as 26-000123-7 in a notice that came in between is not
 * taken for a code. */
export function newestSignInCode(messages: { text: string }[]): string | undefined {
	for (const { text } of messages) {
		const match = /(?<![\d-])(\d{6})(?![\d-])/.exec(text);
		if (match) return match[1];
	}
	return undefined;
}

export async function signInCitizen(base: string, phone: string): Promise<Session> {
	const requested = await fetch(`${base}/api/auth/otp/request`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ phone, locale: 'en' })
	});
	if (!requested.ok) throw new Error(`otp request ${requested.status} ${await requested.text()}`);
	const outbox = await (await fetch(`${base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json();
	const code = newestSignInCode(outbox.messages ?? outbox);
	if (!code) throw new Error(`no sign-in code in the SMS outbox for ${phone}`);
	const verified = await fetch(`${base}/api/auth/otp/verify`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ phone, code })
	});
	if (!verified.ok) throw new Error(`otp verify ${verified.status} ${await verified.text()}`);
	return { cookie: cookieOf(verified), user: (await verified.json()).user };
}

/** Authenticator secrets of the staff this test process enrolled, per server, and the last time
 * step each used (a step works once, so a second sign-in within 30 s takes the next one). */
const authenticators = new Map<string, { key: Buffer; lastStep: number }>();
const authenticatorKey = (base: string, username: string) => `${base}|${username.toLowerCase()}`;

export function rememberAuthenticator(base: string, username: string, secret: string): void {
	authenticators.set(authenticatorKey(base, username), { key: base32Decode(secret)!, lastStep: 0 });
}

/** The next unused TOTP code of an enrolled person, as their authenticator app would show it. */
export async function totpCode(base: string, username: string): Promise<string> {
	const entry = authenticators.get(authenticatorKey(base, username));
	if (!entry) throw new Error(`no authenticator enrolled for ${username} in this test`);
	const step = Math.max(stepAt(Date.now()), entry.lastStep + 1);
	// The server accepts one step ahead at most: past that, wait for the clock to catch up.
	while (step > stepAt(Date.now()) + 1) await new Promise((r) => setTimeout(r, 500));
	entry.lastStep = step;
	return hotp(entry.key, step);
}

/** The step of the last code `totpCode` gave this person: the one the server saw used. */
export function lastTotpStep(base: string, username: string): number {
	const entry = authenticators.get(authenticatorKey(base, username));
	if (!entry) throw new Error(`no authenticator enrolled for ${username} in this test`);
	return entry.lastStep;
}

async function postJson(base: string, path: string, body: unknown, cookie: string): Promise<Response> {
	return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
}

/** Staff sign-in as the PWA does it, second factor included: a coordinator is enrolled with a
 * fresh authenticator on first sign-in, and anyone enrolled answers with the next code. Without
 * a password, the demo account's own (demoPassword). */
export async function signInStaff(base: string, username: string, password?: string): Promise<Session> {
	password ??= demoPassword(base, username);
	const response = await fetch(`${base}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	if (!response.ok) throw new Error(`login ${response.status} ${await response.text()}`);
	const body = await response.json();
	if (!body.mfa_required) return { cookie: cookieOf(response), user: body.user };
	const pending = cookieOf(response, 'tw_mfa');
	let finished: Response;
	if (body.enrolment_required) {
		const enrol = await postJson(base, '/api/auth/totp/enrol', {}, pending);
		if (!enrol.ok) throw new Error(`totp enrol ${enrol.status} ${await enrol.text()}`);
		rememberAuthenticator(base, username, (await enrol.json()).secret);
		finished = await postJson(base, '/api/auth/totp/confirm', { code: await totpCode(base, username) }, pending);
	} else {
		finished = await postJson(base, '/api/auth/totp', { code: await totpCode(base, username) }, pending);
	}
	if (!finished.ok) throw new Error(`second factor ${finished.status} ${await finished.text()}`);
	return { cookie: cookieOf(finished), user: (await finished.json()).user };
}

const staffSessions = new Map<string, Promise<Session>>();

/** One signed-in session per person and server, for tests that only call the API as them: each
 * staff sign-in spends a fresh authenticator step (a code is good once), so a test that signed a
 * coordinator in for every call would wait about 30 s per call past the second. */
export function staffSession(base: string, username: string): Promise<Session> {
	const key = authenticatorKey(base, username);
	let session = staffSessions.get(key);
	if (!session) {
		session = signInStaff(base, username);
		staffSessions.set(key, session);
		session.catch(() => staffSessions.delete(key));
	}
	return session;
}

/** A kill -9 of a server in the middle of a burst: started as its own process on `env`, a citizen
 * (`phone`) pushes `burst` submissions from a device outbox named `outbox`; once the engine has
 * processed `killAfter` of them the server is killed with SIGKILL, the push still running; then
 * it starts again on the same data and the outbox is pushed once more. `started` is told of each
 * server started, so that the test can kill whichever is left; `processedAtKill` is the engine's
 * count when it died. */
export async function crashMidBurst(options: {
	env: Record<string, string>;
	phone: string;
	outbox: string;
	burst: number;
	killAfter: number;
	started: (child: Child) => void;
}): Promise<{ child: Child; citizen: Session; docs: ReturnType<typeof submitAction>[]; processedAtKill: number }> {
	const first = await startChild(options.env);
	options.started(first);
	const citizen = await signInCitizen(first.base, options.phone);
	const outbox = local(options.outbox);
	const docs = Array.from({ length: options.burst }, () => submitAction());
	await outbox.bulkDocs(docs);
	// The push is still running when the server dies: a dropped connection mid-upload too.
	const pushing = outbox.replicate.to(remote(first.base, 'intake', citizen)).catch(() => null);
	const processedAtKill = await waitFor(
		async () => {
			const health = await (await fetch(`${first.base}/healthz`)).json();
			return health.engine.processed >= options.killAfter ? health.engine.processed : undefined;
		},
		30_000,
		'engine progress'
	);
	await first.kill('SIGKILL');
	await pushing;
	const child = await startChild(options.env);
	options.started(child);
	await outbox.replicate.to(remote(child.base, 'intake', citizen));
	return { child, citizen, docs, processedAtKill };
}

/** The demo people the SLA and similar-cases tests read as: the minister, the works manager and
 * agent, an agent of health, and a citizen signed in with `phone`. */
export async function signInCast(base: string, phone: string) {
	const [minister, manager, agent, healthAgent, citizen] = await Promise.all([
		signInStaff(base, 'minister'),
		signInStaff(base, 'manager.works'),
		signInStaff(base, 'agent.works'),
		signInStaff(base, 'agent.health'),
		signInCitizen(base, phone)
	]);
	return { minister, manager, agent, healthAgent, citizen };
}

/** A PouchDB pointed at the gate with this session's cookie, as the PWA does. */
export function remote(base: string, db: string, session: Session | null) {
	return new PouchDB(`${base}/db/${db}`, {
		skip_setup: true,
		fetch: (url: string, opts: RequestInit & { headers: Headers }) => {
			if (session) opts.headers.set('Cookie', session.cookie);
			return PouchDB.fetch(url, opts);
		}
	});
}

/** A device's local database (LevelDB in a temporary folder). */
export function local(name: string) {
	return new PouchDB(path.join(tempDir('tawasul-device-'), name));
}

export function submitAction(fields: Record<string, unknown> = {}) {
	const caseKey = randomUUID();
	return {
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind: 'submit',
		case_key: caseKey,
		client_time: new Date().toISOString(),
		device_id: 'test-device',
		case_type: 'complaint',
		category_id: 'works-potholes',
		subject: 'Pothole on Road 42',
		body: 'A deep pothole near the school gate has damaged several cars this week.',
		locale: 'en',
		location: { lat: 26.2235, lng: 50.5876 },
		...fields
	};
}

let lastClientTime = 0;
/** A device's clock as actions see it: strictly increasing, as one device's actions are. */
function clientTime(): string {
	lastClientTime = Math.max(Date.now(), lastClientTime + 1);
	return new Date(lastClientTime).toISOString();
}

export function followUp(caseKey: string, kind: string, fields: Record<string, unknown> = {}) {
	return {
		_id: `act:${randomUUID()}`,
		type: 'action',
		kind,
		case_key: caseKey,
		client_time: clientTime(),
		device_id: 'test-device',
		...fields
	};
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, label = 'condition'): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await check().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Waits until the engine has worked through everything in intake (its effects run before its
 * checkpoint moves), then for the SMS sender to have sent what was queued. */
export async function settled(server: Pick<Running, 'store'> & { base: string }): Promise<void> {
	const position = (seq: string | number) => Number(String(seq).split('-')[0]);
	await waitFor(
		async () => {
			const health = await (await fetch(`${server.base}/healthz`)).json();
			const info = await server.store.dbInfo('intake');
			return info && health.engine && position(health.engine.last_seq) === position(info.update_seq) ? true : undefined;
		},
		30_000,
		'the engine caught up'
	);
	await waitFor(
		async () => {
			const jobs = await server.store.use<{ status: string }>('sms').list({ include_docs: true, startkey: 'job:', endkey: 'job:\uffff' });
			return jobs.rows.every((r) => !['queued', 'sending'].includes(r.doc!.status)) || undefined;
		},
		30_000,
		'the SMS queue drained'
	);
}

/** Stops the server, makes its engine forget how far it read intake, and starts it again: the
 * engine then replays its whole feed, as a restart after a crash would. */
export async function restartReplaying(server: Running & { base: string }, dataDir: string, env: Record<string, string>, options: StartOptions = {}): Promise<Running & { base: string }> {
	await server.stop();
	const store = await openLaneStore(dataDir);
	const engine = store.use('engine');
	const checkpoint = await engine.get('checkpoint:intake');
	await engine.destroy(checkpoint._id, checkpoint._rev!);
	await store.close();
	const restarted = await startInProcess(env, options);
	await settled(restarted);
	return restarted;
}
