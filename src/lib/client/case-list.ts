import type { ActionDoc, CaseDoc, CaseStatus, CaseType, RejectionDoc } from '$lib/domain/doc-types';

/** Where an action from this device's outbox stands. It is 'accepted' once the mirrored case lists
 * it in `applied`, 'rejected' once a `rejection:<action_id>` doc arrived; before that it is
 * 'queued' (offline) or 'sending' (online, not yet reflected by the server). */
export type ActionState = 'queued' | 'sending' | 'accepted' | 'rejected';

type Decisions = { applied?: string[]; rejected?: string[] };

export function actionState(actionId: string, caseDoc: Decisions | undefined, rejection: RejectionDoc | undefined, online: boolean): ActionState {
	// The case's own `rejected` list says so too, before the rejection doc has synced.
	if (rejection || caseDoc?.rejected?.includes(actionId)) return 'rejected';
	if (caseDoc?.applied?.includes(actionId)) return 'accepted';
	return online ? 'sending' : 'queued';
}

export type ListStatus = CaseStatus | 'queued' | 'sending' | 'rejected';

export interface CaseListItem {
	case_key: string;
	ref: string | null;
	case_type: CaseType;
	subject: string;
	entity_id: string;
	status: ListStatus;
	due_at: string | null;
	/** When it last changed, for sorting (newest first). */
	at: string;
	/** The submit action still in the outbox, for cases the server has not reflected yet. */
	action_id: string | null;
	rejection_code: string | null;
	/** Another citizen's case this person follows (issue 15). */
	followed?: boolean;
}

/** A case as replicated into the mirror: a document the server wrote before a field existed, or
 * one projected for a follower, may lack the clock and the time of the last change. */
type MirroredCase = Omit<CaseDoc, 'sla' | 'updated_at'> & Partial<Pick<CaseDoc, 'sla' | 'updated_at'>>;

export interface MergeInput {
	cases: MirroredCase[];
	/** `submit` actions from the outbox. */
	submits: ActionDoc[];
	rejections: RejectionDoc[];
	online: boolean;
	/** Rejected submissions already restored as drafts: no longer listed. */
	dismissed?: Set<string>;
}

/** The citizen's list: every case the server projected, plus each outbox submission that has no
 * case yet (waiting to send, sending, or refused). A case the server has is always shown as the
 * server says, whatever the outbox holds. */
export function mergeCaseList({ cases, submits, rejections, online, dismissed = new Set() }: MergeInput): CaseListItem[] {
	const known = new Set(cases.map((c) => c.case_key));
	const rejectionOf = new Map(rejections.map((r) => [r.action_id, r]));
	const items: CaseListItem[] = cases.map((c) => ({
		case_key: c.case_key,
		ref: c.ref,
		case_type: c.case_type,
		subject: c.subject,
		entity_id: c.entity_id,
		status: c.status,
		due_at: c.sla?.due_at ?? null,
		at: c.updated_at ?? c.created_at,
		action_id: null,
		rejection_code: null,
		...(c.followed ? { followed: true } : {})
	}));
	for (const action of submits) {
		if (action.kind !== 'submit' || known.has(action.case_key) || dismissed.has(action._id)) continue;
		const rejection = rejectionOf.get(action._id);
		const state = actionState(action._id, undefined, rejection, online);
		items.push({
			case_key: action.case_key,
			ref: null,
			case_type: action.case_type ?? 'complaint',
			subject: action.subject ?? '',
			entity_id: action.entity_id ?? '',
			status: state === 'accepted' ? 'open' : state,
			due_at: null,
			at: action.client_time,
			action_id: action._id,
			rejection_code: rejection?.code ?? null
		});
	}
	return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export interface PendingAction {
	action: ActionDoc;
	state: ActionState;
	rejection: RejectionDoc | undefined;
}

/** The outbox actions of one case that the server's projection does not include yet (or refused). */
export function pendingActions(actions: ActionDoc[], caseDoc: Decisions | undefined, rejections: RejectionDoc[], online: boolean): PendingAction[] {
	const rejectionOf = new Map(rejections.map((r) => [r.action_id, r]));
	return actions
		.map((action) => {
			const rejection = rejectionOf.get(action._id);
			return { action, rejection, state: actionState(action._id, caseDoc, rejection, online) };
		})
		.filter((p) => p.state !== 'accepted')
		.sort((a, b) => (a.action.client_time < b.action.client_time ? -1 : 1));
}

export interface LocalPhoto {
	name: string;
	blob: Blob;
}

/** The photos an outbox action carries as this device keeps them (binary), in their order: what a
 * case that has not reached the server yet shows in place of the server's copies (issue 16). */
export function photosOf(action: Pick<ActionDoc, '_attachments'>): LocalPhoto[] {
	return Object.entries(action._attachments ?? {})
		.filter(([, file]) => file.content_type.startsWith('image/') && file.data instanceof Blob)
		.map(([name, file]) => ({ name, blob: file.data as Blob }));
}
