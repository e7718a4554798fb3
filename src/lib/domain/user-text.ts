/** Text typed by one person and shown to another. Bidirectional controls (embeddings, overrides,
 * isolates, marks) can make a name or a reply read differently from what it holds, e.g. turn
 * "invoice-gpj.exe" around; other control characters are invisible and break some stores and
 * terminals; a lone surrogate is not text at all (a store may refuse the whole request). They
 * are removed on input, in the app and at the gate, and the app renders user text isolated
 * (`dir="auto"` or `<bdi>`) so what remains cannot reorder the page around it. */

// U+061C Arabic letter mark, U+200E/U+200F LRM/RLM, U+202A–U+202E embeddings and overrides,
// U+2066–U+2069 isolates.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// C0 controls except tab, line feed and carriage return; DEL and the C1 controls.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without bidi and other control characters; lone surrogates become U+FFFD. */
export function cleanUserText(text: string): string {
	return text.replace(LONE_SURROGATE, '\uFFFD').replace(BIDI_CONTROLS, '').replace(CONTROLS, '');
}

/** User text placed inside a translated sentence ("Reason: {reason}"): first-strong isolate …
 * pop directional isolate, the plain-text <bdi>, so an Arabic reason in an English sentence (or
 * the reverse) cannot reorder the words around it. Safe because input never keeps its own. */
export function isolate(text: string): string {
	return `\u2068${text}\u2069`;
}
