import { toAsciiDigits } from './text';

/** Phone numbers to E.164 (`+97339123456`), the one form stored, rate-limited and texted.
 * People type them with spaces, dashes, brackets, 00 or + prefixes and Arabic-Indic digits. */

// Separators people type, plus the invisible direction marks that come with pasted RTL text.
const SEPARATORS = /[\s\-–().\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const BAHRAIN = '973';

/** Sign-in codes go by SMS, so for Bahrain only mobile ranges (3…, 6…) are accepted; landlines
 * (1…, 7…) cannot receive the code. Elsewhere the E.164 length limits (8–15 digits) apply. */
function isValidE164(digits: string): boolean {
	if (digits.startsWith(BAHRAIN)) return /^[36]\d{7}$/.test(digits.slice(BAHRAIN.length));
	return /^[1-9]\d{7,14}$/.test(digits);
}

export function normalizePhone(input: string, defaultCountryCode = BAHRAIN): string | null {
	if (typeof input !== 'string' || !/^[1-9]\d{0,2}$/.test(defaultCountryCode)) return null;
	const m = /^(\+|00)?(\d+)$/.exec(toAsciiDigits(input).replace(SEPARATORS, ''));
	if (!m) return null;
	const [, prefix, digits] = m;
	if (prefix) return isValidE164(digits) ? `+${digits}` : null;
	// Without a prefix, "973 3912 3456" already carries the country code…
	if (digits.startsWith(defaultCountryCode) && isValidE164(digits)) return `+${digits}`;
	// …otherwise it is a national number; a leading 0 is the trunk prefix many countries dial.
	const national = defaultCountryCode + digits.replace(/^0/, '');
	return isValidE164(national) ? `+${national}` : null;
}

/** Country codes a masked number keeps: Bahrain's and its neighbours', three digits each. Elsewhere
 * a code's length is not known without a numbering table, so a masked number shows none rather
 * than a digit of the subscriber's. */
const SHOWN_COUNTRY_CODES = ['973', '966', '971', '965', '968', '974'];

/** A phone number as entity staff may see it (issue 16): enough to tell two citizens apart on the
 * phone with them, never enough to call or text them: "+973 •••• 1234". */
export function maskPhone(e164: string): string {
	const digits = e164.replace(/^\+/, '').replace(/\D/g, '');
	const last = digits.slice(-4);
	const code = SHOWN_COUNTRY_CODES.find((c) => digits.startsWith(c) && digits.length >= c.length + 6);
	return code ? `+${code} •••• ${last}` : `•••• ${last}`;
}

/** How a case names its citizen to staff: the name the person gave (an eKey sign-in) or else the
 * masked phone. The server stamps it on a submission from the session, never from the device. */
export interface CitizenLabel {
	name?: string;
	masked_phone?: string;
}

const LABEL_NAME_MAX = 100;

export function citizenLabel(person: { name?: string; phone?: string }): CitizenLabel | null {
	const name = person.name?.trim().slice(0, LABEL_NAME_MAX);
	if (name) return { name };
	return person.phone ? { masked_phone: maskPhone(person.phone) } : null;
}
