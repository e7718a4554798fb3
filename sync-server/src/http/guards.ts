/** Who may call an API route: one place that turns "no session" into 401, "wrong role" into 403,
 * and insists that a coordinator's session was opened with the second factor. */
import type { Response } from 'express';
import { caseDocId, DB, type CaseDoc, type Role } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { SessionUser } from '../auth/types.js';
import { statusOf, storedAs } from '../store-docs.js';
import type { Store } from '../store.js';

export function requireRole(res: Response, roles: readonly Role[]): SessionUser {
	const user = (res.locals.user as SessionUser | null | undefined) ?? null;
	if (!user) throw new TawasulError(401, 'unauthorized');
	if (!roles.includes(user.role)) throw new TawasulError(403, 'forbidden');
	// A coordinator session without TOTP can only be left over from before the requirement (or a
	// role change): it may not administer anything.
	if (user.role === 'coordinator' && !user.mfa) throw new TawasulError(403, 'mfa_required');
	return user;
}

/** The entity a staff member works for: staff whose session names none may see no entity's work. */
export function entityOf(user: SessionUser): string {
	if (!user.entity_id) throw new TawasulError(403, 'forbidden');
	return user.entity_id;
}

const CASE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The case, when the caller is staff of the entity that holds it; otherwise 404, as if it did not
 * exist, so staff of another entity learn nothing of it. */
export async function entityCase(store: Store, user: SessionUser, caseKey: string): Promise<CaseDoc> {
	if (!CASE_KEY.test(caseKey)) throw new TawasulError(404, 'case_not_found');
	const caseDoc = await store
		.use<CaseDoc>(DB.CASES)
		.get(caseDocId(caseKey))
		.catch((error: unknown) => {
			if (statusOf(error) === 404) return null;
			throw error;
		});
	if (!storedAs(caseDoc, 'case') || !user.entity_id || caseDoc.entity_id !== user.entity_id) throw new TawasulError(404, 'case_not_found');
	return caseDoc;
}
