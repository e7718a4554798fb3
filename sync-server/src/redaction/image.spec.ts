import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkeredPhoto } from '../../../tests/fixtures/files.js';
import { redactImage } from './image.js';

async function greyOf(bytes: Buffer) {
	const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

describe('redactImage', () => {
	it('leaves only block averages inside a region, of the same size and type', async () => {
		const photo = await checkeredPhoto(320, 240);
		const made = await redactImage(photo, 'image/jpeg', [{ x: 0.25, y: 0.25, w: 0.5, h: 0.5 }]);
		expect(made.ok).toBe(true);
		if (!made.ok) return;
		expect(made.content_type).toBe('image/jpeg');
		const meta = await sharp(made.data).metadata();
		expect([meta.width, meta.height, meta.format, meta.exif]).toEqual([320, 240, 'jpeg', undefined]);
		const { data, width } = await greyOf(made.data);
		// The 4 px checkerboard of 0 and 255 becomes blocks of about 27 px of one grey each: no
		// pixel deep inside the region is near black or white any more.
		let extremes = 0;
		for (let y = 70; y < 170; y++) for (let x = 90; x < 230; x++) if (data[y * width + x] < 60 || data[y * width + x] > 195) extremes++;
		expect(extremes).toBe(0);
	});

	it('keeps a WebP a WebP', async () => {
		const webp = await sharp(await checkeredPhoto(100, 80))
			.webp()
			.toBuffer();
		const made = await redactImage(webp, 'image/webp', [{ x: 0, y: 0, w: 1, h: 1 }]);
		expect(made.ok && made.content_type).toBe('image/webp');
	});

	it.each([
		['a PDF', Buffer.from('%PDF-1.7\n'), 'application/pdf'],
		['bytes that are not an image', Buffer.from('not an image at all'), 'image/jpeg'],
		['a PNG stored under a JPEG type', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/jpeg']
	])('refuses %s', async (_name, bytes, type) => {
		expect(await redactImage(bytes, type, [{ x: 0, y: 0, w: 1, h: 1 }])).toEqual({ ok: false });
	});
});
