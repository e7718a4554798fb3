/** Stable error codes shared by the PWA and the sync-server. Each has a message under
 * `errors.<code>` in messages/ar.json and messages/en.json. */
export const ERROR_CODES = [
	'required',
	'too_short',
	'too_long',
	'invalid_format',
	'invalid_phone',
	'invalid_location',
	'invalid_case_type',
	'unsupported_file_type',
	'file_too_large',
	'too_many_files',
	'payload_too_large',
	// A field an action of that kind does not have; a file name the app would not make.
	'unknown_field',
	'invalid_file_name',
	'unknown_entity',
	'unknown_category',
	'category_entity_mismatch',
	'case_not_found',
	'not_allowed',
	'invalid_transition',
	'same_entity',
	'duplicate_action',
	'quota_exceeded',
	'reserved_id',
	'window_closed',
	'unauthorized',
	'forbidden',
	'otp_invalid',
	'otp_expired',
	'rate_limited',
	'bad_credentials',
	'account_disabled',
	'totp_invalid',
	'mfa_expired',
	'mfa_required',
	'totp_already_enabled',
	'totp_required',
	'otp_used_up',
	'sign_in_code_limit_number',
	'sign_in_code_limit_address',
	'sign_in_code_limit_global',
	'password_change_required',
	'dev_loopback_only',
	'oidc_failed',
	'oidc_unavailable',
	'not_found',
	'already_exists',
	'out_of_range',
	'invalid_time_zone',
	'invalid_date',
	// A holiday calendar file with no events, or more than a national calendar has (issue 16).
	'calendar_empty',
	'too_many_events',
	// Its repeats (RRULE, RDATE) would add more days than an import takes.
	'calendar_too_many_days',
	// A suggestion's target date before today; an implementation dated after today.
	'date_in_past',
	'date_in_future',
	'weak_password',
	'placeholder_mismatch',
	'placeholder_unknown',
	'placeholder_missing',
	'unknown_sms_text',
	'network',
	'server',
	// The device's own storage is full (a draft's file did not fit); never sent by the server.
	'storage_full',
	// Set aside by the rules engine (engine/dead-letters.ts), and the server still starting.
	'too_large',
	'unprocessable',
	'unavailable',
	// Self-service kiosks (issue 12): enrolment, signed requests, the citizen's session.
	'kiosk_revoked',
	'kiosk_unknown',
	'kiosk_signature_invalid',
	'kiosk_clock_skew',
	'kiosk_replay',
	'enrolment_code_invalid',
	'kiosk_no_citizen',
	'kiosk_citizen_mismatch',
	'kiosk_link_expired',
	'anonymous_not_allowed',
	'report_refused',
	'no_one_to_ask',
	'kiosk_password_retired',
	// Files the gate refuses after reading their content (sync-server/src/gate/files.ts).
	'heic_unsupported',
	'image_too_large',
	'unreadable_image',
	'pdf_active_content',
	'busy',
	// Linking a case to its primary as a duplicate (issue 13).
	'link_self',
	'link_not_open',
	'already_linked',
	'not_linked',
	'case_linked',
	// Merging similar suggestions (issue 14).
	'link_kind_mismatch',
	'suggestion_merged',
	// Following a case instead of filing it again (issue 15).
	'already_following',
	'followers_full',
	'not_public_place',
	// Block and road numbers of a point: in no block and near no road; no gazetteer file.
	'not_in_gazetteer',
	'gazetteer_off',
	// Showing a photo of a public-place report to the public.
	'not_a_photo',
	'linked_not_public',
	'no_public_photo'
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether a value (a reason from the store or the gate, a code from an answer) is a code the app knows. */
export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

export interface FieldError {
	field: string;
	code: ErrorCode;
	/** Values for the message, such as the limit that was exceeded. */
	params?: Record<string, number | string>;
}

/** An error with an HTTP status and a stable code; what every server failure is turned into. */
export class TawasulError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		readonly fields: FieldError[] = []
	) {
		super(code);
		this.name = 'TawasulError';
	}
}
