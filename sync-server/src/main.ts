/** One process: the store (embedded unless COUCHDB_URL), seed data, the rules engine, and the
 * HTTP server with the PWA, the auth API and the sync gate. */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { parseEnv, EnvError, type Env } from './env.js';
import { keyFromDataDir } from './auth/sealing.js';
import { log, setLogLevel } from './log.js';
import { openStore, type Store } from './store.js';
import { RULES, selectRules } from './rules/index.js';
import { RulesEngine } from './engine/engine.js';
import { startSmsSender, type SmsSender } from './sms/index.js';
import { invitationHandler } from './rating/invitations.js';
import { seedStore } from './seed/seed.js';
import { createApp } from './http/app.js';
import { installIntakeDesign } from './gate/gate.js';
import { StatsAggregator, STATS_SWEEP_MS } from './stats/aggregator.js';

export interface Running {
	env: Env;
	store: Store;
	engine: RulesEngine;
	sms: SmsSender;
	port: number;
	stop(): Promise<void>;
}

export async function startServer(source: Record<string, string | undefined> = process.env): Promise<Running> {
	const parsed = parseEnv(source);
	setLogLevel(parsed.logLevel);
	if (!parsed.secretsKey && parsed.couchdbUrl) {
		log.warn('SECRETS_KEY is not set: authenticator secrets are sealed with DATA_DIR/secrets.key; every instance sharing this CouchDB needs the same SECRETS_KEY');
	}
	const env: Env = { ...parsed, secretsKey: parsed.secretsKey ?? keyFromDataDir(parsed.dataDir) };
	const rules = selectRules(source.RULES ? source.RULES.split(',').map((s) => s.trim()) : null);
	const store = await openStore(env);
	const accounts = await seedStore(store, { demo: env.seedDemo });
	await installIntakeDesign(store);
	const instanceId = source.ENGINE_INSTANCE || `${os.hostname()}:${env.port}:${env.dataDir}`;
	// Queued, claimed before sending, retried: sign-in codes and rating invitations alike.
	const sms = await startSmsSender(env, store, { instanceId });
	const gateway = sms.asGateway();
	// The dashboard's counters follow every case the engine saves (issue #5).
	const stats = new StatsAggregator(store);
	const engine = new RulesEngine(store, {
		rules: rules ?? RULES,
		sinks: [stats],
		batchSize: env.engineBatchSize,
		instanceId,
		secretsKey: env.secretsKey,
		onEffects: invitationHandler({ store, enqueue: (job) => sms.enqueue(job), publicUrl: env.publicUrl })
	});
	engine.start();
	stats.startSweeper(STATS_SWEEP_MS);
	const app = createApp({ env, store, gateway, engine, sms });
	const server = app.listen(env.port, env.host);
	await new Promise<void>((resolve, reject) => {
		server.once('listening', resolve);
		server.once('error', reject);
	});
	const port = (server.address() as AddressInfo).port;
	log.info('Tawasul is running', { url: `http://localhost:${port}`, store: store.embedded ? 'embedded' : 'couchdb' });
	if (accounts.length > 0 && env.logLevel !== 'silent') printDemoAccounts(accounts, port);
	return {
		env,
		store,
		engine,
		sms,
		port,
		async stop() {
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			});
			await engine.stop();
			await stats.stop();
			await sms.stop();
			await store.close();
		}
	};
}

function printDemoAccounts(accounts: Awaited<ReturnType<typeof seedStore>>, port: number): void {
	const rows = accounts.map((a) => `  ${a.role.padEnd(12)} ${a.login.padEnd(16)} ${(a.password ?? '(SMS code)').padEnd(20)} ${a.entity_id ?? ''}`);
	process.stdout.write(
		[
			'',
			`Tawasul is ready: http://localhost:${port}`,
			`Demo accounts (development SMS outbox with sign-in codes: http://localhost:${port}/api/dev/sms):`,
			`  ${'role'.padEnd(12)} ${'sign in with'.padEnd(16)} ${'password'.padEnd(20)} entity`,
			...rows,
			'',
			''
		].join('\n')
	);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
	startServer().then(
		(running) => {
			const shutdown = () => running.stop().then(() => process.exit(0));
			process.once('SIGINT', shutdown);
			process.once('SIGTERM', shutdown);
		},
		(error) => {
			if (error instanceof EnvError) process.stderr.write(`${error.message}\n`);
			else log.error('start-up failed', { error: (error as Error).message });
			process.exit(1);
		}
	);
}
