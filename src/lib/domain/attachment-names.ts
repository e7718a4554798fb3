/** Attachment names and sizes, shared by the app (which makes the names), the form checks and the
 * gate's schema. No validation library here: the app's form code imports it. */
import type { AllowedContentType } from './content-type';

/** File names the app makes (`photo-1.jpg`, `document-2.pdf`): ASCII letters, digits, `-` and
 * `_`, one dot, an extension that matches the file's type. Names end up in document ids
 * (`att:<action>:<name>`) and in attachment URLs of every replica: a `/`, `..`, a control or an
 * odd Unicode character there made the store refuse whole replications (finding 2). */
export const ATTACHMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,59}\.(jpg|png|webp|pdf)$/;
export const EXTENSION_OF: Record<AllowedContentType, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'application/pdf': 'pdf'
};

export function isSafeAttachmentName(name: string, contentType: string): boolean {
	const match = ATTACHMENT_NAME.exec(name);
	return !!match && EXTENSION_OF[contentType as AllowedContentType] === match[1];
}

/** Bytes of a file's data (base64 once decoded, without decoding it; or a Blob's size). */
export function fileBytes(data: string | Blob): number {
	if (typeof data !== 'string') return data.size;
	const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
	return Math.floor((data.length * 3) / 4) - padding;
}

/** The same, looked up by a type a device declared, which may be none of them. */
const EXTENSION_BY_TYPE: Partial<Record<string, string>> = EXTENSION_OF;

/** The names the app gives an action's files, in order: `photo-1.jpg`, `photo-2.png`,
 * `document-1.pdf`… Never the name the file had on the phone, which may hold anything. */
export function attachmentNamesFor(contentTypes: string[]): string[] {
	const counts = { photo: 0, document: 0 };
	return contentTypes.map((type) => {
		const stem = type === 'application/pdf' ? 'document' : 'photo';
		return `${stem}-${++counts[stem]}.${EXTENSION_BY_TYPE[type] ?? 'bin'}`;
	});
}
