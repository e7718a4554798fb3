/** One process: the store (embedded unless COUCHDB_URL), seed data, the rules engine, and the
 * HTTP server with the PWA, the auth API and the sync gate. */
import http from 'node:http';
import type https from 'node:https';
import os from 'node:os';
import type express from 'express';
import type { AddressInfo } from 'node:net';
import { parseEnv, EnvError, type Env } from './env.js';
import { keyFromDataDir } from './auth/sealing.js';
import { log, setLogLevel } from './log.js';
import { openStore, type Store } from './store.js';
import { RULES, selectRules, type Rule } from './rules/index.js';
import { shownUrl, whenStoreReady } from './store-ready.js';
import { serverActionHandler } from './engine/server-actions.js';
import { RulesEngine } from './engine/engine.js';
import { startSmsSender, type SmsSender } from './sms/index.js';
import { invitationHandler } from './rating/invitations.js';
import { noticeHandler } from './sms/notices.js';
import { installPushDesign } from './push/jobs.js';
import { pushNoticeHandler } from './push/notices.js';
import { PushSender } from './push/sender.js';
import type { SideEffect } from './rules/types.js';
import { publishHandler } from './public/publish.js';
import { publicPages } from './public/routes.js';
import { seedStore } from './seed/seed.js';
import { demoPasswordsPath } from './seed/demo-passwords.js';
import { createApp } from './http/app.js';
import { installIntakeDesign } from './gate/gate.js';
import { ensureRequestViews } from './open311/requests.js';
import { ensureUpdateViews } from './open311/updates.js';
import { StatsAggregator, STATS_SWEEP_MS } from './stats/aggregator.js';
import { DigestScheduler } from './sla/digest.js';
import { ClusterFollower } from './clusters/follower.js';

export interface Running {
	env: Env;
	store: Store;
	engine: RulesEngine;
	sms: SmsSender;
	port: number;
	stop(): Promise<void>;
}

/** What a test gives the server besides its environment: the TLS agent that trusts its own push service. */
export interface StartOptions {
	pushAgent?: https.Agent;
}

export async function startServer(source: Record<string, string | undefined> = process.env, options: StartOptions = {}): Promise<Running> {
	const parsed = parseEnv(source);
	setLogLevel(parsed.logLevel);
	if (!parsed.secretsKey && parsed.couchdbUrl) {
		log.warn('SECRETS_KEY is not set: authenticator secrets are sealed with DATA_DIR/secrets.key; every instance sharing this CouchDB needs the same SECRETS_KEY');
	}
	const env: Env = { ...parsed, secretsKey: parsed.secretsKey ?? keyFromDataDir(parsed.dataDir) };
	const rules = selectRules(source.RULES ? source.RULES.split(',').map((s) => s.trim()) : null);
	const store = await openStore(env);
	// The port answers at once, while the store may still be coming up: /healthz says 503 and why,
	// everything else asks to come back later (see starting()).
	const waiting = { fault: null as string | null };
	let app: express.Express | null = null;
	const server = http.createServer((req, res) => {
		if (app) app(req, res);
		else starting(req, res, waiting.fault);
	});
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('listening', resolve);
			server.once('error', reject);
			server.listen(env.port, env.host);
		});
		const port = (server.address() as AddressInfo).port;
		log.info('listening; setting up the store', { url: `http://localhost:${port}`, store: store.embedded ? 'embedded' : shownUrl(store.url) });
		const services = await whenStoreReady(
			store,
			env.couchdbUrl,
			() => startServices(env, store, rules, source, port, options),
			(fault) => (waiting.fault = fault)
		);
		app = createApp({ env, store, gateway: services.sms.asGateway(), engine: services.engine, sms: services.sms, push: services.push, publicPages: services.publicPages });
		log.info('Tawasul is running', { url: `http://localhost:${port}`, store: store.embedded ? 'embedded' : 'couchdb' });
		if (services.accounts.length > 0 && env.logLevel !== 'silent') printDemoAccounts(services.accounts, port, demoPasswordsPath(env.dataDir));
		return {
			env,
			store,
			engine: services.engine,
			sms: services.sms,
			port,
			async stop() {
				await closeServer(server);
				await services.stop();
				await store.close();
			}
		};
	} catch (error) {
		await closeServer(server);
		await store.close();
		throw error;
	}
}

/** Everything that needs the store: each step is safe to run on every start and by several
 * instances at once (issue 10 finding 10), and safe to run again when the store went away midway. */
