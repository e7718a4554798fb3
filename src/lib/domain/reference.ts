import { toAsciiDigits } from './text';

/** Case reference numbers like `26-000123-7`: two-digit year, sequence of the year (at least six
 * digits), Damm check digit over year+sequence. Citizens read these aloud and type them back;
 * Damm catches every single wrong digit and every swap of neighbours, with no letters (unlike
 * ISO 7064 mod 11) and no weak pairs (unlike Luhn's 09↔90). */

// The standard totally anti-symmetric quasigroup of order 10 (Damm 2004).
const DAMM = [
	[0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
	[7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
	[4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
	[1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
	[6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
	[3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
	[5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
	[8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
	[9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
	[2, 5, 8, 1, 4, 3, 6, 7, 9, 0]
];

export const REFERENCE_SEQ_DIGITS = 6;
/** Ten times the national volume fits in seven digits; nine leaves room and stays a safe integer. */
const MAX_SEQ_DIGITS = 9;
const REFERENCE_DIGITS = new RegExp(`^(\\d{2})(\\d{${REFERENCE_SEQ_DIGITS},${MAX_SEQ_DIGITS}})(\\d)$`);

export function dammCheckDigit(digits: string): number {
	if (!/^\d*$/.test(digits)) throw new RangeError(`not digits: ${digits}`);
	let interim = 0;
	for (const d of digits) interim = DAMM[interim][d.charCodeAt(0) - 48];
	return interim;
}

/** `year` may be 2026 or 26; only its last two digits are kept. */
export function formatReference(year: number, seq: number): string {
	if (!Number.isInteger(year) || year < 0) throw new RangeError(`invalid year: ${year}`);
	if (!Number.isInteger(seq) || seq < 0 || String(seq).length > MAX_SEQ_DIGITS) {
		throw new RangeError(`invalid sequence: ${seq}`);
	}
	const yy = String(year % 100).padStart(2, '0');
	const body = String(seq).padStart(REFERENCE_SEQ_DIGITS, '0');
	// The check covers the digits as printed, padding included, so people can verify what they see.
	return `${yy}-${body}-${dammCheckDigit(yy + body)}`;
}

/** The canonical `YY-SSSSSS-C` form of what a person typed or read out, or null when it is not a
 * reference with a correct check digit. Spaces, dashes and Arabic-Indic digits are accepted. */
export function normalizeReference(input: unknown): string | null {
	const digits = toAsciiDigits(String(input)).replace(/[\s\-‐‑‒–—_./]/g, '');
	const m = REFERENCE_DIGITS.exec(digits);
	if (!m) return null;
	const candidate = `${m[1]}-${m[2]}-${m[3]}`;
	// Re-formatting checks the digit and rejects padding beyond six digits, which would be a
	// different string of digits and so a different check.
	return formatReference(Number(m[1]), Number(m[2])) === candidate ? candidate : null;
}

export function isValidReference(ref: string): boolean {
	return normalizeReference(ref) !== null;
}

/** A reference the server sealed to its case, as a device holds it in its mirror. */
export interface ReferenceClaim {
	case_key: string;
	ref: string;
	ref_seal: string;
}

/** What a device sends back (`POST /api/references/claims`) so that a server that lost its store
 * gives these cases their numbers again (docs/design.md, "Reference numbers"). */
export function referenceClaims(cases: readonly { case_key?: unknown; ref?: unknown; ref_seal?: unknown }[]): ReferenceClaim[] {
	return cases.flatMap((c) => (typeof c.case_key === 'string' && typeof c.ref === 'string' && typeof c.ref_seal === 'string' ? [{ case_key: c.case_key, ref: c.ref, ref_seal: c.ref_seal }] : []));
}
