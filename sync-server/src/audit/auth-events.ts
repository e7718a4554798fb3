/** Sign-ins, refused sign-ins and sign-outs in the audit trail (entries.ts, `authAuditEntry`). */
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { authAuditEntry, type AuditActor } from './entries.js';
import { writeAudit } from './trail.js';

export interface AuthEvent {
	kind: string;
	/** The account or session concerned, when known. */
	actor: AuditActor | null;
	target?: { type: string; id: string };
}

/** A granted sign-in, a sign-out, a password change. Written before the session opens, and its
 * failure fails the request: no session exists without its entry. */
export async function auditAuth(store: Store, at: number, event: AuthEvent): Promise<void> {
	await writeAudit(store, [authAuditEntry({ ...event, at: new Date(at).toISOString() })]);
}

/** A refused attempt, with the code the person was answered. The refusal stands whether or not
 * its entry could be written; errors of the server itself are not refusals and are not recorded. */
export async function auditRefusal(store: Store, at: number, event: AuthEvent, error: unknown): Promise<void> {
	if (!(error instanceof TawasulError) || error.status >= 500) return;
	try {
		await writeAudit(store, [authAuditEntry({ ...event, at: new Date(at).toISOString(), outcome: 'refused', code: error.code })]);
	} catch (failure) {
		log.warn('could not record a refused sign-in', { kind: event.kind, error: (failure as Error).message });
	}
}

export const actorOf = (account: { user_id: string; role: AuditActor['role']; entity_id?: string } | null | undefined): AuditActor | null =>
	account ? { user_id: account.user_id, role: account.role, ...(account.entity_id ? { entity_id: account.entity_id } : {}) } : null;
