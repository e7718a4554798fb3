/** Waiting for the store at start-up: CouchDB may start after the server (a container
 * restart, a cluster coming up), so the server retries with backoff and says what it waits for.
 * Wrong credentials never get better by waiting: they stop start-up with one line naming
 * COUCHDB_URL, and the password never reaches a log or a message. */
import { EnvError } from './env.js';
import { log } from './log.js';
import type { Store } from './store.js';

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 10_000;

/** The store's address as it may be shown: no user name, no password. */
export function shownUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		return parsed.toString().replace(/\/$/, '');
	} catch {
		return '(unreadable URL)';
	}
}

/** Why the store did not answer, in words an operator can act on (never the URL itself). */
function faultOf(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	if (cause?.code === 'ECONNREFUSED') return 'connection refused (is CouchDB running?)';
	if (cause?.code === 'ENOTFOUND') return 'host not found';
	if (cause?.code) return cause.code;
	const status = (error as { statusCode?: number }).statusCode;
	if (status) return `answered ${status}`;
	// Anything may be thrown: a string, or nothing at all.
	return (error as { message?: string } | null | undefined)?.message ?? String(error);
}

/** The store's own trouble (restarting, overloaded), as opposed to a fault of the work. */
function transient(error: unknown): boolean {
	const status = (error as { statusCode?: number }).statusCode;
	return (status !== undefined && status >= 500) || Boolean((error as { cause?: { code?: string } }).cause?.code);
}

/** One look at the store: null when it answers with the given credentials, else the fault. */
async function probe(store: Store, couchdbUrl: string | null): Promise<string | null> {
	let response: Response;
	try {
		response = await store.fetch('/', { signal: AbortSignal.timeout(5_000) });
	} catch (error) {
		return faultOf(error);
	}
	await response.body?.cancel();
	if (response.status === 401 || response.status === 403) {
		const user = couchdbUrl ? decodeURIComponent(new URL(couchdbUrl).username) : '';
		throw new EnvError(
			'COUCHDB_URL',
			`the CouchDB at ${shownUrl(store.url)} refused ${user ? `the password of user "${user}"` : 'access without a user name'} (${response.status}); check the credentials in COUCHDB_URL`
		);
	}
	return response.ok ? null : `answered ${response.status}`;
}

/** Runs `work` once the store answers, and again (with backoff) when it fails because the store
 * went away meanwhile; anything else, and wrong credentials, stop start-up. */
export async function whenStoreReady<T>(store: Store, couchdbUrl: string | null, work: () => Promise<T>, report: (fault: string | null) => void = () => {}): Promise<T> {
	let wait = FIRST_WAIT_MS;
	for (;;) {
		const fault = await probe(store, couchdbUrl);
		if (!fault) {
			report(null);
			try {
				return await work();
			} catch (error) {
				if (error instanceof EnvError || (!transient(error) && (await probe(store, couchdbUrl)) === null)) throw error;
				log.warn('the store went away during start-up; starting again', { store: shownUrl(store.url), error: faultOf(error) });
			}
		} else {
			report(fault);
			log.warn('waiting for the store', { store: shownUrl(store.url), problem: fault, retry_in_ms: wait });
		}
		await new Promise((resolve) => setTimeout(resolve, wait));
		wait = Math.min(wait * 2, LONGEST_WAIT_MS);
	}
}
