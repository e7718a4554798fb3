/** The CouchDB the server talks to: Apache CouchDB when COUCHDB_URL is set, otherwise an
 * embedded express-pouchdb over LevelDB under DATA_DIR, in a worker thread (store-worker.mjs).
 * Either way the server speaks the CouchDB HTTP API: through nano (`use`, `ensureDb`, `dropDb`,
 * `dbInfo`, `ping`) or through `fetch`, a raw request for streams, long polls and bulk requests.
 * The one exception is the embedded store's `/_tawasul_projections`, one request writing the
 * engine's projections to many databases (engine/writer.ts); on Apache CouchDB the same writes
 * are one `_bulk_docs` per database, so a CouchDB 3 cluster works unchanged. */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import nano from 'nano';
import type { Env } from './env.js';
import { log } from './log.js';
import { isPersonOrEntityDb, shardPolicy, type Shards } from './store-shards.js';

export interface Store {
	/** Base URL with credentials; never log it. */
	readonly url: string;
	readonly embedded: boolean;
	/** COUCHDB_DB_PREFIX: put before every database name the server uses; '' for none. */
	readonly prefix: string;
	/** A database by the name the server knows it by (the prefix is added here). */
	use<T extends object = Record<string, unknown>>(name: string): nano.DocumentScope<T>;
	/** A raw request to the store (streams, long polls, bulk reads and writes), credentials sent as a header.
	 * `path` starts with `/<database>/…` (the prefix is added to that first segment) or with
	 * `/_…` for server endpoints, which are left as they are. */
	fetch(path: string, init?: RequestInit): Promise<Response>;
	/** Creates the database when missing (idempotent; remembered for this process). */
	ensureDb(name: string): Promise<void>;
	/** Deletes a database when present: `stats_facts` and `clusters` before a full rebuild refills them. */
	dropDb(name: string): Promise<void>;
	/** `GET /<database>`: its update_seq and document count; null when it does not exist. */
	dbInfo(name: string): Promise<{ update_seq: string | number; doc_count: number } | null>;
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

export async function openStore(env: Pick<Env, 'couchdbUrl' | 'dataDir'> & Partial<Pick<Env, 'couchdbQ' | 'couchdbN' | 'couchdbDbPrefix'>>): Promise<Store> {
	if (env.couchdbUrl) {
		return wrap(env.couchdbUrl, false, env.couchdbDbPrefix ?? '', async () => {}, { q: env.couchdbQ ?? null, n: env.couchdbN ?? null });
	}
	const embedded = await startEmbedded(env.dataDir);
	return wrap(embedded.url, true, '', embedded.close, null);
}

/** `/<database>/rest` with the prefix before the database; server endpoints (`/_…`) unchanged. */
function prefixedPath(prefix: string, path: string): string {
	if (!prefix || !/^\/[^_/?]/.test(path)) return path;
	return `/${prefix}${path.slice(1)}`;
}

function wrap(url: string, embedded: boolean, prefix: string, closeServer: () => Promise<void>, shards: Shards | null): Store {
	const couch = nano({ url });
	const createQuery = shards
		? shardPolicy(shards, async () => ((await couch.request({ path: '_membership' })) as { cluster_nodes: string[] }).cluster_nodes.length)
		: (name: string) => Promise.resolve(isPersonOrEntityDb(name) ? { q: 1 } : {});
	const known = new Set<string>();
	const parsed = new URL(url);
	const authorization = parsed.username ? 'Basic ' + Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64') : null;
	parsed.username = '';
	parsed.password = '';
	const base = parsed.toString().replace(/\/$/, '');
	return {
		url,
		embedded,
		prefix,
		use: <T extends object>(name: string) => couch.use<T>(prefix + name),
		fetch(path, init = {}) {
			const headers = new Headers(init.headers);
			if (authorization) headers.set('authorization', authorization);
			return fetch(base + prefixedPath(prefix, path), { ...init, headers });
		},
		async ensureDb(name) {
			if (known.has(name)) return;
			try {
				// Shards and replicas by kind of database: store-shards.ts.
				await couch.request({ method: 'PUT', db: prefix + name, qs: await createQuery(name) });
			} catch (error) {
				// 412: it exists; 409 or a 5xx from a cluster: another instance is creating it right now.
				const status = (error as { statusCode?: number }).statusCode;
				if (status !== 412 && !(await exists(couch, prefix + name, status))) throw error;
			}
			known.add(name);
		},
		async dropDb(name) {
			known.delete(name);
			try {
				await couch.db.destroy(prefix + name);
			} catch (error) {
				if ((error as { statusCode?: number }).statusCode !== 404) throw error;
			}
		},
		async dbInfo(name) {
			try {
				const info = (await couch.db.get(prefix + name)) as { update_seq: string | number; doc_count: number };
				return { update_seq: info.update_seq, doc_count: info.doc_count };
			} catch (error) {
				if ((error as { statusCode?: number }).statusCode === 404) return null;
				throw error;
			}
		},
		async ping() {
			try {
				await couch.info();
				return true;
			} catch {
				return false;
			}
		},
		close: closeServer
	};
}

/** After a failed create: the database is there when a racing instance made it. */
async function exists(couch: nano.ServerScope, name: string, status: number | undefined): Promise<boolean> {
	if (status !== 409 && !(status !== undefined && status >= 500)) return false;
	try {
		await couch.request({ method: 'HEAD', db: name });
		return true;
	} catch {
		return false;
	}
}

/** express-pouchdb on loopback in a worker thread (store-worker.mjs), guarded by a secret that
 * only this process knows. Errors inside the store fail one request (see the worker); if the
 * worker itself dies the process exits, so its supervisor restarts it with the data on disk
 * rather than leaving a server up without a store. */
async function startEmbedded(dataDir: string): Promise<{ url: string; close: () => Promise<void> }> {
	const secret = randomBytes(24).toString('hex');
	let closing = false;
	const worker = new Worker(new URL('./store-worker.mjs', import.meta.url), {
		workerData: { dataDir, secret, port: 0 },
		execArgv: []
	});
	const port = await new Promise<number>((resolve, reject) => {
		worker.on('message', (message: { port?: number; error?: string }) => {
			if (message.port !== undefined) resolve(message.port);
			if (message.error) log.error('embedded store error', { error: message.error });
		});
		worker.on('error', (error) => {
			log.error('embedded store failed', { error: error.message });
		});
		worker.once('exit', (code) => {
			reject(new Error(`embedded store exited with ${code}`));
			if (closing) return;
			log.error('embedded store stopped; exiting so the service is restarted', { code });
			process.exit(1);
		});
	});
	log.info('embedded store started', { data_dir: dataDir });
	return {
		url: `http://tawasul:${secret}@127.0.0.1:${port}`,
		close: async () => {
			closing = true;
			const closed = new Promise<void>((resolve) =>
				worker.once('message', () => {
					resolve();
				})
			);
			worker.postMessage('close');
			await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
			await worker.terminate();
		}
	};
}
