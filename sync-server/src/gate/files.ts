/** What the gate does with the files of an action once its shape is accepted (issue 15, "the
 * server trusts nothing"). Types were already judged by their first bytes (intake.ts); here every
 * image is decoded and encoded again on the server, so whatever else the file carried (EXIF and
 * GPS, an HTML page hidden in a comment or after the image, a second format) is gone, and every
 * PDF is read for scripts, automatic actions and embedded files. An image's size is read from its
 * header before any pixel is decoded: a decompression bomb is refused without being expanded.
 * Re-encoding is bounded: a few at a time, a short queue, and `busy` beyond it. */
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { EXTENSION_OF } from '../../../src/lib/domain/attachment-names.js';
import { HEIC, sniffContentType, type AllowedContentType } from '../../../src/lib/domain/content-type.js';
import type { ErrorCode } from '../../../src/lib/domain/errors.js';

/** The long side of a stored photo, in pixels. */
export const IMAGE_MAX_SIDE = 2560;
/** Width × height an image may declare; more is refused from the header. */
export const IMAGE_MAX_PIXELS = 50_000_000;
/** Bytes of a PDF's compressed streams the check inflates, in all; a PDF that needs more cannot
 * be checked and is refused. */
const PDF_INFLATE_BUDGET = 64 * 1024 * 1024;
const JPEG_QUALITY = 82;
const WEBP_QUALITY = 82;

// One libvips thread per re-encode: the pool, not libvips, decides how many cores photos take.
sharp.concurrency(1);
sharp.cache(false);

type StoredFile = { content_type: AllowedContentType; data: string };
export type FilesVerdict = { ok: true; files: Record<string, StoredFile> } | { ok: false; reason: ErrorCode; field: string };

/** Thrown when more re-encodes wait than the queue holds; the request is answered `busy` and
 * nothing of it is kept. */
export class GateBusy extends Error {
	constructor() {
		super('busy');
	}
}

/** A small pool: `size` jobs at once, at most `queue` waiting; beyond that, GateBusy. */
export class EncodePool {
	private running = 0;
	private reserved = 0;
	private readonly waiting: (() => void)[] = [];
	constructor(
		readonly size: number,
		readonly queue: number
	) {}

	/** Reserves `count` places at once, or throws GateBusy and reserves none: a request's files
	 * are all re-encoded, or the request is answered `busy` before anything of it is counted. A
	 * request larger than the queue is let in when nothing else waits, so it is never refused
	 * for ever. */
	reserve(count: number): Ticket {
		const taken = this.running + this.reserved;
		if (count > 0 && taken > 0 && taken + count > this.size + this.queue) throw new GateBusy();
		this.reserved += count;
		return { left: count };
	}

	/** Gives back the places of a ticket not used (files of a refused action). */
	release(ticket: Ticket): void {
		this.reserved -= ticket.left;
		ticket.left = 0;
	}

	/** Runs a job on one place of the ticket. */
	async run<T>(ticket: Ticket, job: () => Promise<T>): Promise<T> {
		if (ticket.left <= 0) throw new GateBusy();
		ticket.left--;
		this.reserved--;
		if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
		this.running++;
		try {
			return await job();
		} finally {
			this.running--;
			this.waiting.shift()?.();
		}
	}

	load(): { running: number; waiting: number } {
		return { running: this.running, waiting: this.reserved };
	}
}

export interface Ticket {
	left: number;
}

export const DEFAULT_POOL = new EncodePool(2, 16);

/** PDF names that run something or carry something: scripts, actions on opening or on events,
 * launching programs, embedded files and media, XFA forms, and encryption (which hides the rest). */
const PDF_ACTIVE = /\/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia|XFA|Encrypt)(?![A-Za-z0-9])/;

