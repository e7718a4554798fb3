/** What the form offers from a picked photo (issue 15): its place and time, read in a worker
 * before the photo is re-encoded. The citizen chooses; nothing is applied without asking, and a
 * place outside the country is never offered as the case's location. */
import { instantOfLocalTime } from '$lib/domain/calendar';
import type { GeoPoint } from '$lib/domain/doc-types';
import { inBounds, type Bounds } from '$lib/domain/geo';
import type { PhotoMeta } from './photo-meta';

export type PhotoOffer =
	| { kind: 'found'; name: string; location: GeoPoint; taken_at: string | null }
	| { kind: 'outside'; name: string; location: GeoPoint; taken_at: string | null }
	| { kind: 'none'; name: string; taken_at: string | null };

/** A worker that does not answer in this time (a huge file on a slow phone) offers nothing. */
const WORKER_TIMEOUT_MS = 20_000;

export function offerFrom(name: string, meta: PhotoMeta, bounds: Bounds): PhotoOffer {
	if (!meta.location) return { kind: 'none', name, taken_at: meta.taken_at };
	return { kind: inBounds(meta.location, bounds) ? 'found' : 'outside', name, location: meta.location, taken_at: meta.taken_at };
}

/** A photo's time as an instant (UTC ISO): with its own offset when the camera wrote one, else
 * read on the country's clock (`timeZone`), where the photo of a local problem was taken. */
export function photoInstant(takenAt: string, timeZone: string): string | null {
	if (/(Z|[+-]\d{2}:\d{2})$/.test(takenAt)) {
		const ms = Date.parse(takenAt);
		return Number.isNaN(ms) ? null : new Date(ms).toISOString();
	}
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(takenAt);
	if (!match) return null;
	const [, date, hours, minutes, seconds] = match;
	const instant = instantOfLocalTime(date, ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000, timeZone);
	return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

/** The photo's EXIF place and time, parsed in a Web Worker (exifr stays out of the form's bundle). */
export function readInWorker(file: Blob): Promise<PhotoMeta> {
	const none: PhotoMeta = { location: null, taken_at: null };
	return new Promise((resolve) => {
		let worker: Worker;
		try {
			worker = new Worker(new URL('./photo-meta.worker.ts', import.meta.url), { type: 'module' });
		} catch {
			// No module workers in this browser: the photo offers nothing, the form goes on.
			resolve(none);
			return;
		}
		const done = (meta: PhotoMeta) => {
			clearTimeout(timer);
			worker.terminate();
			resolve(meta);
		};
		const timer = setTimeout(() => {
			done(none);
		}, WORKER_TIMEOUT_MS);
		worker.onmessage = (event: MessageEvent<PhotoMeta>) => {
			done(event.data);
		};
		// The worker failed to load or crashed: the photo offers nothing.
		worker.onerror = () => {
			done(none);
		};
		worker.postMessage(file);
	});
}
