/** What a person types to sign in with their phone, read the same way on the app's sign-in page
 * and at a kiosk: the number in any usual form (local, +973, Arabic-Indic digits) and the six-digit
 * code, each either accepted as the server wants it or refused with the message to show. */
import { normalizePhone } from '$lib/domain/validation';
import { toAsciiDigits } from '$lib/domain/text';
import { t } from './i18n.svelte';

export type Read = { ok: true; value: string } | { ok: false; error: string };

/** The number in E.164, or why not. */
export function readPhone(text: string): Read {
	const e164 = normalizePhone(text);
	return e164 ? { ok: true, value: e164 } : { ok: false, error: t('errors.invalid_phone') };
}

/** The sign-in code as six ASCII digits, or why not. */
export function readCode(text: string): Read {
	const digits = toAsciiDigits(text).replace(/\s/g, '');
	return /^\d{6}$/.test(digits) ? { ok: true, value: digits } : { ok: false, error: t('errors.otp_invalid') };
}
