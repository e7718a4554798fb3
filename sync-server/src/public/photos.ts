/** The photos on the public reports page (issue 14): `/public/photos/<id>.jpg`, a small thumbnail
 * of each photo the entities' managers chose to show, made from its redacted version when it has
 * one (redaction/records.ts, publicVersion). Only the ids on the page held now are answered;
 * any other name is 404 from memory, without a read. Each thumbnail is made once per read of the
 * reports, on the gate's pool of re-encodes (503 with Retry-After when it is full), re-encoded
 * so no metadata survives, cropped to a square of THUMBNAIL_PX; a photo withdrawn, or whose case
 * left the page, is no longer answered once the reports are read again. */
import { createHash } from 'node:crypto';
import type express from 'express';
import sharp from 'sharp';
import { DEFAULT_POOL, GateBusy, IMAGE_MAX_PIXELS, type EncodePool } from '../gate/files.js';
import { ATTACHMENT_CSP } from '../gate/gate.js';
import { log } from '../log.js';
import { publicVersion } from '../redaction/records.js';
import type { Store } from '../store.js';
import type { PublicPhotoSource } from './reports.js';

/** The side of a thumbnail, in pixels. */
export const THUMBNAIL_PX = 320;
/** A thumbnail larger than this is encoded again at a lower quality. */
export const THUMBNAIL_BYTES_MAX = 48 * 1024;
export const PHOTO_ROUTE = '/public/photos/:file';
const PHOTO_FILE = /^([A-Za-z0-9_-]{22})\.jpg$/;
/** Fresh for as long as the page that shows it; never served stale, so a withdrawn photo goes. */
const PHOTO_CACHE_CONTROL = 'public, max-age=300, must-revalidate';
const RETRY_AFTER_S = '5';

export const photoPath = (id: string) => `/public/photos/${id}.jpg`;

interface Thumbnail {
	data: Buffer;
	etag: string;
}

/** Square, re-encoded as JPEG without metadata (sharp keeps none unless asked), turned upright. */
async function thumbnail(data: Buffer): Promise<Buffer> {
	const encode = (quality: number) =>
		sharp(data, { limitInputPixels: IMAGE_MAX_PIXELS, failOn: 'error' }).rotate().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'cover' }).jpeg({ quality, mozjpeg: true }).toBuffer();
	const first = await encode(72);
	return first.length <= THUMBNAIL_BYTES_MAX ? first : encode(40);
}

/** What the public photos route needs of the reports held now: the photos on their page. */
export type HeldPhotos = () => Promise<Map<string, PublicPhotoSource> | null>;

export function publicPhotos(deps: { store: Store; pool?: EncodePool }) {
	const pool = deps.pool ?? DEFAULT_POOL;
	/** Per map of photos (one per read of the reports): each thumbnail made, or null when its photo could not be read. */
	const made = new WeakMap<Map<string, PublicPhotoSource>, Map<string, Promise<Thumbnail | null>>>();

	async function make(source: PublicPhotoSource): Promise<Thumbnail | null> {
		let photo;
		try {
			photo = await publicVersion(deps.store, source.entity_id, source.attachment_id);
		} catch (error) {
			log.warn('a public photo could not be read', { attachment_id: source.attachment_id, error: (error as Error | null)?.message });
			return null;
		}
		const ticket = pool.reserve(1);
		try {
			const data = await pool.run(ticket, () => thumbnail(photo.data));
			return { data, etag: `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"` };
		} catch (error) {
			if (error instanceof GateBusy) throw error;
			log.warn('a public photo could not be made small', { attachment_id: source.attachment_id, error: (error as Error | null)?.message });
			return null;
		} finally {
			pool.release(ticket);
		}
	}

	function thumbnailOf(photos: Map<string, PublicPhotoSource>, id: string): Promise<Thumbnail | null> | null {
		const source = photos.get(id);
		if (!source) return null;
		const byId = made.get(photos) ?? new Map<string, Promise<Thumbnail | null>>();
		made.set(photos, byId);
		let pending = byId.get(id);
		if (!pending) {
			const started = make(source);
			// A full pool is not the photo's fault: the next reader tries again.
			started.catch(() => byId.delete(id));
			byId.set(id, (pending = started));
		}
		return pending;
	}

	return async function serve(req: express.Request, res: express.Response, held: HeldPhotos): Promise<void> {
		res.setHeader('X-Content-Type-Options', 'nosniff');
		const match = PHOTO_FILE.exec(req.params.file);
		const photos = match ? await held() : null;
		let found: Thumbnail | null;
		try {
			found = photos && match ? await thumbnailOf(photos, match[1]) : null;
		} catch (error) {
			if (!(error instanceof GateBusy)) throw error;
			res.setHeader('Retry-After', RETRY_AFTER_S);
			res.setHeader('Cache-Control', 'no-store');
			res.status(503).type('text/plain').send('Busy');
			return;
		}
		if (!found) {
			res.setHeader('Cache-Control', 'no-cache');
			res.status(404).type('text/plain').send('Not found');
			return;
		}
		res.setHeader('Cache-Control', PHOTO_CACHE_CONTROL);
		res.setHeader('ETag', found.etag);
		res.setHeader('Content-Security-Policy', ATTACHMENT_CSP);
		if (req.headers['if-none-match'] === found.etag) {
			res.status(304).end();
			return;
		}
		res.type('image/jpeg').send(found.data);
	};
}
