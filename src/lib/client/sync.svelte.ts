import type { Database, DatabaseOptions, Replication, ReplicateOptions } from 'pouchdb-browser';
import { DB, rejectionDocId, type ActionDoc, type RejectionDoc } from '$lib/domain/doc-types';
import { referenceClaims } from '$lib/domain/reference';
import { ClientError, type SessionUser } from './api';

/** PouchDB is loaded on first use, so pages that never sync (home, sign-in) do not download it. */
type PouchConstructor = new (name: string, options?: DatabaseOptions) => Database;
let pouchModule: Promise<PouchConstructor> | null = null;
const loadPouch = () => (pouchModule ??= import('pouchdb-browser').then((m) => m.default));

const LAST_SYNC_KEY = 'tawasul.last_sync';
/** Replication retries with exponential back-off, capped so a returning network is noticed soon. */
const MAX_BACKOFF_MS = 60_000;
/** How long sign-out waits for the outbox to reach the server before warning. */
const PUSH_TIMEOUT_MS = 10_000;
const LIVE: ReplicateOptions = {
	live: true,
	retry: true,
	back_off_function: (delay) => (delay === 0 ? 1000 : Math.min(delay * 2, MAX_BACKOFF_MS))
};
/** One action per upload: the gate refuses a request larger than one action with the most files
 * allowed (limits.ts), and a refused request would hold every later action back. */
const PUSH_BATCH_SIZE = 1;
/** Where this device keeps the actions the gate refused (a `_local` document: never replicated). */
const REFUSALS_ID = '_local/gate_refusals';
type Refusals = { _id: string; _rev?: string; refusals: Record<string, RejectionDoc> };

/** Local database names: the outbox of one person, and one read-only mirror per pulled database. */
const outboxName = (userId: string) => `outbox-${userId}`;
export const mirrorName = (dbName: string) => `mirror-${dbName}`;

/** How long the set-up waits for the reference claims to be sent before pushing anyway. */
const CLAIMS_TIMEOUT_MS = 5_000;
const CLAIMS_PER_REQUEST = 1000;

/** Hands the server the sealed references of the cases this device mirrors, before the outbox is
 * pushed: a server that lost its store then gives re-sent cases their old numbers. Best effort:
 * offline, or on a server that has them all, nothing changes. */
async function sendReferenceClaims(mirrors: Database[]): Promise<void> {
	type Claimable = { case_key?: unknown; ref?: unknown; ref_seal?: unknown };
	const cases: Claimable[] = [];
	for (const mirror of mirrors) {
		const found = await mirror.allDocs<Claimable>({ startkey: 'case:', endkey: 'case:\uffff', include_docs: true });
		for (const row of found.rows) if (row.doc) cases.push(row.doc);
	}
	const claims = referenceClaims(cases);
	for (let i = 0; i < claims.length; i += CLAIMS_PER_REQUEST) {
		await fetch('/api/references/claims', {
			method: 'POST',
			credentials: 'include',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ claims: claims.slice(i, i + CLAIMS_PER_REQUEST) })
		});
	}
}

/** The database every write goes to. A user cached by an older version of the app may name none. */
function pushDb(user: SessionUser): string {
	const { push }: { push?: string } = user.databases;
	return push || DB.INTAKE;
}

/** Sends the session cookie with every replication request (same origin, but explicit). */
const withCredentials: DatabaseOptions['fetch'] = (url, init) => fetch(url, { ...init, credentials: 'include' });

function readLastSync(): string | null {
	try {
		return localStorage.getItem(LAST_SYNC_KEY);
	} catch {
		return null;
	}
}

/**
 * The replication state of this device, reactive:
 * - `mirror-config` is pulled from `/db/config` for everyone, signed in or not;
 * - for a signed-in person, `outbox-<user_id>` is pushed live to `/db/intake` and every database in
 *   `user.databases.pull` (except config) is pulled live into `mirror-<db>`.
 * Replication never gives up (retry), so offline work goes out when the network returns.
 */