async function startServices(env: Env, store: Store, rules: readonly Rule[] | null, source: Record<string, string | undefined>, port: number, options: StartOptions) {
	const accounts = await seedStore(store, { demo: env.seedDemo, passwordsFile: demoPasswordsPath(env.dataDir) });
	await installIntakeDesign(store);
	// At start, not at the first Open311 read: CouchDB builds a view in the background once it
	// exists, so that read does not wait for an index over every case.
	await ensureRequestViews(store);
	await ensureUpdateViews(store);
	// Host and listening port: two running instances never share it, and a restart on a fixed port
	// gets its own lease back at once.
	const instanceId = source.ENGINE_INSTANCE || `${os.hostname()}:${port}:${env.dataDir}`;
	// Queued, claimed before sending, retried: sign-in codes, rating invitations and notices alike.
	const sms = await startSmsSender(env, store, { instanceId });
	// Web Push only with VAPID keys (issue 16): the same notices, as a nudge to installed apps.
	const push = await startPushSender(env, store, instanceId, options.pushAgent);
	// The dashboard's counters follow every case the engine saves (issue #5).
	const stats = new StatsAggregator(store);
	// The repeated-case clusters follow them the same way (issue 13).
	const clusters = new ClusterFollower(store, env.clusterWindowDays);
	// The public pages hold what they list for a short while; a publication here drops it at once.
	const pages = publicPages({ store, publicUrl: env.publicUrl, map: env.map });
	const engine = new RulesEngine(store, {
		rules: rules ?? RULES,
		sinks: [stats, clusters],
		batchSize: env.engineBatchSize,
		batchBytes: env.engine.batchBytes,
		leaseMs: env.engine.leaseMs,
		stallMs: env.engine.stallMs,
		instanceId,
		secretsKey: env.secretsKey,
		onEffects: allEffects([
			invitationHandler({ store, enqueue: (job) => sms.enqueue(job), publicUrl: env.publicUrl }),
			noticeHandler({ store, enqueue: (job) => sms.enqueue(job) }),
			...(push ? [pushNoticeHandler({ store, sender: push })] : []),
			publishHandler({
				store,
				onPublished: () => {
					pages.invalidate();
				}
			}),
			serverActionHandler(store)
		])
	});
	engine.start();
	stats.startSweeper(STATS_SWEEP_MS);
	// The managers' daily digest, once per manager and working day whichever instance makes it.
	const digests = new DigestScheduler({
		store,
		enqueue: (job) => sms.enqueue(job),
		publicUrl: env.publicUrl,
		workingDays: env.slaWarningWorkingDays,
		instanceId,
		msOfDay: env.digest.msOfDay,
		checkMs: env.digest.checkMs,
		leaseMs: env.engine.leaseMs
	});
	digests.start();
	return {
		accounts,
		engine,
		sms,
		push,
		publicPages: pages,
		async stop() {
			await digests.stop();
			await engine.stop();
			await stats.stop();
			await clusters.stop();
			await sms.stop();
			await push?.stop();
		}
	};
}

async function startPushSender(env: Env, store: Store, instanceId: string, agent?: https.Agent): Promise<PushSender | null> {
	if (!env.push.vapid) return null;
	await installPushDesign(store);
	const sender = new PushSender(store, { vapid: env.push.vapid, maxAttempts: env.push.maxAttempts, instanceId, agent });
	sender.start();
	return sender;
}

/** One onEffects for the engine: each handler takes the kinds it knows, one after another; a
 * handler that throws fails the batch, which the engine then replays. */
function allEffects(handlers: ((effects: SideEffect[]) => Promise<void>)[]): (effects: SideEffect[]) => Promise<void> {
	return async (effects) => {
		for (const handler of handlers) await handler(effects);
	};
}

/** The answer while the store is not yet set up: health says why, the rest asks to retry. */
function starting(req: http.IncomingMessage, res: http.ServerResponse, fault: string | null): void {
	res.setHeader('content-type', 'application/json');
	res.setHeader('cache-control', 'no-store');
	res.setHeader('retry-after', '5');
	res.statusCode = 503;
	if (req.url === '/healthz') {
		res.end(JSON.stringify({ ok: false, starting: true, store: fault ? 'down' : 'setting_up', problem: fault ?? 'setting up the store', engine: null }));
		return;
	}
	res.end(JSON.stringify({ error: { code: 'unavailable', message_key: 'errors.unavailable' } }));
}

function closeServer(server: http.Server): Promise<void> {
	return new Promise<void>((resolve) => {
		if (!server.listening) {
			resolve();
			return;
		}
		server.closeAllConnections();
		server.close(() => {
			resolve();
		});
	});
}

/** Development mode only (production has no demo accounts). Passwords are shown at the start
 * that made them; later starts point at the owner-only file that keeps them. */
function printDemoAccounts(accounts: Awaited<ReturnType<typeof seedStore>>, port: number, passwordsFile: string): void {
	const shown = accounts.some((a) => a.password);
	const password = (a: (typeof accounts)[number]) => (a.role === 'citizen' ? '(SMS code)' : (a.password ?? '(in the file)'));
	const rows = accounts.map((a) => `  ${a.role.padEnd(12)} ${a.login.padEnd(16)} ${password(a).padEnd(26)} ${a.entity_id ?? ''}`);
	process.stdout.write(
		[
			'',
			`Tawasul is ready in DEVELOPMENT mode: http://localhost:${port}  (NODE_ENV=production for a real service)`,
			`Demo accounts (sign-in codes on this machine only: http://localhost:${port}/api/dev/sms):`,
			`  ${'role'.padEnd(12)} ${'sign in with'.padEnd(16)} ${'password'.padEnd(26)} entity`,
			...rows,
			shown ? `These passwords are shown once; they are kept, readable by you only, in ${passwordsFile}` : `Passwords: ${passwordsFile}`,
			'',
			''
		].join('\n')
	);
}

const script = process.argv[1];
const isMain = script && import.meta.url.endsWith(script.slice(script.lastIndexOf('/') + 1));
if (isMain) {
	startServer().then(
		(running) => {
			const shutdown = () => {
				void running.stop().then(() => process.exit(0));
			};
			process.once('SIGINT', shutdown);
			process.once('SIGTERM', shutdown);
		},
		(error: unknown) => {
			if (error instanceof EnvError) process.stderr.write(`${error.message}\n`);
			else log.error('start-up failed', { error: error instanceof Error ? error.message : String(error) });
			process.exit(1);
		}
	);
}
