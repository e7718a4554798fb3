/** Ids derived from a hash rather than drawn at random, so that the same input always names the
 * same thing: a filing sent twice is one case, an imported row is always the same case. */

const HEX_128 = /^[0-9a-f]{32,}$/;

/** The first 128 bits of a lowercase hex digest laid out as a UUID of `version` (4 where the input
 * is secret enough to look random, 5 where it is a name) with the RFC 4122 variant. Stored case
 * keys were made this way, so the layout must never change. */
export function uuidFromHash(hex: string, version: 4 | 5): string {
	if (!HEX_128.test(hex)) throw new RangeError('uuidFromHash needs a lowercase hex digest of at least 128 bits');
	const variant = '89ab'[parseInt(hex[16], 16) % 4];
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
