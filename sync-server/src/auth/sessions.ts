/**
 * Sessions: a random token in an HttpOnly cookie; the store keeps only its SHA-256, so a copy of
 * the `auth` database can't be replayed as cookies. Each person's session ids are also listed
 * in `sessions_of:<user_id>`, so "sign out everywhere" works on CouchDB without `_find` or views.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DB, DOC_TYPES, type Role } from '../../../src/lib/domain/doc-types.js';
import type { Env } from '../env.js';
import type { Store } from '../store.js';
import { getAccount } from './accounts.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import { getOrNull, statusOf, storedAs, updateDoc } from '../store-docs.js';
import { isStaffRole, toSessionUser, type AccountDoc, type SessionUser } from './types.js';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

export const SESSION_POLICY = {
	citizen: { idleMs: 30 * DAY, absoluteMs: 30 * DAY },
	staff: { idleMs: 12 * HOUR, absoluteMs: 7 * DAY },
	/** last_seen_at is written at most this often: one write a minute per active person, not per request. */
	touchEveryMs: 60_000,
	/** The gate sees every replication request; a revoked session may live this long on another instance. */
	cacheMs: 10_000,
	cacheMaxEntries: 50_000
} as const;

interface SessionDoc {
	_id: string;
	_rev?: string;
	type: 'session';
	user_id: string;
	role: Role;
	created_at: string;
	last_seen_at: string;
	expires_at: string;
	idle_ms: number;
	/** Opened with a second factor. */
	mfa?: boolean;
}

interface SessionsOfDoc {
	_id: string;
	type: 'sessions_of';
	user_id: string;
	sessions: { id: string; expires_at: string }[];
}

export const sessionDocId = (token: string) => 'session:' + createHash('sha256').update(token).digest('hex');
const sessionsOfDocId = (userId: string) => `sessions_of:${userId}`;

function policyFor(role: Role) {
	return isStaffRole(role) ? SESSION_POLICY.staff : SESSION_POLICY.citizen;
}

export interface SessionService {
	/** A new session for the account and the Set-Cookie value that carries it. */
	createSession(account: AccountDoc, options?: { mfa?: boolean }): Promise<{ token: string; cookie: string; user: SessionUser }>;
	/** The signed-in person, or null for a missing, unknown, expired or malformed token. */
	resolveSession(token: string | null): Promise<SessionUser | null>;
	destroySession(token: string): Promise<void>;
	destroyAllSessionsOf(userId: string): Promise<void>;
	clearCookie(): string;
}

interface CacheEntry {
	session: SessionDoc;
	user: SessionUser;
	fetched_at: number;
}

export function createSessionService(deps: { store: Store; env: Pick<Env, 'cookieSecure'>; now?: () => number }): SessionService {
	return new Sessions(deps.store, deps.env.cookieSecure, deps.now ?? Date.now);
}

/** The sessions, with a bounded cache of recently read ones (SESSION_POLICY.cacheMs). */
class Sessions implements SessionService {
	private readonly cache = new Map<string, CacheEntry>();

	constructor(
		private readonly store: Store,
		private readonly cookieSecure: boolean,
		private readonly now: () => number
	) {}

	async createSession(account: AccountDoc, options: { mfa?: boolean } = {}): Promise<{ token: string; cookie: string; user: SessionUser }> {
		await this.store.ensureDb(DB.AUTH);
		const token = randomBytes(32).toString('base64url');
		const id = sessionDocId(token);
		const at = this.now();
		const policy = policyFor(account.role);
		const session: SessionDoc = {
			_id: id,
			type: DOC_TYPES.SESSION,
			user_id: account.user_id,
			role: account.role,
			created_at: new Date(at).toISOString(),
			last_seen_at: new Date(at).toISOString(),
			expires_at: new Date(at + policy.absoluteMs).toISOString(),
			idle_ms: policy.idleMs
		};
		if (options.mfa) session.mfa = true;
		// Listed before it exists: a crash in between leaves a dangling entry, never an unlisted session.
		await updateDoc(this.indexDb(), sessionsOfDocId(account.user_id), (current) => {
			const live = (current?.sessions ?? []).filter((s) => Date.parse(s.expires_at) > at);
			const next: SessionsOfDoc = {
				_id: sessionsOfDocId(account.user_id),
				type: 'sessions_of',
				user_id: account.user_id,
				sessions: [...live, { id, expires_at: session.expires_at }]
			};
			return { next, result: undefined };
		});
		await this.db().insert(session);
		const user = userOf(account, session);
		this.remember(id, { session, user, fetched_at: at });
		return { token, user, cookie: sessionCookie(token, policy.absoluteMs, this.cookieSecure) };
	}

