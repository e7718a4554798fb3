/** The pixels of a redaction (issue 15, step 5): each region is pixelated so heavily that nothing
 * of it can be recovered, by shrinking it to a handful of blocks and enlarging those with the
 * nearest-neighbour kernel, so only the blocks' average colours remain (a blur could be partly
 * undone; an average over a block of 12 px or more cannot). The result is encoded afresh, with no
 * metadata, in the type the photo was stored in. */
import sharp, { type OverlayOptions } from 'sharp';
import { blockSize, toPixels, type RedactionRect } from '../../../src/lib/domain/redaction.js';
import { IMAGE_MAX_PIXELS } from '../gate/files.js';

const JPEG_QUALITY = 82;
const WEBP_QUALITY = 82;

export type RedactedImage = { ok: true; content_type: 'image/jpeg' | 'image/webp'; data: Buffer } | { ok: false };

/** One region's pixelated tile, ready to lay over the image at its place. */
async function pixelatedTile(image: Buffer, box: ReturnType<typeof toPixels>): Promise<OverlayOptions> {
	const block = blockSize(box);
	const small = await sharp(image, { limitInputPixels: IMAGE_MAX_PIXELS })
		.extract(box)
		.resize(Math.max(1, Math.round(box.width / block)), Math.max(1, Math.round(box.height / block)), { fit: 'fill', kernel: 'cubic' })
		.toBuffer();
	const tile = await sharp(small).resize(box.width, box.height, { fit: 'fill', kernel: 'nearest' }).png().toBuffer();
	return { input: tile, left: box.left, top: box.top };
}

/** The photo with every region pixelated, or `ok: false` when it cannot be read as an image of
 * the type it was stored as. */
export async function redactImage(bytes: Buffer, contentType: string, rects: RedactionRect[]): Promise<RedactedImage> {
	if (contentType !== 'image/jpeg' && contentType !== 'image/webp') return { ok: false };
	try {
		const { width, height, format } = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS }).metadata();
		if (!width || !height || format !== contentType.slice('image/'.length)) return { ok: false };
		// Decoded once to raw pixels, so each tile is cut from the same upright image.
		const raw = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS }).png({ compressionLevel: 0 }).toBuffer();
		const tiles: OverlayOptions[] = [];
		for (const rect of rects) tiles.push(await pixelatedTile(raw, toPixels(rect, width, height)));
		const image = sharp(raw).composite(tiles);
		const data = await (contentType === 'image/jpeg' ? image.jpeg({ quality: JPEG_QUALITY }) : image.webp({ quality: WEBP_QUALITY })).toBuffer();
		return { ok: true, content_type: contentType, data };
	} catch {
		return { ok: false };
	}
}
