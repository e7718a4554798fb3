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
import { getOrNull, statusOf, updateDoc } from '../store-docs.js';
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

export interface SessionDoc {
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

export function policyFor(role: Role) {
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
	const { store } = deps;
	const now = deps.now ?? Date.now;
	const cache = new Map<string, CacheEntry>();
	const db = () => store.use<SessionDoc>(DB.AUTH);
	const indexDb = () => store.use<SessionsOfDoc>(DB.AUTH);

	function remember(id: string, entry: CacheEntry) {
		cache.delete(id);
		cache.set(id, entry);
		// Map keeps insertion order, so the first key is the least recently fetched.
		if (cache.size > SESSION_POLICY.cacheMaxEntries) cache.delete(cache.keys().next().value!);
	}

	function expired(session: SessionDoc, at: number): boolean {
		return at >= Date.parse(session.expires_at) || at - Date.parse(session.last_seen_at) >= session.idle_ms;
	}

	async function load(id: string): Promise<CacheEntry | null> {
		const session = await getOrNull(db(), id);
		if (!session || session.type !== DOC_TYPES.SESSION) return null;
		const account = await getAccount(store, session.user_id);
		// A disabled account's sessions stop at once (within the cache time), wherever they are.
		if (!account || account.disabled) return null;
		return { session, user: userOf(account, session), fetched_at: now() };
	}

	async function remove(id: string, userId: string | null) {
		cache.delete(id);
		const current = await getOrNull(db(), id);
		if (current) {
			try {
				await db().destroy(id, current._rev);
			} catch (error) {
				if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
			}
		}
		if (userId) await unlist(userId, new Set([id]));
	}

	async function unlist(userId: string, ids: Set<string>) {
		await updateDoc(indexDb(), sessionsOfDocId(userId), (current) => {
			if (!current) return { next: null, result: undefined };
			const sessions = current.sessions.filter((s) => !ids.has(s.id));
			return { next: sessions.length === current.sessions.length ? null : { ...current, sessions }, result: undefined };
		});
	}

	return {
		async createSession(account, options = {}) {
			await store.ensureDb(DB.AUTH);
			const token = randomBytes(32).toString('base64url');
			const id = sessionDocId(token);
			const at = now();
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
			await updateDoc(indexDb(), sessionsOfDocId(account.user_id), (current) => {
				const live = (current?.sessions ?? []).filter((s) => Date.parse(s.expires_at) > at);
				const next: SessionsOfDoc = {
					_id: sessionsOfDocId(account.user_id),
					type: 'sessions_of',
					user_id: account.user_id,
					sessions: [...live, { id, expires_at: session.expires_at }]
				};
				return { next, result: undefined };
			});
			await db().insert(session);
			const user = userOf(account, session);
			remember(id, { session, user, fetched_at: at });
			return { token, user, cookie: sessionCookie(token, policy.absoluteMs, deps.env.cookieSecure) };
		},

		async resolveSession(token) {
			if (!token) return null;
			const id = sessionDocId(token);
			const at = now();
			let entry = cache.get(id);
			// A cached copy may miss another instance's touch: judge expiry on a fresh read only.
			if (!entry || at - entry.fetched_at >= SESSION_POLICY.cacheMs || expired(entry.session, at)) {
				cache.delete(id);
				entry = (await load(id)) ?? undefined;
				if (!entry) return null;
				remember(id, entry);
			}
			if (expired(entry.session, at)) {
				await remove(id, entry.session.user_id);
				return null;
			}
			if (at - Date.parse(entry.session.last_seen_at) >= SESSION_POLICY.touchEveryMs) {
				const touched = { ...entry.session, last_seen_at: new Date(at).toISOString() };
				try {
					const saved = await db().insert(touched);
					entry.session = { ...touched, _rev: saved.rev };
				} catch (error) {
					// Another request or instance touched it first; its write serves as well as ours.
					if (statusOf(error) !== 409 && statusOf(error) !== 404) throw error;
					cache.delete(id);
				}
			}
			return entry.user;
		},

		async destroySession(token) {
			const id = sessionDocId(token);
			const session = cache.get(id)?.session ?? (await getOrNull(db(), id));
			await remove(id, session?.user_id ?? null);
		},

		async destroyAllSessionsOf(userId) {
			const index = await getOrNull(indexDb(), sessionsOfDocId(userId));
			const ids = new Set(index?.sessions.map((s) => s.id) ?? []);
			for (const id of ids) await remove(id, null);
			if (ids.size) await unlist(userId, ids);
		},

		clearCookie: () => clearedSessionCookie(deps.env.cookieSecure)
	};
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
