import type { CitizenLabel } from './phone';
import type { SuggestionDetails } from './suggestion';

/** Every stored document type, in one place (docs/design.md describes each). */
export const DOC_TYPES = {
	ACTION: 'action',
	CASE: 'case',
	ATTACHMENT: 'attachment',
	REJECTION: 'rejection',
	ENTITY: 'entity',
	CATEGORY: 'category',
	SETTINGS: 'settings',
	HOLIDAYS: 'holidays',
	ACCOUNT: 'account',
	OTP: 'otp',
	/** The global cap on sign-in codes sent (issue 10, finding 11). */
	OTP_CAP: 'otp_cap',
	/** Staff second factor (issue 3): the TOTP secret, a half-finished sign-in, an eKey sign-in in flight. */
	TOTP: 'totp',
	MFA_PENDING: 'mfa_pending',
	OIDC_TRANSACTION: 'oidc_transaction',
	/** One entry of the append-only audit trail (`audit` database). */
	AUDIT: 'audit',
	/** A photo's redaction (issue 15): which version staff are shown, the redacted bytes, who made
	 * them (`redactions` database, server only; the original stays in `intake`). */
	REDACTION: 'redaction',
	/** An SMS text the coordinator edits, in Arabic and English (`config`). */
	SMS_TEMPLATE: 'sms_template',
	SESSION: 'session',
	SMS: 'sms',
	COUNTER: 'counter',
	DEAD_LETTER: 'dead_letter',
	/** Rating the reply (issue 4): the invitation (internal, and its token-free copy in `u_`), the
	 * token index, the rating itself, the personal-data-free facts for the dashboard. */
	RATING_INVITE: 'rating_invite',
	RATING_TOKEN: 'rating_token',
	RATING: 'rating',
	/** The SMS queue (one job per message) and the numbers that replied STOP. */
	SMS_JOB: 'sms_job',
	SMS_OPT_OUT: 'sms_opt_out',
	/** An Open311 API key a coordinator issued to a partner system (hash only, in `auth`). */
	API_KEY: 'api_key',
	/** An implemented suggestion as the public sees it (issue 14), in `public`. */
	PUBLIC_SUGGESTION: 'public_suggestion',
	/** A device's Web Push subscription and one push to one of them (issue 16), in `push`. */
	PUSH_SUBSCRIPTION: 'push_subscription',
	PUSH_JOB: 'push_job',
	/** A manager's daily digest of late, due-soon and flagged cases (issue 16), in `digests`. */
	SLA_DIGEST: 'sla_digest',
	/** A group of an entity's cases about the same thing (issue 13), in `clusters`. */
	CLUSTER: 'cluster'
} as const;

export type DocType = (typeof DOC_TYPES)[keyof typeof DOC_TYPES];