/** Names may spell a letter as `#xx` (`/J#61vaScript`); read them as the viewer does. */
function pdfText(bytes: Buffer): string {
	return bytes.toString('latin1').replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** True when the PDF, or any of its compressed streams (object streams hide dictionaries there),
 * names active content, or when checking it would inflate more than the budget. */
function pdfHasActiveContent(bytes: Buffer): boolean {
	if (PDF_ACTIVE.test(pdfText(bytes))) return true;
	let budget = PDF_INFLATE_BUDGET;
	const raw = bytes.toString('latin1');
	const stream = /stream\r?\n/g;
	for (let match = stream.exec(raw); match; match = stream.exec(raw)) {
		const start = match.index + match[0].length;
		const end = raw.indexOf('endstream', start);
		if (end < 0) break;
		let inflated: Buffer;
		try {
			inflated = inflateSync(bytes.subarray(start, end), { maxOutputLength: budget });
		} catch (error) {
			if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return true;
			continue; // not a Flate stream (an image, or another filter): nothing to read in it
		}
		budget -= inflated.length;
		if (PDF_ACTIVE.test(pdfText(inflated))) return true;
		stream.lastIndex = end;
	}
	return false;
}

/** An image's new bytes: turned upright, at most IMAGE_MAX_SIDE on its long side, without any
 * metadata (sharp keeps none unless asked), as JPEG (a JPEG) or WebP (a PNG or a WebP). */
async function reencodeImage(bytes: Buffer, type: AllowedContentType): Promise<{ ok: true; content_type: AllowedContentType; data: Buffer } | { ok: false; reason: ErrorCode }> {
	let width: number | undefined;
	let height: number | undefined;
	let format: string | undefined;
	try {
		({ width, height, format } = await sharp(bytes, { limitInputPixels: false }).metadata());
	} catch {
		return { ok: false, reason: 'unreadable_image' };
	}
	// The decoder libvips chose must be the one the first bytes named, never another it also has.
	if (format !== { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' }[type as string]) return { ok: false, reason: 'unsupported_file_type' };
	if (!width || !height) return { ok: false, reason: 'unreadable_image' };
	if (width * height > IMAGE_MAX_PIXELS) return { ok: false, reason: 'image_too_large' };
	const out: AllowedContentType = type === 'image/jpeg' ? 'image/jpeg' : 'image/webp';
	try {
		const image = sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS, failOn: 'error' }).rotate().resize({ width: IMAGE_MAX_SIDE, height: IMAGE_MAX_SIDE, fit: 'inside', withoutEnlargement: true });
		const data = await (out === 'image/jpeg' ? image.jpeg({ quality: JPEG_QUALITY }) : image.webp({ quality: WEBP_QUALITY })).toBuffer();
		return { ok: true, content_type: out, data };
	} catch {
		return { ok: false, reason: 'unreadable_image' };
	}
}

/** The name a file keeps once its type changed (`photo-2.png` stored as WebP is `photo-2.webp`). */
function renamedFor(name: string, type: AllowedContentType): string {
	return name.replace(/\.[a-z]+$/, `.${EXTENSION_OF[type]}`);
}

/** How many re-encodes the files ask for (every image). */
export function imagesIn(files: Record<string, { content_type?: unknown }> | undefined): number {
	return Object.values(files ?? {}).filter((file) => file.content_type !== 'application/pdf').length;
}

/** Checks and re-encodes the files of one action, on places of the ticket. Either every file is
 * accepted (and replaced by what the server made of it) or the action is refused, naming the
 * first file at fault. */
export async function checkFiles(files: Record<string, { content_type: string; data?: unknown }>, pool: EncodePool, ticket: Ticket): Promise<FilesVerdict> {
	const entries = Object.entries(files);
	const out: Record<string, StoredFile> = {};
	for (const [name, file] of entries) {
		const field = `_attachments.${name}`;
		const bytes = Buffer.from(String(file.data), 'base64');
		const type = sniffContentType(bytes);
		if (type === HEIC) return { ok: false, reason: 'heic_unsupported', field };
		if (!type || type !== file.content_type) return { ok: false, reason: 'unsupported_file_type', field };
		if (type === 'application/pdf') {
			if (pdfHasActiveContent(bytes)) return { ok: false, reason: 'pdf_active_content', field };
			out[name] = { content_type: type, data: bytes.toString('base64') };
			continue;
		}
		const made = await pool.run(ticket, () => reencodeImage(bytes, type));
		if (!made.ok) return { ok: false, reason: made.reason, field };
		const stored = renamedFor(name, made.content_type);
		if (stored !== name && (stored in files || stored in out)) return { ok: false, reason: 'invalid_file_name', field };
		out[stored] = { content_type: made.content_type, data: made.data.toString('base64') };
	}
	return { ok: true, files: out };
}
