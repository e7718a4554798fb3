/** One strict schema per action kind (docs/design.md, intake): every field of every kind, with the
 * limits of the app's forms, and nothing else. The gate parses every pushed action with it, the
 * app checks an action with it before queueing it, so what one accepts the other accepts.
 * Unknown fields are refused, not dropped: a field nobody reads is still carried into every
 * projection and audit copy (issue 10, finding 7: a location with an extra 3 MB field). */
import * as v from 'valibot';
import { fileBytes, isSafeAttachmentName } from './attachment-names';
import { ALLOWED_CONTENT_TYPES } from './content-type';
import { ACTION_KINDS, ATTACHMENT_ID, CASE_TYPES, ID_PATTERN, ROLES, SUGGESTION_STATES, type ActionDoc, type ActionKind } from './doc-types';
import type { FieldError } from './errors';
import { LIMITS } from './limits';
import { cleanUserText } from './user-text';
import { isLocalDate, isPublicLink, SUGGESTION_LINK_MAX } from './suggestion';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ACTION_ID = /^act:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIRST_REV = /^1-[0-9a-f]{1,64}$/;
const REV_HASH = /^[0-9a-f]{1,64}$/;
const DEVICE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MD5_DIGEST = /^md5-[A-Za-z0-9+/]{22}==$/;

const codePoints = (s: string) => {
	let n = 0;
	for (const _ of s) n++;
	return n;
};

/** User text: cleaned (user-text.ts), then measured in characters after trimming. The length in
 * UTF-16 units bounds the count first, so a huge string is refused without walking it. */
function text(min: number, max: number) {
	return v.pipe(
		v.string('invalid_format'),
		v.maxLength(max * 2 + 1000, 'too_long'),
		v.transform(cleanUserText),
		v.check((s) => s.trim() !== '', 'required'),
		v.check((s) => codePoints(s.trim()) >= min, 'too_short'),
		v.check((s) => codePoints(s.trim()) <= max, 'too_long')
	);
}

const id = (pattern: RegExp) => v.pipe(v.string('invalid_format'), v.maxLength(200, 'invalid_format'), v.regex(pattern, 'invalid_format'));
const coordinate = (limit: number) => v.pipe(v.number('invalid_location'), v.finite('invalid_location'), v.minValue(-limit, 'invalid_location'), v.maxValue(limit, 'invalid_location'));

// An array is an object to JavaScript; [lat, lng] is still not a location.
const LOCATION = v.nullable(
	v.pipe(
		v.custom<object>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'invalid_location'),
		v.strictObject({ lat: coordinate(90), lng: coordinate(180) }, 'invalid_location')
	)
);

const FILE = v.strictObject({
	content_type: v.picklist(ALLOWED_CONTENT_TYPES, 'unsupported_file_type'),
	// Inline data only: a stub would point at a file the device never sent. Base64 on the wire,
	// a Blob in the app's outbox before it is sent.
	data: v.union([v.pipe(v.string(), v.regex(BASE64)), v.blob()], 'invalid_format'),
	digest: v.optional(v.pipe(v.string(), v.regex(MD5_DIGEST, 'invalid_format'))),
	revpos: v.optional(v.literal(1, 'invalid_format')),
	length: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)))
});

const FILES = v.pipe(
	v.record(v.string(), FILE),
	v.check((files) => Object.keys(files).length <= LIMITS.FILES_MAX, 'too_many_files'),
	v.check((files) => Object.entries(files).every(([name, file]) => isSafeAttachmentName(name, file.content_type)), 'invalid_file_name'),
	v.check((files) => Object.values(files).every((file) => fileBytes(file.data) <= LIMITS.FILE_BYTES_MAX), 'file_too_large'),
	v.check((files) => Object.values(files).reduce((sum, file) => sum + fileBytes(file.data), 0) <= LIMITS.ACTION_FILE_BYTES_MAX, 'payload_too_large')
);

/** The fields every action has. `author` may be sent (the gate compares it with the session and
 * stamps its own); `received_at` may not: server time is the gate's to give. */
