import { PHOTO_MEASURE } from '$lib/domain/photo';
import { detectContentType, LIMITS } from '$lib/domain/validation';
import { ClientError } from './api';
import { jpegName, reencodeImage } from './images';

export interface PreparedFile {
	blob: Blob;
	name: string;
}

/** Bytes enough for every signature detectContentType knows (WebP needs 12). */
const SNIFF_BYTES = 16;

/**
 * Checks a picked file by its content and makes it ready to send: photos are re-encoded (smaller,
 * EXIF gone), PDFs kept as they are. Anything else, or a PDF over the limit, is refused with a
 * ClientError whose code has a localised message (`errors.unsupported_file_type`, `errors.file_too_large`).
 */
export async function prepareFile(file: Blob & { name?: string }): Promise<PreparedFile> {
	const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
	const type = detectContentType(head);
	const name = file.name || 'file';
	if (!type) throw new ClientError(415, 'unsupported_file_type');
	if (type === 'application/pdf') {
		if (file.size > LIMITS.FILE_BYTES_MAX) {
			throw new ClientError(413, 'file_too_large', [{ field: 'files', code: 'file_too_large', params: { max: LIMITS.FILE_BYTES_MAX } }]);
		}
		return { blob: file.type === type ? file : new Blob([file], { type }), name };
	}
	const started = performance.now();
	let blob: Blob;
	try {
		blob = await reencodeImage(file);
	} catch {
		// Signature says image but the browser cannot decode it: broken or disguised.
		throw new ClientError(415, 'unsupported_file_type');
	}
	performance.measure(PHOTO_MEASURE, { start: started, detail: { bytes_in: file.size, bytes_out: blob.size } });
	return { blob, name: jpegName(name) };
}
