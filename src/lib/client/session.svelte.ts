import { api, ClientError, type SessionUser } from './api';

const STORAGE_KEY = 'tawasul.user';
const STAFF_ROLES = new Set(['agent', 'manager', 'coordinator']);
const ACCOUNT_ROLES = new Set(['agent', 'manager', 'coordinator', 'minister']);

/** What localStorage holds may be from an older version of the app, or edited by hand. */
function isCachedUser(value: unknown): value is SessionUser {
	const user = value as Partial<SessionUser> | null;
	return typeof user?.user_id === 'string' && Array.isArray(user.databases?.pull);
}

function cachedUser(): SessionUser | null {
	try {
		const raw = localStorage.getItem(STORAGE_KEY);
		if (!raw) return null;
		const user: unknown = JSON.parse(raw);
		return isCachedUser(user) ? user : null;
	} catch {
		return null;
	}
}

/** Who is signed in. The session itself is an HTTP-only cookie the page cannot read; what is cached
 * here (id, role, name, databases, no secret) lets the app open offline for a signed-in person. */
class Session {
	user = $state<SessionUser | null>(typeof localStorage === 'undefined' ? null : cachedUser());

	get signedIn(): boolean {
		return this.user !== null;
	}

	get isStaff(): boolean {
		return this.user !== null && STAFF_ROLES.has(this.user.role) && Boolean(this.user.entity_id);
	}

	/** Signed in with a staff account (a password, and maybe an authenticator): not citizens, not kiosks. */
	get hasStaffAccount(): boolean {
		return this.user !== null && ACCOUNT_ROLES.has(this.user.role);
	}

	get isCoordinator(): boolean {
		return this.user?.role === 'coordinator';
	}

	/** Entity managers (their entity) and coordinators (every entity) read the audit trail. */
	get readsAudit(): boolean {
		return this.user?.role === 'coordinator' || (this.user?.role === 'manager' && Boolean(this.user.entity_id));
	}

	/** The minister's office and coordinators (the nation), entity managers (their entity). */
	get seesDashboard(): boolean {
		const role = this.user?.role;
		return role === 'minister' || role === 'coordinator' || (role === 'manager' && Boolean(this.user?.entity_id));
	}

	set(user: SessionUser | null): void {
		this.user = user;
		try {
			if (user) localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
			else localStorage.removeItem(STORAGE_KEY);
		} catch {
			// Without storage the app still works online; it just cannot open signed-in offline.
		}
	}

	/** Asks the server who we are. A 401 means the cookie expired: forget the cached user. Offline
	 * or server trouble keeps the cache, so the app keeps working on what is on the device. */
	async refresh(): Promise<void> {
		try {
			this.set(await api.session());
		} catch (error) {
			if (error instanceof ClientError && error.status === 401) this.set(null);
		}
	}

	/** Ends the server session when reachable; the device forgets the user in any case.
	 * `everywhere` ends every session of the person and must reach the server: it throws, and
	 * the device keeps the user, when it cannot. */
	async signOut(everywhere = false): Promise<void> {
		if (everywhere) {
			await api.logoutAll();
		} else {
			try {
				await api.logout();
			} catch {
				// Offline: the cookie stays until it expires, but this device no longer uses it.
			}
		}
		this.set(null);
	}
}

export const session = new Session();
