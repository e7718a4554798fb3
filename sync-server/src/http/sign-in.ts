/** Opening a full session, the one way every sign-in method ends (SMS code, password, TOTP, eKey). */
import type { Request, Response } from 'express';
import { sessionTokenFrom } from '../auth/cookies.js';
import type { SessionService } from '../auth/sessions.js';
import type { AccountDoc, SessionUser } from '../auth/types.js';
import type { Store } from '../store.js';
import { actorOf, auditAuth } from '../audit/auth-events.js';

/** Records the sign-in in the audit trail (`audit`: `auth.sign_in.<method>` or
 * `auth.password_change`), replaces any session this browser had (no fixation), creates the
 * databases the person will pull, and adds the session cookie to the response. */
export async function openSession(
	deps: { store: Store; sessions: SessionService; now?: () => number },
	req: Request,
	res: Response,
	account: AccountDoc,
	options: { mfa?: boolean; audit: string }
): Promise<SessionUser> {
	await auditAuth(deps.store, (deps.now ?? Date.now)(), { kind: options.audit, actor: actorOf(account) });
	const previous = sessionTokenFrom(req.headers.cookie);
	if (previous) await deps.sessions.destroySession(previous);
	const { cookie, user } = await deps.sessions.createSession(account, { mfa: options.mfa });
	for (const db of user.databases.pull) await deps.store.ensureDb(db);
	res.append('Set-Cookie', cookie);
	res.locals.user = user;
	return user;
}