export const CASE_TYPES = ['inquiry', 'complaint', 'suggestion'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const ACTION_KINDS = [
	'submit',
	'provide_info',
	'reply',
	'request_info',
	'transfer',
	'note',
	'close',
	// The citizen takes an answered or closed case back to the entity within the rating window.
	'reopen',
	// Written by the server for a rating made through the SMS link or the app, never by a device.
	'rate',
	// The entity moves a suggestion along: under study, accepted, implemented or declined.
	'suggestion_status',
	// Staff mark a case as a duplicate of a primary case of their entity; its managers undo it (issue 13).
	'link',
	'unlink',
	// Written by the server on the primary case after a link or unlink, never by a device.
	'duplicate_added',
	'duplicate_removed',
	// A citizen follows another citizen's open case of a public-place category instead of filing
	// the same report again, and counts as its supporter (issue 15).
	'follow',
	// The entity's managers show one photo of a public-place report on the public map, or withdraw it (issue 14).
	'publish_photo',
	'withdraw_photo'
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ROLES = ['citizen', 'agent', 'manager', 'coordinator', 'minister', 'kiosk'] as const;
export type Role = (typeof ROLES)[number];

export const CASE_STATUSES = ['open', 'awaiting_citizen', 'answered', 'closed'] as const;

/** Where a suggestion stands, apart from the case's status (a closed case's suggestion may still
 * be implemented months later). A suggestion without one is 'new'. */
export const SUGGESTION_STATES = ['new', 'under_study', 'accepted', 'implemented', 'declined'] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const DB = {
	INTAKE: 'intake',
	CONFIG: 'config',
	CASES: 'cases',
	AUTH: 'auth',
	/** The append-only audit trail; written by the server, read through /api/audit only. */
	AUDIT: 'audit',
	SMS: 'sms',
	ENGINE: 'engine',
	/** Rating invitations (token hashes), ratings and rating facts; server only. */
	RATINGS: 'ratings',
	/** What anyone may read without signing in: implemented suggestions (issue 14); server only. */
	PUBLIC: 'public',
	/** Redacted photos and which version of each is shown (issue 15); server only. */
	REDACTIONS: 'redactions',
	/** Citizens' Web Push subscriptions and the pushes sent to them (issue 16); server only. */
	PUSH: 'push',
	/** The managers' daily digests (issue 16), one per manager and working day; server only. */
	DIGESTS: 'digests',
	/** Repeated-case clusters (issue 13); server only, read through /api/clusters. */
	CLUSTERS: 'clusters'
} as const;

/** Only characters CouchDB allows in a database name after the prefix. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The citizen of a case imported from a legacy system: no account, no database of their own. */
export const LEGACY_CITIZEN_ID = 'legacy';

/** The author of an anonymous public report (sync-server/src/report/anonymous.ts): `anon-` and a
 * pseudonym of the number that proved it. No account, no database of their own. */
export const ANONYMOUS_AUTHOR_PREFIX = 'anon-';

/** Whether a case's citizen has an account, with a database of their own and a number to tell. */
export function hasAccount(citizenId: string): boolean {
	return citizenId !== LEGACY_CITIZEN_ID && !citizenId.startsWith(ANONYMOUS_AUTHOR_PREFIX);
}

export function userDb(userId: string): string {
	if (!ID_PATTERN.test(userId)) throw new Error(`invalid user id: ${userId}`);
	return `u_${userId}`;
}

export function entityDb(entityId: string): string {
	if (!ID_PATTERN.test(entityId)) throw new Error(`invalid entity id: ${entityId}`);
	return `e_${entityId}`;
}

export const caseDocId = (caseKey: string) => `case:${caseKey}`;
export const actionDocId = (uuid: string) => `act:${uuid}`;
export const rejectionDocId = (actionId: string) => `rejection:${actionId}`;
export const attachmentDocId = (actionId: string, name: string) => `att:${actionId}:${name}`;
/** What `attachmentDocId` makes of an action id and a file name the app would make. */
export const ATTACHMENT_ID = /^att:act:[0-9a-f-]{36}:[A-Za-z0-9._-]{1,100}$/;

export interface GeoPoint {
	lat: number;
	lng: number;
}

export interface ActionAuthor {
	user_id: string;
	role: Role;
	entity_id?: string;
}

export interface AttachmentStub {
	content_type: string;
	length?: number;
	digest?: string;
	stub?: boolean;
	data?: string | Blob;
}

/** The kiosk a case was filed at (issue 12), stamped by the server, never sent by a device. */
export interface KioskStamp {
	kiosk_id: string;
	name: string;
	centre: string;
	/** The code on the receipt of a filing the kiosk sent from its outbox (kiosk-outbox.ts). */
	receipt_code?: string;
}

export interface ActionDoc {
	_id: string;
	_rev?: string;
	type: 'action';
	kind: ActionKind;
	case_key: string;
	client_time: string;
	device_id: string;
	author?: ActionAuthor;
	received_at?: string;
	/** Filed at a self-service kiosk (server stamp). */
	kiosk?: KioskStamp;
	/** A submission's citizen as staff may see them: name or masked phone (server stamp, issue 16). */
	citizen_label?: CitizenLabel;
	// submit
	case_type?: CaseType;
	entity_id?: string;
	category_id?: string;
	subject?: string;
	locale?: 'ar' | 'en';
	location?: GeoPoint | null;
	/** When the problem was seen: the time a photo was taken, if the citizen chose to give it (issue 15). */
	observed_at?: string;
	/** A suggestion's proposer agrees to be named when it is published. */
	name_consent?: boolean;
	// most kinds
	body?: string;
	// reply: a holding answer (where the case stands); the case stays with the entity and its clock runs
	interim?: true;
	// transfer, reopen
	to_entity_id?: string;
	reason?: string;
	// rate
	reply_action_id?: string;
	scores?: Record<string, number>;
	// suggestion_status: the plan's date (accepted), when and where the change is seen (implemented)
	suggestion_state?: SuggestionState;
	target_date?: string;
	implemented_on?: string;
	link?: string;
	/** link: the primary case this one duplicates; a reply the server copies from the primary onto
	 * a linked case names the primary too (issue 13). */
	primary_key?: string;
	/** duplicate_added, duplicate_removed: the linked case. */
	duplicate_key?: string;
	/** publish_photo: the photo of this case shown to the public. */
	attachment_id?: string;
	_attachments?: Record<string, AttachmentStub>;
}

export interface AttachmentRef {
	id: string;
	name: string;
	content_type: string;
	size: number;
}

export interface TimelineEntry {
	action_id: string;
	kind: ActionKind;
	at: string;
	author_role: Role;
	author_id: string;
	body?: string;
	to_entity_id?: string;
	from_entity_id?: string;
	reason?: string;
	suggestion_state?: SuggestionState;
	target_date?: string;
	implemented_on?: string;
	link?: string;
	/** A reply that was a holding answer (see ActionDoc.interim). */
	interim?: true;
	/** link, unlink, and a reply copied from the primary: the primary case. */
	primary_key?: string;
	/** duplicate_added, duplicate_removed: the linked case. */
	duplicate_key?: string;
	/** A final reply on a primary case: the linked cases it answers too. */
	answers?: string[];
	/** The reference of the other case of a link, for the staff's timeline. */
	linked_ref?: string;
	/** publish_photo, withdraw_photo: the photo shown to the public, or no longer shown. */
	attachment_id?: string;
	attachments?: AttachmentRef[];
}

export interface SlaState {
	started_at: string;
	due_at: string;
	paused_at: string | null;
	stopped_at: string | null;
	/** Working milliseconds spent paused so far (already added to due_at). */
	paused_ms: number;
}

export interface CaseDoc {
	_id: string;
	_rev?: string;
	type: 'case';
	case_key: string;
	ref: string;
	/** Binds `ref` to this case under the server's key, so a device can prove it after a store loss. */
	ref_seal?: string;
	case_type: CaseType;
	status: CaseStatus;
	entity_id: string;
	category_id: string;
	subject: string;
	body: string;
	location: GeoPoint | null;
	/** When the problem was seen (a photo's time), as the citizen gave it; never after the case. */
	observed_at?: string;
	locale: 'ar' | 'en';
	citizen_id: string;
	/** How staff see the citizen: a name or a masked phone, never the id or the whole number. */
	citizen_label?: CitizenLabel;
	/** Filed in a category whose staff are not shown who filed (`identity: 'contact_hidden'` or
	 * `'anonymous'`): no label was kept. */
	contact_hidden?: true;
	/** Filed in a category of anonymous reporting (`identity: 'anonymous'`): staff are told so. */
	anonymous?: true;
	/** Filed at a self-service kiosk: which one (issue 12). */
	kiosk?: KioskStamp;
	created_at: string;
	routed_at: string;
	updated_at: string;
	sla: SlaState;
	timeline: TimelineEntry[];
	/** Actions this case has taken in (accepted) and refused; a replay skips both. */
	applied: string[];
	rejected: string[];
	version: number;
	/** Ratings of this case's replies, and the flag a low one raises for the entity's manager. */
	ratings?: CaseRating[];
	low_rating?: LowRatingFlag | null;
	/** How often the citizen reopened it, and the clocks of the periods before each reopening. */
	reopened?: number;
	/** Suggestions only, once the entity has moved it on from 'new'. */
	suggestion_state?: SuggestionState;
	/** The step that put the suggestion where it stands, with its plan, change or reason. */
	suggestion?: SuggestionDetails;
	/** The proposer agreed to be named when the suggestion is published. */
	name_consent?: boolean;
	sla_history?: SlaState[];
	/** This case is a duplicate of that primary case (issue 13): the primary's final reply answers it. */
	linked_to?: CaseLink;
	/** A primary case: the cases linked to it as duplicates. */
	duplicates?: CaseLink[];
	/** Citizens who follow this case instead of filing it again (issue 15), in the order they came;
	 * server only: staff see how many (`supporters`), no one sees who. */
	followers?: Follower[];
	supporters?: number;
	/** The one photo of this case its entity's managers chose to show on the public map (issue 14);
	 * the public sees its redacted version when it has one, never more. */
	public_photo?: string;
	/** In a follower's database only: another citizen's case this person follows, as
	 * projections.ts's followerView shapes it (no text, location, files or citizen). */
	followed?: true;
}

/** A citizen following a case (issue 15), with the language of their notices. */
export interface Follower {
	user_id: string;
	locale: 'ar' | 'en';
}

/** The other case of a duplicate link (issue 13), with its reference for the staff's screens. */
export interface CaseLink {
	case_key: string;
	ref: string;
}

export interface CaseRating {
	reply_action_id: string;
	scores: Record<string, number>;
	comment?: string;
	at: string;
	low: boolean;
}

export interface LowRatingFlag {
	reply_action_id: string;
	at: string;
	/** The lowest score given, and the citizen's comment for the manager. */
	min_score: number;
	comment?: string;
}

export interface RejectionDoc {
	_id: string;
	type: 'rejection';
	action_id: string;
	case_key: string;
	kind: ActionKind;
	code: string;
	at: string;
}

export interface EntityDoc {
	_id: string;
	type: 'entity';
	entity_id: string;
	name_ar: string;
	name_en: string;
	active: boolean;
}

export interface CategoryDoc {
	_id: string;
	type: 'category';
	category_id: string;
	entity_id: string;
	name_ar: string;
	name_en: string;
	case_types: CaseType[];
	/** Reports of a public place (a road, a street light): before filing one, a citizen is shown the
	 * open cases of this category nearby and may follow one instead (issue 15). Absent: false. */
	public_place?: boolean;
	/** What the entity's staff are shown of who filed (issue 14, identity levels): `named`, the name
	 * or masked phone; `contact_hidden`, neither; `anonymous`, neither, and anyone may also report
	 * without an account, at a kiosk without giving a phone. Absent: named. */
	identity?: IdentityLevel;
}

export const IDENTITY_LEVELS = ['named', 'contact_hidden', 'anonymous'] as const;
export type IdentityLevel = (typeof IDENTITY_LEVELS)[number];

export interface SettingsDoc {
	_id: 'settings';
	type: 'settings';
	response_days: number;
	time_zone: string;
	/** Day numbers, 0 = Sunday … 6 = Saturday. */
	weekend: number[];
	transfer_restarts_clock: boolean;
	/** A rating with any criterion at or below this flags the case for the manager (default 2). */
	low_rating_threshold?: number;
}

export interface HolidayDay {
	date: string;
	name_ar: string;
	name_en: string;
}

export interface HolidaysDoc {
	_id: string;
	type: 'holidays';
	year: number;
	days: HolidayDay[];
}
