import { ALLOWED_CONTENT_TYPES } from './content-type';
import { ACTION_KINDS, ATTACHMENT_ID, CASE_TYPES, ID_PATTERN, SUGGESTION_STATES, type ActionDoc, type AttachmentStub, type ActionKind, type CaseType } from './doc-types';
import type { FieldError } from './errors';
import { checkRating } from './rating';
import { LIMITS } from './limits';
import { fileBytes, isSafeAttachmentName } from './attachment-names';
import { cleanUserText } from './user-text';
import { suggestionStepErrors } from './suggestion';

/** Field rules for actions. The form checks a draft with the same functions the server uses on
 * the action, so a citizen learns of a problem while typing, not after a sync. */

export { ALLOWED_CONTENT_TYPES, detectContentType } from './content-type';
export { normalizePhone } from './phone';

export { LIMITS } from './limits';

/** Kinds that carry files, per docs/design.md; a note or a transfer has none. */
export const KINDS_WITH_FILES: readonly ActionKind[] = ['submit', 'provide_info', 'reply'];

/** A draft read back from the device's storage may hold no type at all. */
export type DraftFields = Partial<Pick<ActionDoc, 'subject' | 'body' | 'entity_id' | 'category_id' | 'location'>> & { case_type?: CaseType | null };

type TextRule = { min: number; max: number; required: boolean };

/** Lengths are in characters (code points) after trimming, what a person counts, not UTF-16 units. */
function checkText(errors: FieldError[], field: string, value: unknown, rule: TextRule): void {
	// Counted as the gate counts it: without the bidi and control characters it removes.
	if (typeof value === 'string') value = cleanUserText(value);
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		if (rule.required) errors.push({ field, code: 'required' });
		return;
	}
	if (typeof value !== 'string') {
		errors.push({ field, code: 'invalid_format' });
		return;
	}
	const length = Array.from(value.trim()).length;
	if (length < rule.min) errors.push({ field, code: 'too_short', params: { min: rule.min } });
	else if (length > rule.max) errors.push({ field, code: 'too_long', params: { max: rule.max } });
}

function checkId(errors: FieldError[], field: string, value: unknown, required: boolean, pattern?: RegExp): void {
	if (value === undefined || value === null || value === '') {
		if (required) errors.push({ field, code: 'required' });
	} else if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
		errors.push({ field, code: 'invalid_format' });
	}
}

const CASE_KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const inRange = (n: unknown, limit: number) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit;

function checkLocation(errors: FieldError[], location: unknown): void {
	if (location === undefined || location === null) return;
	const { lat, lng } = location as { lat?: unknown; lng?: unknown };
	if (typeof location !== 'object' || !inRange(lat, 90) || !inRange(lng, 180)) {
		errors.push({ field: 'location', code: 'invalid_location' });
	}
}

/** Bytes of an attachment: the stub's length, else the size of inline base64 data or a Blob. */
function attachmentSize(att: AttachmentStub): number {
	if (typeof att.length === 'number') return att.length;
	return att.data === undefined ? 0 : fileBytes(att.data);
}

/** A device may send a file's name with nothing under it. */
function checkAttachments(errors: FieldError[], kind: ActionKind, attachments: Record<string, AttachmentStub | null | undefined> | undefined): void {
	const entries = Object.entries(attachments ?? {});
	if (!entries.length) return;
	if (!KINDS_WITH_FILES.includes(kind)) {
		errors.push({ field: '_attachments', code: 'not_allowed' });
		return;
	}
	if (entries.length > LIMITS.FILES_MAX) {
		errors.push({ field: '_attachments', code: 'too_many_files', params: { max: LIMITS.FILES_MAX } });
	}
	let total = 0;
	for (const [name, att] of entries) {
		const field = `_attachments.${name}`;
		total += att ? attachmentSize(att) : 0;
		if (!att || !(ALLOWED_CONTENT_TYPES as readonly string[]).includes(att.content_type)) {
			errors.push({ field, code: 'unsupported_file_type' });
		} else if (!isSafeAttachmentName(name, att.content_type)) {
			errors.push({ field, code: 'invalid_file_name' });
		} else if (attachmentSize(att) > LIMITS.FILE_BYTES_MAX) {
			errors.push({ field, code: 'file_too_large', params: { max: LIMITS.FILE_BYTES_MAX } });
		}
	}
	if (total > LIMITS.ACTION_FILE_BYTES_MAX) {
		errors.push({ field: '_attachments', code: 'payload_too_large', params: { max: LIMITS.ACTION_FILE_BYTES_MAX } });
	}
}