	async resolveSession(token: string | null): Promise<SessionUser | null> {
		if (!token) return null;
		const id = sessionDocId(token);
		const at = this.now();
		let entry = this.cache.get(id);
		// A cached copy may miss another instance's touch: judge expiry on a fresh read only.
		if (!entry || at - entry.fetched_at >= SESSION_POLICY.cacheMs || expired(entry.session, at)) {
			this.cache.delete(id);
			entry = (await this.load(id)) ?? undefined;
			if (!entry) return null;
			this.remember(id, entry);
		}
		if (expired(entry.session, at)) {
			await this.remove(id, entry.session.user_id);
			return null;
		}
		if (at - Date.parse(entry.session.last_seen_at) >= SESSION_POLICY.touchEveryMs) await this.touch(id, entry, at);
		return entry.user;
	}

	async destroySession(token: string): Promise<void> {
		const id = sessionDocId(token);
		const session = this.cache.get(id)?.session ?? (await getOrNull(this.db(), id));
		await this.remove(id, session?.user_id ?? null);
	}

	async destroyAllSessionsOf(userId: string): Promise<void> {
		const index = await getOrNull(this.indexDb(), sessionsOfDocId(userId));
		const ids = new Set(index?.sessions.map((s) => s.id) ?? []);
		for (const id of ids) await this.remove(id, null);
		if (ids.size) await this.unlist(userId, ids);
	}

	clearCookie(): string {
		return clearedSessionCookie(this.cookieSecure);
	}

	private db() {
		return this.store.use<SessionDoc>(DB.AUTH);
	}

	private indexDb() {
		return this.store.use<SessionsOfDoc>(DB.AUTH);
	}

	private remember(id: string, entry: CacheEntry): void {
		this.cache.delete(id);
		this.cache.set(id, entry);
		// Map keeps insertion order, so the first key is the least recently fetched.
		if (this.cache.size > SESSION_POLICY.cacheMaxEntries) {
			const oldest = this.cache.keys().next();
			if (!oldest.done) this.cache.delete(oldest.value);
		}
	}

	private async load(id: string): Promise<CacheEntry | null> {
		const session = await getOrNull(this.db(), id);
		if (!storedAs(session, DOC_TYPES.SESSION)) return null;
		const account = await getAccount(this.store, session.user_id);
		// A disabled account's sessions stop at once (within the cache time), wherever they are; so
		// do those of a password kiosk account made before kiosks enrolled by code (issue 12).
		if (!account || account.disabled || account.role === 'kiosk') return null;
		return { session, user: userOf(account, session), fetched_at: this.now() };
	}

	/** Moves last_seen_at, at most once a minute per session. */
	private async touch(id: string, entry: CacheEntry, at: number): Promise<void> {
		const touched = { ...entry.session, last_seen_at: new Date(at).toISOString() };
		try {
			const saved = await this.db().insert(touched);
			entry.session = { ...touched, _rev: saved.rev };
		} catch (error) {
			// Another request or instance touched it first; its write serves as well as ours.
			if (statusOf(error) !== 409 && statusOf(error) !== 404) throw error;
			this.cache.delete(id);
		}
	}

	private async remove(id: string, userId: string | null): Promise<void> {
		this.cache.delete(id);
		const current = await getOrNull(this.db(), id);
		if (current) {
			try {
				await this.db().destroy(id, current._rev);
			} catch (error) {
				if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
			}
		}
		if (userId) await this.unlist(userId, new Set([id]));
	}

	private async unlist(userId: string, ids: Set<string>): Promise<void> {
		await updateDoc(this.indexDb(), sessionsOfDocId(userId), (current) => {
			if (!current) return { next: null, result: undefined };
			const sessions = current.sessions.filter((s) => !ids.has(s.id));
			return { next: sessions.length === current.sessions.length ? null : { ...current, sessions }, result: undefined };
		});
	}
}

function expired(session: SessionDoc, at: number): boolean {
	return at >= Date.parse(session.expires_at) || at - Date.parse(session.last_seen_at) >= session.idle_ms;
}

function userOf(account: AccountDoc, session: SessionDoc): SessionUser {
	const user = toSessionUser(account);
	if (session.mfa) user.mfa = true;
	return user;
}

const services = new WeakMap<Store, SessionService>();

/** One service (and so one cache) per store: the auth routes and the gate's middleware share it,
 * so a sign-out here is seen by the gate at once. */
export function sessionServiceFor(store: Store, env: Pick<Env, 'cookieSecure'>): SessionService {
	let service = services.get(store);
	if (!service) {
		service = createSessionService({ store, env });
		services.set(store, service);
	}
	return service;
}
