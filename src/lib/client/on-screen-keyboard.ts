/** The kiosk's on-screen keyboard (issue 12): the keys of each layout, and what a key does to the
 * text of a field and its selection. Pure, so the same steps run in the browser and in tests. */

export type KeyboardLayout = 'ar' | 'en' | 'digits';

/** One row of keys; each key types the characters it shows. */
type Rows = readonly (readonly string[])[];

const DIGITS_ROW = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** The Arabic PC layout's letters, with the hamza seats and lam-alef a phone keyboard offers. */
const ARABIC: Rows = [
	DIGITS_ROW,
	['ض', 'ص', 'ث', 'ق', 'ف', 'غ', 'ع', 'ه', 'خ', 'ح', 'ج', 'د'],
	['ش', 'س', 'ي', 'ب', 'ل', 'ا', 'ت', 'ن', 'م', 'ك', 'ط', 'ذ'],
	['ئ', 'ء', 'ؤ', 'ر', 'لا', 'ى', 'ة', 'و', 'ز', 'ظ', 'أ', 'إ'],
	['آ', '،', '.', '؟', '-', '/', '@']
];

const ENGLISH: Rows = [
	DIGITS_ROW,
	['q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
	['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l'],
	['z', 'x', 'c', 'v', 'b', 'n', 'm'],
	[',', '.', '?', '-', '/', '@', "'"]
];

/** Phone numbers and codes: a phone's dial pad. */
const DIAL: Rows = [
	['1', '2', '3'],
	['4', '5', '6'],
	['7', '8', '9'],
	['+', '0']
];

export function rowsOf(layout: KeyboardLayout, shifted = false): Rows {
	if (layout === 'digits') return DIAL;
	if (layout === 'ar') return ARABIC;
	return shifted ? ENGLISH.map((row) => row.map((key) => key.toUpperCase())) : ENGLISH;
}

/** The layout a field wants: the dial pad for phone numbers and codes, else the language's. */
export function layoutFor(field: { type: string; inputMode: string }, language: 'ar' | 'en'): KeyboardLayout {
	if (field.type === 'tel' || field.inputMode === 'numeric' || field.inputMode === 'tel' || field.inputMode === 'decimal') return 'digits';
	return language;
}

export interface FieldText {
	value: string;
	/** The selection; equal ends are the caret. */
	start: number;
	end: number;
	/** The field's maxlength, or a negative number when it has none. */
	maxLength: number;
}

export type KeyAction = { kind: 'type'; text: string } | { kind: 'backspace' };

/** The field after one key: typed text replaces the selection (nothing is typed past maxlength);
 * backspace removes the selection, or the character before the caret (a whole surrogate pair). */
export function applyKey(field: FieldText, action: KeyAction): FieldText {
	const start = Math.max(0, Math.min(field.start, field.end, field.value.length));
	const end = Math.min(field.value.length, Math.max(field.start, field.end));
	if (action.kind === 'type') {
		const value = field.value.slice(0, start) + action.text + field.value.slice(end);
		if (field.maxLength >= 0 && value.length > field.maxLength && value.length > field.value.length) return field;
		return { ...field, value, start: start + action.text.length, end: start + action.text.length };
	}
	if (start !== end) return { ...field, value: field.value.slice(0, start) + field.value.slice(end), start, end: start };
	if (start === 0) return field;
	const low = field.value.charCodeAt(start - 1);
	const width = start >= 2 && low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
	return { ...field, value: field.value.slice(0, start - width) + field.value.slice(start), start: start - width, end: start - width };
}