class Sync {
	online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	/** True while a replication is transferring documents. */
	active = $state(false);
	lastSync = $state<string | null>(typeof localStorage === 'undefined' ? null : readLastSync());
	/** Outbox actions the server has neither applied nor refused yet. */
	pending = $state(0);
	/** Code of a replication failing now ('unauthorized', 'forbidden', 'network'…), or null. Any
	 * replication failing shows, even while the others succeed: a stalled pull must not hide
	 * behind a working push. */
	error = $state<string | null>(null);
	/** Actions of this person the gate refused to take in (shape, size, file names). */
	refused = $state(0);
	/** Bumped whenever any local database changes; live queries re-run on it. */
	revision = $state(0);

	#user: SessionUser | null = null;
	#databases = new Map<string, Promise<Database>>();
	#configReplication: Replication | null = null;
	#userReplications: Replication[] = [];
	#bumpTimer: ReturnType<typeof setTimeout> | null = null;
	#started = false;
	#queue: Promise<void> = Promise.resolve();
	#activeCount = 0;
	#errors = new Map<Replication, string>();
	#refusalWrites: Promise<void> = Promise.resolve();

	get user(): SessionUser | null {
		return this.#user;
	}

	/** Watches the browser's connectivity; call once from the root layout. */
	listen(): () => void {
		const update = () => (this.online = navigator.onLine);
		const reconnect = () => {
			update();
			void this.reconnect().catch((error: unknown) => {
				console.warn('sync could not restart', error);
			});
		};
		addEventListener('online', reconnect);
		addEventListener('offline', update);
		// The state may have changed between this object's creation and now, with no event heard.
		update();
		return () => {
			removeEventListener('online', reconnect);
			removeEventListener('offline', update);
		};
	}

