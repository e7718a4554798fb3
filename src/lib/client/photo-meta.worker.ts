/// <reference lib="webworker" />
/** Reads a photo's EXIF off the main thread: a 12-megapixel photo's bytes are copied and parsed
 * here, and the form stays responsive (issue 15). */
import { NO_META, readPhotoMeta } from './photo-meta';

self.onmessage = async (event: MessageEvent<Blob>) => {
	try {
		self.postMessage(await readPhotoMeta(new Uint8Array(await event.data.arrayBuffer())));
	} catch {
		// The file could not be read (removed, or not a file): it offers nothing.
		self.postMessage(NO_META);
	}
};