/** The fields of a new case, as the form holds them. The entity may be left to the routing table. */
export function validateDraftFields(fields: DraftFields): FieldError[] {
	const errors: FieldError[] = [];
	if (fields.case_type === undefined || fields.case_type === null) errors.push({ field: 'case_type', code: 'required' });
	else if (!CASE_TYPES.includes(fields.case_type)) errors.push({ field: 'case_type', code: 'invalid_case_type' });
	checkId(errors, 'entity_id', fields.entity_id, false, ID_PATTERN);
	checkId(errors, 'category_id', fields.category_id, true);
	checkText(errors, 'subject', fields.subject, { min: LIMITS.SUBJECT_MIN, max: LIMITS.SUBJECT_MAX, required: true });
	checkText(errors, 'body', fields.body, { min: LIMITS.SUBMIT_BODY_MIN, max: LIMITS.BODY_MAX, required: true });
	checkLocation(errors, fields.location);
	return errors;
}

const BODY: TextRule = { min: LIMITS.BODY_MIN, max: LIMITS.BODY_MAX, required: true };

function checkKindFields(errors: FieldError[], action: ActionDoc): void {
	switch (action.kind) {
		case 'submit': {
			errors.push(...validateDraftFields(action));
			// Whatever the device sent, not only what the type allows.
			const locale: unknown = action.locale;
			if (locale !== undefined && locale !== 'ar' && locale !== 'en') {
				errors.push({ field: 'locale', code: 'invalid_format' });
			}
			if (action.name_consent !== undefined && typeof action.name_consent !== 'boolean') errors.push({ field: 'name_consent', code: 'invalid_format' });
			return;
		}
		case 'provide_info':
		case 'reply':
		case 'request_info':
		case 'note':
			checkText(errors, 'body', action.body, BODY);
			return;
		case 'close':
			checkText(errors, 'body', action.body, { ...BODY, required: false });
			return;
		case 'transfer':
			checkId(errors, 'to_entity_id', action.to_entity_id, true, ID_PATTERN);
			checkText(errors, 'reason', action.reason, { min: LIMITS.REASON_MIN, max: LIMITS.REASON_MAX, required: true });
			return;
		case 'reopen':
			checkText(errors, 'reason', action.reason, { min: LIMITS.REASON_MIN, max: LIMITS.REASON_MAX, required: true });
			return;
		case 'suggestion_status':
			// 'new' is where a suggestion starts, never where it is moved to.
			if (action.suggestion_state === undefined || (action.suggestion_state as string) === '') errors.push({ field: 'suggestion_state', code: 'required' });
			else if (action.suggestion_state === 'new' || !SUGGESTION_STATES.includes(action.suggestion_state)) errors.push({ field: 'suggestion_state', code: 'invalid_format' });
			else errors.push(...suggestionStepErrors(action));
			if (!errors.some((e) => e.field === 'body')) checkText(errors, 'body', action.body, { ...BODY, required: false });
			return;
		case 'link':
			checkId(errors, 'primary_key', action.primary_key, true, CASE_KEY_PATTERN);
			return;
		case 'publish_photo':
			checkId(errors, 'attachment_id', action.attachment_id, true, ATTACHMENT_ID);
			return;
		case 'duplicate_added':
		case 'duplicate_removed':
			checkId(errors, 'duplicate_key', action.duplicate_key, true, CASE_KEY_PATTERN);
			return;
		case 'rate': {
			checkId(errors, 'reply_action_id', action.reply_action_id, true, /^act:./);
			const rating = checkRating({ scores: action.scores ?? {}, comment: action.body });
			if (!rating.ok) errors.push(...rating.errors.map((e) => (e.field === 'comment' ? { ...e, field: 'body' } : e)));
			return;
		}
	}
}

/** Empty when the action is well formed. Whether it is allowed on the case is case-state's job. */
export function validateAction(action: ActionDoc): FieldError[] {
	const errors: FieldError[] = [];
	// Whatever the device sent, not only what the type allows.
	const type: unknown = action.type;
	if (type !== 'action') errors.push({ field: 'type', code: 'invalid_format' });
	if (!ACTION_KINDS.includes(action.kind)) return [...errors, { field: 'kind', code: 'invalid_format' }];
	checkId(errors, '_id', action._id, true, /^act:./);
	checkId(errors, 'case_key', action.case_key, true);
	checkId(errors, 'device_id', action.device_id, true);
	if (typeof action.client_time !== 'string' || Number.isNaN(Date.parse(action.client_time))) {
		errors.push({ field: 'client_time', code: 'invalid_format' });
	}
	checkKindFields(errors, action);
	checkAttachments(errors, action.kind, action._attachments);
	return errors;
}
