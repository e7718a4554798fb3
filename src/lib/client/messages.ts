import ar from '$messages/ar.json';
import en from '$messages/en.json';

/** The two catalogues, flattened to dotted keys (`case.status.open`) so a key sent by the server
 * (`message_key`) and a key written in a component are looked up the same way. */
export const LOCALES = ['ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(tree)) {
		const path = prefix ? `${prefix}.${key}` : key;
		if (typeof value === 'string') out[path] = value;
		else Object.assign(out, flatten(value, path));
	}
	return out;
}

export const CATALOGUES: Record<Locale, Record<string, string>> = {
	ar: flatten(ar),
	en: flatten(en)
};

/** Fills `{name}` placeholders; a missing parameter stays visible rather than printing "undefined". */
export function interpolate(template: string, params: Record<string, string> = {}): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
