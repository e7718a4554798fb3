/** What every admin route needs, and the one way an admin change is written to the audit trail. */
import type { MfaService } from '../auth/mfa.js';
import type { SessionService } from '../auth/sessions.js';
import type { SessionUser } from '../auth/types.js';
import { adminAuditEntry } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';
import type { Store } from '../store.js';

export interface AdminContext {
	store: Store;
	sessions: SessionService;
	mfa: MfaService;
	now: () => number;
}

/** Written after the change itself: a change that failed leaves no entry, and an entry never
 * describes a change that did not happen. */
export async function auditChange(
	ctx: AdminContext,
	user: SessionUser,
	kind: string,
	target: { type: string; id: string },
	options: { entityIds?: (string | undefined)[]; changes?: Record<string, unknown> } = {}
): Promise<void> {
	await writeAudit(ctx.store, [
		adminAuditEntry({
			actor: { user_id: user.user_id, role: user.role },
			kind,
			target,
			entityIds: (options.entityIds ?? []).filter((id): id is string => !!id),
			changes: options.changes,
			at: new Date(ctx.now()).toISOString()
		})
	]);
}