	/** Restarts every replication now. PouchDB's retry sleeps out its back-off (doubling up to
	 * MAX_BACKOFF_MS) even after the network is back, so after a few minutes offline a queued case
	 * would wait up to a minute; the browser's `online` event makes it go at once, as promised. */
	reconnect(): Promise<void> {
		this.#queue = this.#queue
			.catch(() => undefined)
			.then(() => {
				if (!this.#started) return;
				const user = this.#user;
				this.#configReplication?.cancel();
				if (this.#configReplication) this.#errors.delete(this.#configReplication);
				this.#configReplication = null;
				this.#stopUser();
				this.#started = false;
				this.#user = null;
				return this.#start(user);
			});
		return this.#queue;
	}

	/** Opens (once) and returns a local database. Opening works offline. */
	local(name: string): Promise<Database> {
		let db = this.#databases.get(name);
		if (!db) {
			db = loadPouch().then((PouchDB) => {
				const local = new PouchDB(name, { auto_compaction: true });
				local.changes({ since: 'now', live: true }).on('change', () => {
					this.#bump();
				});
				return local;
			});
			this.#databases.set(name, db);
		}
		return db;
	}

	mirror(dbName: string): Promise<Database> {
		return this.local(mirrorName(dbName));
	}

	/** The signed-in person's outbox; fails with 'unauthorized' when nobody is signed in. */
	async outbox(): Promise<Database> {
		// Right after sign-in the set-up may still be running; the outbox is named after its user.
		await this.#queue.catch(() => undefined);
		if (!this.#user) throw new ClientError(401, 'unauthorized');
		return this.local(outboxName(this.#user.user_id));
	}

	/** Starts config replication and, when `user` differs from the current one, the user's.
	 * Calls are serialised, so a quick sign-out/sign-in cannot interleave two set-ups. */
	start(user: SessionUser | null): Promise<void> {
		this.#queue = this.#queue.catch(() => undefined).then(() => this.#start(user));
		return this.#queue;
	}

	async #start(user: SessionUser | null): Promise<void> {
		if (!this.#started) {
			this.#started = true;
			const PouchDB = await loadPouch();
			const config = await this.mirror(DB.CONFIG);
			this.#configReplication = this.#track(config.replicate.from(this.#remote(PouchDB, DB.CONFIG), LIVE));
		}
		if (user?.user_id === this.#user?.user_id && sameList(user?.databases.pull, this.#user?.databases.pull)) return;
		this.#stopUser();
		this.#user = user;
		if (!user) return;
		const PouchDB = await loadPouch();
		const mirrors = await Promise.all(user.databases.pull.filter((name) => name !== DB.CONFIG).map((name) => this.mirror(name)));
		const timeout = new Promise((resolve) => setTimeout(resolve, CLAIMS_TIMEOUT_MS));
		await Promise.race([sendReferenceClaims(mirrors).catch(() => undefined), timeout]);
		// Not this.outbox(): it waits for the queue this set-up is running in, and would never return.
		const outbox = await this.local(outboxName(user.user_id));
		const push = outbox.replicate.to(this.#remote(PouchDB, pushDb(user)), { ...LIVE, batch_size: PUSH_BATCH_SIZE });
		push.on('denied', (error: { id?: string; reason?: string }) => {
			this.#recordRefusal(outbox, error);
		});
		this.#userReplications.push(this.#track(push));
		void this.#countRefusals(outbox);
		for (const dbName of user.databases.pull) {
			if (dbName === DB.CONFIG) continue;
			const mirror = await this.mirror(dbName);
			this.#userReplications.push(this.#track(mirror.replicate.from(this.#remote(PouchDB, dbName), LIVE)));
		}
		this.#bump();
	}

	/** Before sign-out: pushes the person's outbox once, now, instead of waiting for the live
	 * replication's back-off. True when the server has every action (none left to send); false
	 * offline, on a timeout, or when the gate refused some. */
	async pushOutbox(user: SessionUser, timeoutMs = PUSH_TIMEOUT_MS): Promise<boolean> {
		const PouchDB = await loadPouch();
		const outbox = await this.local(outboxName(user.user_id));
		const replication = outbox.replicate.to(this.#remote(PouchDB, pushDb(user)), { batch_size: PUSH_BATCH_SIZE });
		replication.on('denied', (error: { id?: string; reason?: string }) => {
			this.#recordRefusal(outbox, error);
		});
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<null>((resolve) => {
			timer = setTimeout(() => {
				resolve(null);
			}, timeoutMs);
		});
		try {
			const result = (await Promise.race([replication, timeout])) as { ok?: boolean; doc_write_failures?: number } | null;
			return result !== null && result.ok !== false && !result.doc_write_failures;
		} catch {
			return false;
		} finally {
			clearTimeout(timer);
			replication.cancel();
		}
	}

	/** On sign-out: stop replicating and delete the person's mirrors and outbox from this device
	 * (personal data; the mirrors can be pulled again). The caller has pushed the outbox first, or
	 * the person agreed to lose what was still unsent (auth.ts). */
	forget(user: SessionUser): Promise<void> {
		this.#queue = this.#queue.catch(() => undefined).then(() => this.#forget(user));
		return this.#queue;
	}

	async #forget(user: SessionUser): Promise<void> {
		if (this.#user?.user_id === user.user_id) {
			this.#stopUser();
			this.#user = null;
		}
		const names = user.databases.pull.filter((dbName) => dbName !== DB.CONFIG).map(mirrorName);
		for (const name of [...names, outboxName(user.user_id)]) {
			const db = await this.local(name);
			this.#databases.delete(name);
			await db.destroy().catch(() => undefined);
		}
		this.#bump();
	}

	#stopUser(): void {
		for (const replication of this.#userReplications) {
			replication.cancel();
			this.#errors.delete(replication);
		}
		this.#userReplications = [];
		this.refused = 0;
		this.#showError();
	}

	/** The gate's refusals of this person's actions, as rejections like the engine's, so lists
	 * and case pages show them refused, with the reason, instead of "sending" for ever. */
	async refusals(): Promise<RejectionDoc[]> {
		if (!this.#user) return [];
		const doc = await (await this.local(outboxName(this.#user.user_id))).get<Refusals>(REFUSALS_ID).catch(() => null);
		return Object.values(doc?.refusals ?? {});
	}

	async #countRefusals(outbox: Database): Promise<void> {
		const doc = await outbox.get<Refusals>(REFUSALS_ID).catch(() => null);
		this.refused = Object.keys(doc?.refusals ?? {}).length;
	}

	/** Serialised: two denials in one batch would otherwise race on the same `_local` document. */
	#recordRefusal(outbox: Database, error: { id?: string; reason?: string }): void {
		const id = error.id;
		if (!id) return;
		this.#refusalWrites = this.#refusalWrites
			.then(async () => {
				const action = await outbox.get<ActionDoc>(id).catch(() => null);
				const current: Refusals = await outbox.get<Refusals>(REFUSALS_ID).catch(() => ({ _id: REFUSALS_ID, refusals: {} }));
				current.refusals[id] = {
					_id: rejectionDocId(id),
					type: 'rejection',
					action_id: id,
					case_key: action?.case_key ?? '',
					kind: action?.kind ?? 'submit',
					code: typeof error.reason === 'string' && /^[a-z_]{1,40}$/.test(error.reason) ? error.reason : 'forbidden',
					at: new Date().toISOString()
				};
				await outbox.put(current);
				this.refused = Object.keys(current.refusals).length;
				this.#bump();
			})
			.catch((failure: unknown) => {
				console.warn('could not keep a refusal', failure);
			});
	}

	#showError(): void {
		this.error = this.#errors.values().next().value ?? null;
	}

	#remote(PouchDB: PouchConstructor, dbName: string): Database {
		// skip_setup: the gate never lets a device create a database; the server makes them.
		return new PouchDB(`${location.origin}/db/${dbName}`, { fetch: withCredentials, skip_setup: true });
	}

	#track(replication: Replication): Replication {
		let isActive = false;
		const setActive = (value: boolean) => {
			if (value === isActive) return;
			isActive = value;
			this.#activeCount += value ? 1 : -1;
			this.active = this.#activeCount > 0;
		};
		const failed = (error: { status?: number }) => {
			this.#errors.set(replication, codeOf(error));
			this.#showError();
		};
		replication
			.on('active', () => {
				setActive(true);
			})
			.on('change', () => {
				this.#synced(replication);
			})
			.on('paused', (error?: { status?: number }) => {
				setActive(false);
				if (error) failed(error);
				else this.#synced(replication);
			})
			// A refused action is kept as a refusal (push) and is not a failure of the replication.
			.on('error', (error: { status?: number }) => {
				setActive(false);
				failed(error);
			})
			.on('complete', () => {
				setActive(false);
			});
		return replication;
	}

	#synced(replication: Replication): void {
		this.#errors.delete(replication);
		this.#showError();
		this.lastSync = new Date().toISOString();
		try {
			localStorage.setItem(LAST_SYNC_KEY, this.lastSync);
		} catch {
			// Only the "last synced" label is lost.
		}
	}

	/** Coalesces bursts of changes (a replication batch) into one re-run of the live queries. */
	#bump(): void {
		if (this.#bumpTimer) return;
		this.#bumpTimer = setTimeout(() => {
			this.#bumpTimer = null;
			this.revision++;
		}, 50);
	}
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
	return (a ?? []).join('\n') === (b ?? []).join('\n');
}

function codeOf(error: { status?: number } | undefined): string {
	if (error?.status === 401) return 'unauthorized';
	if (error?.status === 403) return 'forbidden';
	if (error?.status === 413) return 'payload_too_large';
	if (!error?.status) return 'network';
	return 'server';
}

export const sync = new Sync();
