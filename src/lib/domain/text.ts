/** Text normalisation shared by search, duplicate detection and input parsing. Arabic is written
 * with optional vowel marks and several interchangeable letter forms; two spellings a reader
 * considers the same must compare equal, so we fold them to one form. */

// Arabic-Indic (U+0660…) and Eastern Arabic-Indic/Persian (U+06F0…) digits: phones and keyboards in
// the region type either, and every number we parse (phones, references, codes) must accept both.
const INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

export function toAsciiDigits(s: string): string {
	// Both blocks start at a code point ending in 0, so the low nibble is the digit's value.
	return s.replace(INDIC_DIGITS, (d) => String(d.charCodeAt(0) & 0xf));
}

// Harakat, shadda, sukun, hamza marks (U+064B–U+065F), dagger alef (U+0670), Quranic annotation
// signs (U+06D6–U+06ED) and tatweel (U+0640, a stretching stroke with no meaning).
const MARKS = /[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
// Bidi and joiner controls arrive when text is pasted from other apps; they are invisible.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/g;
const LETTER_FOLDS: Record<string, string> = {
	'\u0623': '\u0627', // أ → ا
	'\u0625': '\u0627', // إ → ا
	'\u0622': '\u0627', // آ → ا
	'\u0671': '\u0627', // ٱ (wasla) → ا
	'\u0649': '\u064A', // ى → ي
	'\u06CC': '\u064A', // Persian yeh (Persian/Urdu keyboards) → ي
	'\u06A9': '\u0643', // Persian kaf → ك
	'\u0629': '\u0647' // ة → ه
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

/** Fold Arabic (and Latin) text to a search key. NFKC first so presentation forms (ﻻ, ﺏ…) and
 * full-width Latin become ordinary letters before the folds below apply. */
export function normalizeArabic(s: string): string {
	return toAsciiDigits(
		s
			.normalize('NFKC')
			.replace(INVISIBLE, '')
			.replace(MARKS, '')
			.replace(FOLDABLE, (c) => LETTER_FOLDS[c])
	)
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();
}
