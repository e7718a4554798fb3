/** What the operator commands share: the same environment as the server (DATA_DIR or
 * COUCHDB_URL, checked by env.ts), quiet logs, and one way to fail with a message. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EnvError, parseEnv } from '../env.js';
import { log, setLogLevel } from '../log.js';
import { openStore, type Store } from '../store.js';
import { DB } from '../../../src/lib/domain/doc-types.js';

export class UsageError extends Error {}

export async function openCliStore(): Promise<Store> {
	const env = parseEnv(process.env);
	// The server's info lines would mix with a report on stdout.
	setLogLevel(process.env.LOG_LEVEL ? env.logLevel : 'warn');
	const store = await openStore(env);
	try {
		// A request that opens the databases: the first place a second process meets the lock.
		await store.dbInfo(DB.CONFIG);
	} catch (error) {
		await store.close();
		// LevelDB admits one process per directory, and the server's embedded store holds it.
		if (store.embedded && /\block\b/i.test((error as Error).message)) {
			throw new UsageError(`${env.dataDir} is in use by a running server: stop it first, or set COUCHDB_URL to reach the store`, { cause: error });
		}
		throw new Error(`${store.embedded ? `the embedded store under ${env.dataDir}` : 'COUCHDB_URL'} does not answer: ${(error as Error).message}`, { cause: error });
	}
	return store;
}

export function args<T extends ParseArgsConfig['options']>(options: T, usage: string) {
	try {
		return parseArgs({ options, allowPositionals: true, strict: true });
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${usage}`);
	}
}

/** Runs a command: exit 0 when it returns true, 2 when false (done, with problems), 1 on error. */
export function run(main: () => Promise<boolean>): void {
	// Exit only once stdout has been flushed: a report piped into a file must arrive whole.
	const exit = (code: number) => process.stdout.write('', () => process.exit(code));
	main().then(
		(ok) => exit(ok ? 0 : 2),
		(error: unknown) => {
			if (error instanceof UsageError || error instanceof EnvError) process.stderr.write(`${error.message}\n`);
			else {
				process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
				log.debug('command failed', { stack: error instanceof Error ? error.stack : undefined });
			}
			exit(1);
		}
	);
}
