/** What the operator commands share: the same environment as the server (DATA_DIR or
 * COUCHDB_URL, checked by env.ts), quiet logs, and one way to fail with a message. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EnvError, parseEnv } from '../env.js';
import { log, setLogLevel } from '../log.js';
import { openStore, type Store } from '../store.js';

export class UsageError extends Error {}

export async function openCliStore(): Promise<Store> {
	const env = parseEnv(process.env);
	// The server's info lines would mix with a report on stdout.
	setLogLevel(process.env.LOG_LEVEL ? env.logLevel : 'warn');
	const store = await openStore(env);
	if (!(await store.ping())) {
		await store.close();
		throw new Error(store.embedded ? `the embedded store under ${env.dataDir} does not answer` : 'COUCHDB_URL does not answer');
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
		(error) => {
			if (error instanceof UsageError || error instanceof EnvError) process.stderr.write(`${error.message}\n`);
			else {
				process.stderr.write(`${(error as Error).message}\n`);
				log.debug('command failed', { stack: (error as Error).stack });
			}
			exit(1);
		}
	);
}
