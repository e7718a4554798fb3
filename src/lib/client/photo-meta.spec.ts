import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegWithGps, smallImage } from '../../../tests/fixtures/files';
import { exifTime, readPhotoMeta } from './photo-meta';

/** A real JPEG whose EXIF sharp writes: GPS in degrees/minutes/seconds, a time and its offset. */
async function photo(gps: Record<string, string>, exif: Record<string, string> = {}): Promise<Uint8Array> {
	const buffer = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#7a7' } })
		.jpeg()
		.withExif({ IFD0: { Make: 'TawasulTestCam' }, IFD2: exif, IFD3: gps })
		.toBuffer();
	return new Uint8Array(buffer);
}

describe('readPhotoMeta', () => {
	it("reads the fixture photo's position in Manama", async () => {
		const meta = await readPhotoMeta(new Uint8Array(await jpegWithGps(320, 240)));
		expect(meta).toEqual({ location: { lat: 26.22667, lng: 50.58833 }, taken_at: '2026-12-06T09:30:00+03:00' });
		const riyadh = await readPhotoMeta(new Uint8Array(await jpegWithGps(320, 240, { lat: 24.7136, lng: 46.6753 })));
		expect(riyadh.location).toEqual({ lat: 24.7136, lng: 46.6753 });
	});

	it('reads south and west as negative, and the time with its offset', async () => {
		const meta = await readPhotoMeta(
			await photo(
				{ GPSLatitudeRef: 'S', GPSLatitude: '33/1 52/1 760/100', GPSLongitudeRef: 'W', GPSLongitude: '70/1 39/1 0/1' },
				{ DateTimeOriginal: '2026:03:14 09:26:53', OffsetTimeOriginal: '+03:00' }
			)
		);
		expect(meta).toEqual({ location: { lat: -33.86878, lng: -70.65 }, taken_at: '2026-03-14T09:26:53+03:00' });
	});

	it('has neither for a photo without EXIF, or a PNG', async () => {
		expect(await readPhotoMeta(new Uint8Array(await smallImage('jpeg')))).toEqual({ location: null, taken_at: null });
		expect(await readPhotoMeta(new Uint8Array(await smallImage('png')))).toEqual({ location: null, taken_at: null });
		expect(await readPhotoMeta(new TextEncoder().encode('not an image at all'))).toEqual({ location: null, taken_at: null });
	});

	it('has a time but no place when the camera had no fix (0, 0)', async () => {
		const meta = await readPhotoMeta(await photo({ GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '0/1 0/1 0/1' }, { DateTimeOriginal: '2026:12:01 18:00:00' }));
		expect(meta).toEqual({ location: null, taken_at: '2026-12-01T18:00:00' });
	});
});

describe('exifTime', () => {
	it.each([
		['2026:03:14 09:26:53', undefined, '2026-03-14T09:26:53'],
		['2026:03:14 09:26:53', '-05:30', '2026-03-14T09:26:53-05:30'],
		['2026:03:14 09:26:53', 'local', '2026-03-14T09:26:53'],
		['2026:13:40 09:26:53', undefined, null],
		['    :  :     :  :  ', undefined, null],
		[20260314, undefined, null]
	])('%s %s → %s', (value, offset, expected) => {
		expect(exifTime(value, offset)).toBe(expected);
	});
});
