/**
 * What one audit entry says: who (user id, role), when (server time), what (kind, case, entity),
 * from which device, and how it ended. Pure, so the engine and the admin API build entries the
 * same way and the specs can check them without a store.
 *
 * Entries carry no case text: the trail proves who did what, the case keeps what was said.
 */
import { randomUUID } from 'node:crypto';
import type { ActionDoc, CaseDoc, Role } from '../../../src/lib/domain/doc-types.js';
import { DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import type { ClusterDoc, ClusterStatus } from '../../../src/lib/domain/clusters.js';

/** The scope every entry is also listed under, read by coordinators only. */
export const ALL_SCOPE = '*';

export interface AuditActor {
	user_id: string;
	role: Role;
	entity_id?: string;
}

export interface AuditDoc {
	_id: string;
	type: 'audit';
	source: 'case' | 'admin' | 'auth';
	/** An action kind ('reply', 'transfer'…) or an admin change ('admin.settings.update'…). */
	kind: string;
	/** Server time of the act: when the gate received the action, or when the change was made. */
	at: string;
	/** When the server wrote this entry. */
	recorded_at: string;
	actor: AuditActor | null;
	device_id: string | null;
	/** Whose managers may read it; coordinators read every entry. */
	entity_ids: string[];
	outcome: 'applied' | 'refused' | 'failed';
	code?: string;
	action_id?: string;
	case_key?: string;
	case_ref?: string;
	/** Admin changes: what was changed and the fields that changed (never a password). */
	target?: { type: string; id: string };
	changes?: Record<string, unknown>;
}

export type CaseOutcome = { kind: 'applied'; after: CaseDoc } | { kind: 'rejected'; code: string } | { kind: 'failed' };

/** Deterministic: the engine writes the entry of an action under the same id on every replay. */
const auditDocId = (actionId: string) => `audit:${actionId}`;

/**
 * The entry of one processed action. It is in the scope of the entity that held the case before
 * and after the action (both, for a transfer) and of the acting staff member's entity; the case
 * reference is left out where the actor's entity never held the case, so an attempt on another
 * entity's case does not tell the actor's manager that case's reference.
 */
export function caseAuditEntry(action: ActionDoc, before: CaseDoc | null, outcome: CaseOutcome, recordedAt: string): AuditDoc {
	const after = outcome.kind === 'applied' ? outcome.after : null;
	const caseEntities = [before?.entity_id, after?.entity_id].filter((id): id is string => !!id);
	const actorEntity = action.author?.entity_id;
	const entityIds = [...new Set([...caseEntities, ...(actorEntity ? [actorEntity] : [])])];
	const ref = after?.ref ?? before?.ref;
	const entry: AuditDoc = {
		_id: auditDocId(action._id),
		type: DOC_TYPES.AUDIT,
		source: 'case',
		kind: action.kind,
		at: action.received_at ?? recordedAt,
		recorded_at: recordedAt,
		actor: action.author ? { ...action.author } : null,
		device_id: typeof action.device_id === 'string' ? action.device_id.slice(0, 100) : null,
		entity_ids: entityIds,
		outcome: outcome.kind === 'applied' ? 'applied' : outcome.kind === 'rejected' ? 'refused' : 'failed',
		action_id: action._id,
		case_key: action.case_key
	};
	if (outcome.kind === 'rejected') entry.code = outcome.code;
	if (outcome.kind === 'failed') entry.code = 'server';
	// A link names the other case of it (issue 13), so the trail says what was linked to what.
	const other = action.primary_key ?? action.duplicate_key;
	if (typeof other === 'string') entry.target = { type: 'case', id: other.slice(0, 100) };
	if (ref && (!actorEntity || caseEntities.length === 0 || caseEntities.includes(actorEntity))) entry.case_ref = ref;
	return entry;
}

/** What an entry made by the server itself (not from an action) starts with; its id is random,
 * since each such event happens once. */
function serverEntry(source: 'admin' | 'auth', kind: string, at: string, actor: AuditActor | null, entityIds: string[], outcome: AuditDoc['outcome']): AuditDoc {
	return {
		_id: `audit:${source === 'admin' ? 'adm' : 'auth'}:${randomUUID()}`,
		type: DOC_TYPES.AUDIT,
		source,
		kind,
		at,
		recorded_at: at,
		actor: actor ? { user_id: actor.user_id, role: actor.role, ...(actor.entity_id ? { entity_id: actor.entity_id } : {}) } : null,
		device_id: null,
		entity_ids: [...new Set(entityIds)],
		outcome
	};
}

/** The entry of one coordinator change. */
export function adminAuditEntry(input: {
	actor: AuditActor;
	kind: string;
	target: { type: string; id: string };
	entityIds?: string[];
	changes?: Record<string, unknown>;
	at: string;
	outcome?: AuditDoc['outcome'];
}): AuditDoc {
	const entry = serverEntry('admin', input.kind, input.at, input.actor, input.entityIds ?? [], input.outcome ?? 'applied');
	entry.target = input.target;
	if (input.changes) entry.changes = input.changes;
	return entry;
}

/**
 * The entry of a sign-in (granted or refused), a sign-out or a password change: kinds
 * `auth.sign_in.<method>`, `auth.sign_out`, `auth.sign_out_all`, `auth.password_change`. A staff
 * member's entries are in their entity's scope, so their manager reads them; a citizen's only in
 * the coordinators'. A refusal without a known account names what was tried in `target` (a
 * username, or a phone number masked to its country code and last two digits).
 */
export function authAuditEntry(input: { kind: string; actor: AuditActor | null; at: string; outcome?: 'applied' | 'refused'; code?: string; target?: { type: string; id: string } }): AuditDoc {
	const entry = serverEntry('auth', input.kind, input.at, input.actor, input.actor?.entity_id ? [input.actor.entity_id] : [], input.outcome ?? 'applied');
	if (input.code) entry.code = input.code;
	if (input.target) entry.target = input.target;
	return entry;
}

/** `+97336001234` → `+973••••••34`: enough to tell attempts on one number apart, not to dial it. */
export function maskPhone(value: string): string {
	const digits = value.replace(/[^\d+]/g, '').slice(0, 20);
	if (digits.length <= 6) return '•'.repeat(digits.length);
	return digits.slice(0, 4) + '•'.repeat(digits.length - 6) + digits.slice(-2);
}

/**
 * The entry of a photo redaction, its undoing, or a view of the original (issue 15, step 5):
 * kinds `redaction.apply`, `redaction.revert`, `redaction.view_original`. In the scope of the
 * entity holding the case; names the attachment, how many regions were covered, and the reason
 * given for seeing an original.
 */
export function redactionAuditEntry(input: {
	kind: 'redaction.apply' | 'redaction.revert' | 'redaction.view_original';
	user: AuditActor;
	caseDoc: Pick<CaseDoc, 'case_key' | 'ref' | 'entity_id'>;
	attachmentId: string;
	at: string;
	rects?: number;
	reason?: string;
}): AuditDoc {
	const { user, caseDoc } = input;
	const changes: Record<string, unknown> = {};
	if (input.rects !== undefined) changes.rects = input.rects;
	if (input.reason !== undefined) changes.reason = input.reason;
	return {
		_id: `audit:red:${randomUUID()}`,
		type: DOC_TYPES.AUDIT,
		source: 'case',
		kind: input.kind,
		at: input.at,
		recorded_at: input.at,
		actor: { user_id: user.user_id, role: user.role, ...(user.entity_id ? { entity_id: user.entity_id } : {}) },
		device_id: null,
		entity_ids: [caseDoc.entity_id],
		outcome: 'applied',
		case_key: caseDoc.case_key,
		...(caseDoc.ref ? { case_ref: caseDoc.ref } : {}),
		target: { type: 'attachment', id: input.attachmentId },
		...(Object.keys(changes).length ? { changes } : {})
	};
}

/** A manager moved the study of a repeated-case cluster on (issue 13). */
export function clusterAuditEntry(input: { user: AuditActor; cluster: Pick<ClusterDoc, 'cluster_id' | 'entity_id'>; from: ClusterStatus; to: ClusterStatus; at: string }): AuditDoc {
	const { user, cluster } = input;
	return {
		_id: `audit:cluster:${randomUUID()}`,
		type: DOC_TYPES.AUDIT,
		source: 'admin',
		kind: 'cluster.status',
		at: input.at,
		recorded_at: input.at,
		actor: { user_id: user.user_id, role: user.role, ...(user.entity_id ? { entity_id: user.entity_id } : {}) },
		device_id: null,
		entity_ids: [cluster.entity_id],
		outcome: 'applied',
		target: { type: 'cluster', id: cluster.cluster_id },
		changes: { from: input.from, to: input.to }
	};
}
