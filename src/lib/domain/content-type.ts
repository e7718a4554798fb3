/** Uploaded files are judged by their first bytes, never by name or the type a device declares
 * (ARCHITECTURE §5): a renamed executable must not pass as a photo. */

export const ALLOWED_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** Byte patterns at given offsets; every pattern of a signature must match. */
const SIGNATURES: { type: AllowedContentType; parts: [offset: number, bytes: number[]][] }[] = [
	{ type: 'image/jpeg', parts: [[0, [0xff, 0xd8, 0xff]]] },
	{ type: 'image/png', parts: [[0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]] },
	{
		type: 'image/webp',
		parts: [
			[0, ascii('RIFF')],
			[8, ascii('WEBP')]
		]
	},
	{ type: 'application/pdf', parts: [[0, ascii('%PDF-')]] }
];

export function detectContentType(bytes: Uint8Array): AllowedContentType | null {
	const type = sniffContentType(bytes);
	return type === HEIC ? null : type;
}

/** HEIC (an iPhone's photos) is known by its bytes but not accepted: this build cannot decode
 * it, and the citizen is told so rather than "wrong type". */
export const HEIC = 'image/heic';
const HEIC_BRANDS = /^(heic|heix|hevc|hevx|heim|heis|hevm|hevs|mif1|msf1)$/;

/** What the first bytes are: an accepted type, HEIC, or nothing known (null). */
export function sniffContentType(bytes: Uint8Array): AllowedContentType | typeof HEIC | null {
	const at = (offset: number, expected: number[]) => expected.every((b, i) => bytes[offset + i] === b);
	const known = SIGNATURES.find((sig) => sig.parts.every(([offset, expected]) => at(offset, expected)))?.type;
	if (known) return known;
	const text = String.fromCharCode(...bytes.subarray(4, 12));
	return text.slice(0, 4) === 'ftyp' && HEIC_BRANDS.test(text.slice(4, 8)) ? HEIC : null;
}
