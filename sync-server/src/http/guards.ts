/** Who may call an API route: one place that turns "no session" into 401, "wrong role" into 403,
 * and insists that a coordinator's session was opened with the second factor. */
import type { Response } from 'express';
import type { Role } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { SessionUser } from '../auth/types.js';

export function requireRole(res: Response, roles: readonly Role[]): SessionUser {
	const user = (res.locals.user as SessionUser | null | undefined) ?? null;
	if (!user) throw new TawasulError(401, 'unauthorized');
	if (!roles.includes(user.role)) throw new TawasulError(403, 'forbidden');
	// A coordinator session without TOTP can only be left over from before the requirement (or a
	// role change): it may not administer anything.
	if (user.role === 'coordinator' && !user.mfa) throw new TawasulError(403, 'mfa_required');
	return user;
}
