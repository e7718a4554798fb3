import type { Role } from './doc-types';

/** The signed-in person as the server resolves a session and as `/api/session` and the sign-in
 * endpoints return them (docs/design.md). The gate trusts only this; the app keeps a copy so it can
 * open offline. */
export interface SessionUser {
	user_id: string;
	role: Role;
	name: string;
	phone?: string;
	entity_id?: string;
	/** What the person may replicate: the databases to pull from, and the one every write goes to. */
	databases: { pull: string[]; push: 'intake' };
	/** The session was opened with the authenticator (staff second factor); coordinators need it. */
	mfa?: boolean;
	/** Signed in with a one-time password: nothing but choosing a new one until then. */
	must_change_password?: boolean;
}
