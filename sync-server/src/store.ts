/** The CouchDB the server talks to: Apache CouchDB when COUCHDB_URL is set, otherwise an
 * embedded express-pouchdb over LevelDB under DATA_DIR. Either way every read and write goes
 * through the CouchDB HTTP API with nano, so a CouchDB 3 cluster works unchanged. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import nano from 'nano';
import type { Env } from './env.js';
import { log } from './log.js';

const require = createRequire(import.meta.url);

export interface Store {
	/** Base URL with credentials; never log it. */
	readonly url: string;
	readonly couch: nano.ServerScope;
	readonly embedded: boolean;
	use<T extends object = Record<string, unknown>>(name: string): nano.DocumentScope<T>;
	/** A raw request to the store (for streaming and long polls), credentials sent as a header. */
	fetch(path: string, init?: RequestInit): Promise<Response>;
	/** Creates the database when missing (idempotent; remembered for this process). */
	ensureDb(name: string): Promise<void>;
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

export async function openStore(env: Pick<Env, 'couchdbUrl' | 'dataDir'>): Promise<Store> {
	if (env.couchdbUrl) return wrap(env.couchdbUrl, false, async () => {});
	const embedded = await startEmbedded(env.dataDir);
	return wrap(embedded.url, true, embedded.close);
}

function wrap(url: string, embedded: boolean, closeServer: () => Promise<void>): Store {
	const couch = nano({ url });
	const known = new Set<string>();
	const parsed = new URL(url);
	const authorization = parsed.username
		? 'Basic ' + Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')
		: null;
	parsed.username = '';
	parsed.password = '';
	const base = parsed.toString().replace(/\/$/, '');
	return {
		url,
		couch,
		embedded,
		use: <T extends object>(name: string) => couch.use<T>(name),
		fetch(path, init = {}) {
			const headers = new Headers(init.headers);
			if (authorization) headers.set('authorization', authorization);
			return fetch(base + path, { ...init, headers });
		},
		async ensureDb(name) {
			if (known.has(name)) return;
			try {
				// q=1: per-person and per-entity databases are small; one shard keeps a million cheap.
				await couch.request({ method: 'PUT', db: name, qs: { q: 1 } });
			} catch (error) {
				if ((error as { statusCode?: number }).statusCode !== 412) throw error;
			}
			known.add(name);
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

/** express-pouchdb on loopback, guarded by a per-process secret so no other local process
 * can reach the data behind the gate's back. */
async function startEmbedded(dataDir: string): Promise<{ url: string; close: () => Promise<void> }> {
	fs.mkdirSync(dataDir, { recursive: true });
	const PouchDB = require('pouchdb');
	const expressPouchDB = require('express-pouchdb');
	const express = require('express');
	const Local = PouchDB.defaults({ prefix: dataDir.replace(/\/?$/, '/') });
	const secret = randomBytes(24).toString('hex');
	const expected = Buffer.from('Basic ' + Buffer.from(`tawasul:${secret}`).toString('base64'));

	const app = express();
	app.use((req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
		const given = Buffer.from(req.headers.authorization ?? '');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
			res.statusCode = 401;
			res.setHeader('content-type', 'application/json');
			res.end('{"error":"unauthorized","reason":"Name or password is incorrect."}');
			return;
		}
		delete req.headers.authorization;
		next();
	});
	app.use(
		expressPouchDB(Local, {
			mode: 'minimumForPouchDB',
			overrideMode: { include: ['validation', 'routes/find', 'routes/security'] },
			inMemoryConfig: true,
			logPath: `${dataDir}/store.log`
		})
	);
	const server = http.createServer(app);
	server.keepAliveTimeout = 60_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	log.info('embedded store started', { data_dir: dataDir });
	return {
		url: `http://tawasul:${secret}@127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			})
	};
}
