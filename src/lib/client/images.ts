/** Photos leave the phone small and without metadata: decoding to pixels and encoding a new JPEG
 * drops EXIF (GPS, device serials) by construction. */
const MAX_SIDE = 1600;
const MAX_IMAGE_BYTES = 500_000;
const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];
/** When even the lowest quality is too big (noisy photos), shrink the picture by this much. */
const SHRINK = 0.8;

/** The size that fits `width`×`height` inside a `maxSide` square, keeping the aspect ratio and
 * never enlarging. */
export function fitWithin(width: number, height: number, maxSide = MAX_SIDE): { width: number; height: number } {
	const scale = Math.min(1, maxSide / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

type Canvas = OffscreenCanvas | HTMLCanvasElement;

function makeCanvas(width: number, height: number): Canvas {
	if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	return canvas;
}

function encode(canvas: Canvas, quality: number): Promise<Blob> {
	if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality });
	return new Promise((resolve, reject) => {
		canvas.toBlob(
			(blob) => {
				if (blob) resolve(blob);
				else reject(new Error('encode failed'));
			},
			'image/jpeg',
			quality
		);
	});
}

/** Re-encodes an image as JPEG, longest side ≤ 1600 px and ≤ 500 KB, trying lower qualities
 * first and smaller sizes after. `createImageBitmap` applies the EXIF orientation. */
export async function reencodeImage(source: Blob, maxBytes = MAX_IMAGE_BYTES): Promise<Blob> {
	const bitmap = await createImageBitmap(source, { imageOrientation: 'from-image' });
	try {
		let { width, height } = fitWithin(bitmap.width, bitmap.height);
		for (;;) {
			const canvas = makeCanvas(width, height);
			const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
			if (!context) throw new Error('no 2d context');
			// JPEG has no transparency: paint white under transparent PNG/WebP pixels, not black.
			context.fillStyle = '#fff';
			context.fillRect(0, 0, width, height);
			context.drawImage(bitmap, 0, 0, width, height);
			for (const quality of QUALITIES) {
				const blob = await encode(canvas, quality);
				if (blob.size <= maxBytes) return blob;
			}
			if (Math.max(width, height) < 200) throw new Error('cannot compress');
			({ width, height } = { width: Math.round(width * SHRINK), height: Math.round(height * SHRINK) });
		}
	} finally {
		bitmap.close();
	}
}

/** `photo.heic.png` → `photo.jpg`: the name follows the new content. */
export function jpegName(name: string): string {
	const base = name.replace(/\.[^.]*$/, '') || 'photo';
	return `${base}.jpg`;
}
