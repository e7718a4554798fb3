/** What each reader's database holds of a case, and how it is written so that a replay writes
 * nothing new: every projection revision is `<version>-md5(case, db, version)` with its whole
 * ancestry, stored with `new_edits: false`. Writing a revision the database already has is a
 * no-op in CouchDB, and a newer one extends the same branch, so no read is needed first. */
import { createHash } from 'node:crypto';
import type { CaseDoc, RejectionDoc, TimelineEntry } from '../../../src/lib/domain/doc-types.js';
import { entityDb, hasAccount, userDb, rejectionDocId, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';

/** CouchDB keeps 1000 revisions by default; cases rarely reach 100 versions. */
const MAX_ANCESTRY = 100;

export interface StoredDoc {
	_id: string;
	_rev: string;
	_revisions: { start: number; ids: string[] };
	_deleted?: boolean;
	[field: string]: unknown;
}

function revHash(id: string, db: string, version: number): string {
	return createHash('md5').update(`${id}\u0000${db}\u0000${version}`).digest('hex');
}

/** Stamps a document with the deterministic revision `version` for database `db`. */
export function withRevision(doc: { _id: string }, db: string, version: number): StoredDoc {
	const ids: string[] = [];
	for (let v = version; v >= 1 && ids.length < MAX_ANCESTRY; v--) ids.push(revHash(doc._id, db, v));
	return { ...doc, _rev: `${version}-${ids[0]}`, _revisions: { start: version, ids } };
}

/** Staff-only entries: internal notes, the links between cases of different citizens (issue 13),
 * who follows the case (issue 15), and the entity's choice of a photo for the public map (issue 14). */
const STAFF_ONLY_KINDS = new Set(['note', 'link', 'unlink', 'duplicate_added', 'duplicate_removed', 'follow', 'publish_photo', 'withdraw_photo']);

/** A timeline entry as the citizen sees it: nothing of the other cases a link joins it to. */
function citizenEntry(entry: TimelineEntry): TimelineEntry {
	const { primary_key: _primary, duplicate_key: _duplicate, answers: _answers, linked_ref: _ref, ...rest } = entry;
	return rest;
}

/** The citizen sees the case without internal notes and without staff bookkeeping. */
export function citizenView(caseDoc: CaseDoc): Record<string, unknown> & { _id: string } {
	const notes = new Set(caseDoc.timeline.filter((e) => STAFF_ONLY_KINDS.has(e.kind)).map((e) => e.action_id));
	return {
		_id: caseDoc._id,
		type: DOC_TYPES.CASE,
		case_key: caseDoc.case_key,
		ref: caseDoc.ref,
		...(caseDoc.ref_seal ? { ref_seal: caseDoc.ref_seal } : {}),
		case_type: caseDoc.case_type,
		status: caseDoc.status,
		entity_id: caseDoc.entity_id,
		category_id: caseDoc.category_id,
		subject: caseDoc.subject,
		body: caseDoc.body,
		location: caseDoc.location,
		...(caseDoc.observed_at ? { observed_at: caseDoc.observed_at } : {}),
		locale: caseDoc.locale,
		citizen_id: caseDoc.citizen_id,
		...(caseDoc.kiosk ? { kiosk: caseDoc.kiosk } : {}),
		created_at: caseDoc.created_at,
		updated_at: caseDoc.updated_at,
		sla: caseDoc.sla,
		...(caseDoc.suggestion_state ? { suggestion_state: caseDoc.suggestion_state } : {}),
		...(caseDoc.suggestion ? { suggestion: caseDoc.suggestion } : {}),
		...(caseDoc.name_consent ? { name_consent: true } : {}),
		timeline: caseDoc.timeline.filter((e) => !notes.has(e.action_id)).map(citizenEntry),
		applied: caseDoc.applied.filter((id) => !notes.has(id)),
		version: caseDoc.version
	};
}

/** Entity staff see the whole case, internal notes included, and how many citizens support it,
 * not who (issue 15). */
function staffView(caseDoc: CaseDoc): Record<string, unknown> & { _id: string } {
	const { _rev, followers: _followers, ...view } = caseDoc;
	return view;
}

/** The steps of a case its followers see (issue 15): where it stands, never what was written. */
const FOLLOWER_KINDS = new Set(['submit', 'reply', 'request_info', 'provide_info', 'transfer', 'close', 'reopen', 'suggestion_status']);

/** A followed case as its follower sees it (issue 15): read-only, of a public-place category, so
 * its reference, subject, status and steps, but nothing of the citizen who filed it: no text, no
 * location, no files, no names, no replies' wording (a reply may address that citizen). */
function followerView(caseDoc: CaseDoc): Record<string, unknown> & { _id: string } {
	return {
		_id: caseDoc._id,
		type: DOC_TYPES.CASE,
		followed: true,
		case_key: caseDoc.case_key,
		ref: caseDoc.ref,
		case_type: caseDoc.case_type,
		status: caseDoc.status,
		entity_id: caseDoc.entity_id,
		category_id: caseDoc.category_id,
		subject: caseDoc.subject,
		created_at: caseDoc.created_at,
		updated_at: caseDoc.updated_at,
		sla: caseDoc.sla,
		supporters: caseDoc.supporters ?? 0,
		timeline: caseDoc.timeline
			.filter((e) => FOLLOWER_KINDS.has(e.kind))
			.map((e) => ({
				action_id: e.action_id,
				kind: e.kind,
				at: e.at,
				author_role: e.author_role,
				...(e.interim ? { interim: true } : {}),
				...(e.kind === 'transfer' ? { from_entity_id: e.from_entity_id, to_entity_id: e.to_entity_id } : {})
			})),
		version: caseDoc.version
	};
}

/** The followers' databases this version of the case is written to: all of them after a step
 * they see, only the new follower's after a follow, none after anything else (a note, a link).
 * From the case alone, so that a replay writes the same. */
function followerTargets(caseDoc: CaseDoc): string[] {
	const last = caseDoc.timeline.at(-1);
	const followers = caseDoc.followers ?? [];
	if (!last || followers.length === 0) return [];
	if (last.kind === 'follow') return followers.some((f) => f.user_id === last.author_id) ? [userDb(last.author_id)] : [];
	return FOLLOWER_KINDS.has(last.kind) ? followers.map((f) => userDb(f.user_id)) : [];
}

export interface Projection {
	db: string;
	doc: StoredDoc;
}

/** Entities that held the case before a transfer, from the timeline itself so that a replay
 * after a crash still knows where to remove the case from. */
export function formerEntityDbs(caseDoc: CaseDoc): string[] {
	const former = new Set<string>();
	for (const entry of caseDoc.timeline) {
		if (entry.kind === 'transfer' && entry.from_entity_id) former.add(entityDb(entry.from_entity_id));
	}
	former.delete(entityDb(caseDoc.entity_id));
	return [...former];
}

/** The projections of one case at its current version, including its removal from the
 * databases of entities that transferred it away. */
export function projectCase(caseDoc: CaseDoc): { writes: Projection[]; targets: string[] } {
	// A case imported from a legacy system, or an anonymous report, has no citizen account to project to.
	const citizen = hasAccount(caseDoc.citizen_id) ? userDb(caseDoc.citizen_id) : null;
	const entity = entityDb(caseDoc.entity_id);
	const writes: Projection[] = [
		...(citizen ? [{ db: citizen, doc: withRevision(citizenView(caseDoc), citizen, caseDoc.version) }] : []),
		{ db: entity, doc: withRevision(staffView(caseDoc), entity, caseDoc.version) }
	];
	for (const db of followerTargets(caseDoc)) writes.push({ db, doc: withRevision(followerView(caseDoc), db, caseDoc.version) });
	for (const db of formerEntityDbs(caseDoc)) {
		const gone = withRevision({ _id: caseDoc._id }, db, caseDoc.version);
		writes.push({ db, doc: { ...gone, _deleted: true } });
	}
	return { writes, targets: citizen ? [citizen, entity] : [entity] };
}

export function rejectionDoc(actionId: string, caseKey: string, kind: RejectionDoc['kind'], code: string, at: string, authorId: string, fields?: unknown): Projection {
	const db = userDb(authorId);
	const doc = { _id: rejectionDocId(actionId), type: DOC_TYPES.REJECTION, action_id: actionId, case_key: caseKey, kind, code, fields, at };
	return { db, doc: withRevision(doc, db, 1) };
}