const ENVELOPE = {
	_id: id(ACTION_ID),
	_rev: v.optional(id(FIRST_REV)),
	// With new_edits=false the store builds the revision from `_revisions`: only a first revision,
	// the one `_rev` names, is an action as its device made it.
	_revisions: v.optional(v.strictObject({ start: v.literal(1, 'invalid_format'), ids: v.strictTuple([id(REV_HASH)], 'invalid_format') }, 'invalid_format')),
	type: v.literal('action', 'invalid_format'),
	case_key: id(UUID),
	client_time: v.pipe(
		v.string('invalid_format'),
		v.regex(ISO_TIME, 'invalid_format'),
		v.check((s) => !Number.isNaN(Date.parse(s)), 'invalid_format')
	),
	device_id: id(DEVICE_ID),
	author: v.optional(v.strictObject({ user_id: id(ID_PATTERN), role: v.picklist(ROLES, 'invalid_format'), entity_id: v.optional(id(ID_PATTERN)) }, 'invalid_format'))
};

const body = text(LIMITS.BODY_MIN, LIMITS.BODY_MAX);
const LOCAL_DATE_FIELD = v.pipe(
	v.string('invalid_date'),
	v.maxLength(10, 'invalid_date'),
	v.check((s: string) => isLocalDate(s), 'invalid_date')
);
const reason = text(LIMITS.REASON_MIN, LIMITS.REASON_MAX);
const kind = <K extends ActionKind>(name: K) => v.literal(name, 'invalid_format');

export const ACTION_SCHEMAS = {
	submit: v.strictObject({
		...ENVELOPE,
		kind: kind('submit'),
		case_type: v.picklist(CASE_TYPES, 'invalid_case_type'),
		// Empty or absent: the routing table decides from the category.
		entity_id: v.optional(v.union([v.literal(''), id(ID_PATTERN)], 'invalid_format')),
		category_id: id(ID_PATTERN),
		subject: text(LIMITS.SUBJECT_MIN, LIMITS.SUBJECT_MAX),
		body: text(LIMITS.SUBMIT_BODY_MIN, LIMITS.BODY_MAX),
		location: v.optional(LOCATION),
		observed_at: v.optional(
			v.pipe(
				v.string('invalid_format'),
				v.maxLength(40, 'invalid_format'),
				v.regex(ISO_TIME, 'invalid_format'),
				v.check((s) => !Number.isNaN(Date.parse(s)), 'invalid_format')
			)
		),
		locale: v.optional(v.picklist(['ar', 'en'], 'invalid_format')),
		name_consent: v.optional(v.boolean('invalid_format')),
		_attachments: v.optional(FILES)
	}),
	provide_info: v.strictObject({ ...ENVELOPE, kind: kind('provide_info'), body, _attachments: v.optional(FILES) }),
	reply: v.strictObject({ ...ENVELOPE, kind: kind('reply'), body, interim: v.optional(v.literal(true, 'invalid_format')), _attachments: v.optional(FILES) }),
	request_info: v.strictObject({ ...ENVELOPE, kind: kind('request_info'), body }),
	note: v.strictObject({ ...ENVELOPE, kind: kind('note'), body }),
	close: v.strictObject({ ...ENVELOPE, kind: kind('close'), body: v.optional(body) }),
	transfer: v.strictObject({ ...ENVELOPE, kind: kind('transfer'), to_entity_id: id(ID_PATTERN), reason }),
	reopen: v.strictObject({ ...ENVELOPE, kind: kind('reopen'), reason }),
	suggestion_status: v.strictObject({
		...ENVELOPE,
		kind: kind('suggestion_status'),
		// 'new' is where a suggestion starts, never where it is moved to.
		suggestion_state: v.picklist(
			SUGGESTION_STATES.filter((s) => s !== 'new'),
			'invalid_format'
		),
		body: v.optional(body),
		// What each state needs of these is suggestion.ts's to say; here only their shape.
		reason: v.optional(reason),
		target_date: v.optional(LOCAL_DATE_FIELD),
		implemented_on: v.optional(LOCAL_DATE_FIELD),
		link: v.optional(
			v.pipe(
				v.string('invalid_format'),
				v.maxLength(SUGGESTION_LINK_MAX, 'too_long'),
				v.check((s: string) => isPublicLink(s), 'invalid_format')
			)
		)
	}),
	// Staff mark this case as a duplicate of the primary case; its managers undo it (issue 13).
	link: v.strictObject({ ...ENVELOPE, kind: kind('link'), primary_key: id(UUID) }),
	unlink: v.strictObject({ ...ENVELOPE, kind: kind('unlink') }),
	// A citizen follows another citizen's case of a public-place category (issue 15): nothing but the case.
	// `locale`: the language of the follower's notices.
	follow: v.strictObject({ ...ENVELOPE, kind: kind('follow'), locale: v.optional(v.picklist(['ar', 'en'], 'invalid_format')) }),
	// The entity's managers show one photo of a public-place report on the public map, and withdraw it (issue 14).
	publish_photo: v.strictObject({ ...ENVELOPE, kind: kind('publish_photo'), attachment_id: id(ATTACHMENT_ID) }),
	withdraw_photo: v.strictObject({ ...ENVELOPE, kind: kind('withdraw_photo') }),
	// Written by the server on the primary after a link or an unlink, never pushed by a device.
	duplicate_added: v.strictObject({ ...ENVELOPE, kind: kind('duplicate_added'), duplicate_key: id(UUID) }),
	duplicate_removed: v.strictObject({ ...ENVELOPE, kind: kind('duplicate_removed'), duplicate_key: id(UUID) }),
	// Written by the server (rating link or app), never pushed by a device; here so that the one
	// description of an action covers every kind.
	rate: v.strictObject({
		...ENVELOPE,
		kind: kind('rate'),
		reply_action_id: id(/^act:[\w:-]{1,120}$/),
		scores: v.strictObject({
			handling: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
			clarity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
			courtesy: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
			ease_of_use: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5))
		}),
		body: v.optional(text(0, LIMITS.COMMENT_MAX))
	})
} satisfies Record<ActionKind, v.GenericSchema>;

