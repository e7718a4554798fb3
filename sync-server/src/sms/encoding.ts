/** How one text becomes SMS parts. Text the GSM 03.38 alphabet can carry goes as GSM (160
 * characters, 153 per part when split, extension characters such as € counting two); anything
 * else, Arabic included, as UCS-2 (data_coding 8: 70 characters, 67 per part). Split messages
 * carry a concatenation header (UDH IE 0x00: reference, total, sequence) so the phone joins them. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The smpp package's GSM table (basic set and escape-prefixed extension set).
const { encodings, gsmCoder } = require('smpp') as {
	encodings: { ASCII: { match(text: string): boolean } };
	gsmCoder: { encode(text: string, table: number): Buffer };
};

const DATA_CODING = { GSM: 0x00, UCS2: 0x08 } as const;
const LIMITS = {
	GSM: { single: 160, part: 153 },
	UCS2: { single: 70, part: 67 }
} as const;
/** Beyond this a message is refused rather than sent as a flood of parts. */
export const MAX_PARTS = 10;

export interface EncodedSms {
	dataCoding: number;
	/** Each part's short_message bytes, the UDH included when there is more than one. */
	parts: Buffer[];
	udh: boolean;
}

/** GSM units: an escaped extension character takes two septets and must not be split. */
function gsmUnits(text: string): string[] {
	const units: string[] = [];
	for (const ch of text) units.push(ch);
	return units;
}

const GSM_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));
const gsmWeight = (ch: string) => (GSM_EXTENSION.has(ch) ? 2 : 1);

/** UCS-2 units are UTF-16 code units; a surrogate pair (an emoji) weighs two and stays whole. */
const ucs2Weight = (ch: string) => ch.length;

function split(chars: string[], weight: (ch: string) => number, single: number, part: number): string[] {
	const total = chars.reduce((sum, ch) => sum + weight(ch), 0);
	if (total <= single) return [chars.join('')];
	const parts: string[] = [];
	let current = '';
	let used = 0;
	for (const ch of chars) {
		const w = weight(ch);
		if (used + w > part) {
			parts.push(current);
			current = '';
			used = 0;
		}
		current += ch;
		used += w;
	}
	if (current) parts.push(current);
	return parts;
}

export function isGsm(text: string): boolean {
	return encodings.ASCII.match(text);
}

/** `reference` identifies the concatenated message on the phone; derive it from the message id
 * so a retry of the same message carries the same one. */
export function encodeSms(text: string, reference: number): EncodedSms {
	const gsm = isGsm(text);
	const limit = gsm ? LIMITS.GSM : LIMITS.UCS2;
	const texts = split(gsmUnits(text), gsm ? gsmWeight : ucs2Weight, limit.single, limit.part);
	if (texts.length > MAX_PARTS) throw new RangeError(`message needs ${texts.length} parts (max ${MAX_PARTS})`);
	const encode = (part: string) => (gsm ? gsmCoder.encode(part, 0x00) : Buffer.from(part, 'utf16le').swap16());
	if (texts.length === 1) return { dataCoding: gsm ? DATA_CODING.GSM : DATA_CODING.UCS2, parts: [encode(texts[0])], udh: false };
	const ref = reference & 0xff;
	const parts = texts.map((part, i) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, texts.length, i + 1]), encode(part)]));
	return { dataCoding: gsm ? DATA_CODING.GSM : DATA_CODING.UCS2, parts, udh: true };
}

/** The inverse, for tests and for replies (MO) the SMSC hands us: bytes → text. */
export function decodeUcs2(bytes: Buffer): string {
	return Buffer.from(bytes).swap16().toString('utf16le');
}
