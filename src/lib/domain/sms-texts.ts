/**
 * The SMS messages a coordinator may reword (config `sms_template:<key>`, in Arabic and English),
 * the words in curly brackets each one fills in, and those it cannot do without: a rating
 * invitation without its link, or a sign-in message without its code, is useless, so a text that
 * leaves one out is refused, and a stored text without it gets it added when it is sent. The
 * notices about a case (issue 16) cannot do without the case's reference number.
 * The managers' daily digest (issue 16) is counts only: a text may leave any of them out.
 */
export const SMS_TEXTS = {
	rating_invite: { placeholders: ['entity', 'ref', 'link'], required: ['link'], message: 'rating.sms.invite' },
	sign_in_code: { placeholders: ['code', 'minutes'], required: ['code'], message: 'auth.sms.code' },
	notice_reference_issued: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.reference_issued' },
	notice_info_requested: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.info_requested' },
	notice_transferred: { placeholders: ['ref', 'entity', 'from_entity'], required: ['ref'], message: 'notice.sms.transferred' },
	notice_interim_reply: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.interim_reply' },
	notice_reopened: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.reopened' },
	notice_suggestion_under_study: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.suggestion_under_study' },
	notice_suggestion_accepted: { placeholders: ['ref', 'entity', 'target_date'], required: ['ref'], message: 'notice.sms.suggestion_accepted' },
	notice_suggestion_implemented: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.suggestion_implemented' },
	notice_suggestion_declined: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.suggestion_declined' },
	// The managers' daily digest: the counts say it all, so no value is indispensable.
	manager_digest: { placeholders: ['day', 'late', 'due_soon', 'low_ratings', 'reopened', 'link'], required: [], message: 'digest.sms.text' },
	// To the citizens who follow a case instead of filing it again (issue 15).
	notice_followed_answered: { placeholders: ['ref', 'entity'], required: ['ref'], message: 'notice.sms.followed_answered' }
} as const satisfies Record<string, { placeholders: readonly string[]; required: readonly string[]; message: string }>;

export type SmsTextKey = keyof typeof SMS_TEXTS;
export const SMS_TEXT_KEYS = Object.keys(SMS_TEXTS) as SmsTextKey[];

export const isSmsTextKey = (key: string): key is SmsTextKey => Object.hasOwn(SMS_TEXTS, key);

/** The placeholders a text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
	return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))];
}

/** Fills a text's placeholders; a required value the text left out is added at its end. */
export function fillSmsText(key: SmsTextKey, text: string, values: Record<string, string | undefined>): string {
	const filled = text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
	const used = new Set(placeholdersIn(text));
	const missing = (SMS_TEXTS[key].required as readonly string[]).filter((name) => !used.has(name) && values[name] !== undefined);
	return [filled, ...missing.map((name) => values[name])].join(' ');
}
