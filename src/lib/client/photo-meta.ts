/** Where and when a photo was taken, read from its EXIF before the phone re-encodes it (which
 * drops the EXIF, images.ts). Issue 15: offered to the citizen, never applied without asking. */
import { parse } from 'exifr/dist/lite.esm.mjs';
import type { GeoPoint } from '$lib/domain/doc-types';
import { roundCoordinate } from '$lib/domain/geo';

export interface PhotoMeta {
	location: GeoPoint | null;
	/** "2026-03-14T09:26:53+03:00", or without the offset when the camera did not record it (the
	 * camera's own clock, read as the country's time). */
	taken_at: string | null;
}

export const NO_META: PhotoMeta = { location: null, taken_at: null };

const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/** EXIF's "2026:03:14 09:26:53" (and "+03:00") as ISO 8601; null when absent or malformed. */
export function exifTime(value: unknown, offset: unknown): string | null {
	const match = typeof value === 'string' ? EXIF_TIME.exec(value.trim()) : null;
	if (!match) return null;
	const [, year, month, day, hour, minute, second] = match;
	const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
	if (Number.isNaN(Date.parse(`${iso}Z`))) return null;
	return typeof offset === 'string' && OFFSET.test(offset.trim()) ? `${iso}${offset.trim()}` : iso;
}

function point(latitude: unknown, longitude: unknown): GeoPoint | null {
	if (typeof latitude !== 'number' || typeof longitude !== 'number') return null;
	if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
	// A camera without a fix writes 0/0: that is no place anyone photographs a pothole.
	if (latitude === 0 && longitude === 0) return null;
	return { lat: roundCoordinate(latitude), lng: roundCoordinate(longitude) };
}

/** The GPS position and the time of taking from a photo's bytes. A file without EXIF, or of a
 * format exifr's lite build does not read (PNG, WebP), has neither. */
export async function readPhotoMeta(bytes: Uint8Array): Promise<PhotoMeta> {
	let exif: Record<string, unknown> | undefined;
	try {
		// exifr types its answer as `any`: what a file's bytes say is read field by field below.
		exif = (await parse(bytes, { exif: { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'] }, gps: true, reviveValues: false })) as Record<string, unknown> | undefined;
	} catch {
		// "Unknown file format": a PNG or WebP carries no camera EXIF worth offering.
		return NO_META;
	}
	if (!exif) return NO_META;
	return { location: point(exif.latitude, exif.longitude), taken_at: exifTime(exif.DateTimeOriginal, exif.OffsetTimeOriginal) };
}
