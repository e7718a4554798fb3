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
