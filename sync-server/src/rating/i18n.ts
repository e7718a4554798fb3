/** The PWA's message catalogues (messages/*.json), read once, for the server's own pages and
 * SMS texts, so every user-facing string lives in one place in both languages. */
import fs from 'node:fs';

export type Locale = 'ar' | 'en';
type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
	for (const [key, value] of Object.entries(tree)) {
		const path = prefix ? `${prefix}.${key}` : key;
		if (typeof value === 'string') out[path] = value;
		else flatten(value, path, out);
	}
	return out;
}

const load = (locale: Locale) => flatten(JSON.parse(fs.readFileSync(new URL(`../../../messages/${locale}.json`, import.meta.url), 'utf8')) as Tree);
// A key missing from a catalogue (a message not translated yet) reads as undefined.
const CATALOGUES: Record<Locale, Record<string, string | undefined>> = { ar: load('ar'), en: load('en') };

export function t(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
	const template = CATALOGUES[locale][key] ?? CATALOGUES.ar[key] ?? key;
	// A placeholder the caller gave no value for stays as it is.
	const values: Record<string, string | number | undefined> = params;
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
		const value = values[name];
		return value === undefined ? whole : String(value);
	});
}

export const readLocale = (value: unknown): Locale | null => (value === 'ar' || value === 'en' ? value : null);

/** Numbers in the digits of the language, as the app writes them ("2,000", "٢٬٠٠٠"). */
export function formatNumber(n: number, locale: Locale, options?: Intl.NumberFormatOptions): string {
	return new Intl.NumberFormat(locale === 'ar' ? 'ar-BH' : 'en-GB', options).format(n);
}

/** Dates as people read them here: Gregorian, national time zone, Latin or Arabic digits by language. */
export function formatDate(iso: string, locale: Locale, timeZone: string): string {
	return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-BH-u-ca-gregory' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso));
}