export type ParsedAction = { ok: true; action: ActionDoc } | { ok: false; errors: FieldError[] };

/** Maps valibot's issues to the project's field errors: a missing key is `required`, a key the
 * kind does not have is `unknown_field`, a wrong type `invalid_format` (or the code the schema
 * names). Only the first issue per field is kept. */
function fieldErrors(issues: v.BaseIssue<unknown>[]): FieldError[] {
	const errors: FieldError[] = [];
	for (const issue of issues) {
		const field = (issue.path ?? []).map((p) => String(p.key)).join('.') || 'action';
		if (errors.some((e) => e.field === field)) continue;
		let code = issue.message;
		if (issue.type === 'strict_object' && issue.expected === 'never') code = 'unknown_field';
		else if (issue.kind === 'schema' && issue.input === undefined) code = 'required';
		else if (!/^[a-z_]+$/.test(code)) code = 'invalid_format';
		errors.push({ field, code: code as FieldError['code'] });
	}
	return errors;
}

/** Parses one action with its kind's schema. On success the action's text is cleaned (bidi and
 * control characters removed), everything else as it was sent. */
export function parseAction(raw: unknown): ParsedAction {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: [{ field: 'action', code: 'invalid_format' }] };
	const kindName = (raw as { kind?: unknown }).kind;
	if (typeof kindName !== 'string' || !(ACTION_KINDS as readonly string[]).includes(kindName)) {
		return { ok: false, errors: [{ field: 'kind', code: 'invalid_format' }] };
	}
	const result = v.safeParse(ACTION_SCHEMAS[kindName as ActionKind], raw);
	return result.success ? { ok: true, action: result.output } : { ok: false, errors: fieldErrors(result.issues) };
}
