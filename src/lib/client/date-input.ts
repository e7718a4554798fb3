/** A day typed into a text field instead of the browser's date picker, whose format follows the
 * browser's language, not the page's: an Arabic page showed "mm/dd/yyyy" (issue 16). Pure. */
import { toAsciiDigits } from '$lib/domain/text';

const SEPARATED = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function isoOf(year: number, month: number, day: number): string | null {
	if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCMonth() !== month - 1) return null;
	return date.toISOString().slice(0, 10);
}

/** Day, month, year — the order Bahrain writes dates in both languages — in Western or
 * Arabic-Indic digits, separated by "/", "-", "." or spaces, or as eight digits on a numeric
 * keypad ("15032026"); an ISO date pasted whole is read as such. 'YYYY-MM-DD', or null. */
export function parseTypedDate(text: string): string | null {
	const plain = toAsciiDigits(text.trim()).replace(/[\u200E\u200F\u061C]/g, '');
	const iso = ISO.exec(plain);
	if (iso) return isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));
	const m = SEPARATED.exec(plain) ?? COMPACT.exec(plain);
	return m ? isoOf(Number(m[3]), Number(m[2]), Number(m[1])) : null;
}

/** An ISO day as the field shows it: "15/03/2026", digits written by `digit` (the page's). */
export function typedDate(iso: string, digit: (d: number) => string = String): string {
	const m = ISO.exec(iso);
	if (!m) return '';
	return `${m[3]}/${m[2]}/${m[1]}`.replace(/\d/g, (d) => digit(Number(d)));
}
