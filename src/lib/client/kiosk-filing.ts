/** A citizen's case filed at a self-service kiosk (issue 12): the same fields and checks as the
 * app's draft form, sent through the kiosk's signed door instead of an outbox, with the photos
 * inline; then the receipt; and, when the citizen leaves, the wipe of whatever the browser might
 * still hold of them. Nothing here writes the citizen's data to any store: the form lives in
 * memory only. */
import { DB } from '$lib/domain/doc-types';
import type { FieldError } from '$lib/domain/errors';
import type { Catalogue } from '$lib/domain/routing';
import { ClientError } from './api';
import type { DraftFields } from './drafts';
import { kioskCall, DEVICE_DB_NAME, type KioskDevice } from './kiosk-device';
import { namedAttachments, parseLocation, submitFields, type OutgoingFile } from './outbox';
import { validateSubmission } from './submission';
import { mirrorName } from './sync.svelte';

export interface KioskReceipt {
	ref: string;
	case_type: string;
	entity_id: string;
	entity_name: { ar: string; en: string } | null;
	created_at: string;
	due_at: string;
	tracking_url: string;
	kiosk: { name: string; centre: string };
	/** A phone was given: the reference also goes there by SMS. */
	sms: boolean;
}

/** The app's own checks, before anything is sent; an empty list means the case may go. */
export function checkKioskCase(fields: DraftFields, files: unknown[], catalogue: Catalogue | undefined): FieldError[] {
	return validateSubmission(fields, parseLocation(fields.location), files, catalogue);
}

async function base64(blob: Blob): Promise<string> {
	const bytes = new Uint8Array(await blob.arrayBuffer());
	let binary = '';
	const CHUNK = 0x8000;
	for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
	return btoa(binary);
}

/** Files the case for the session's citizen; returns its case key. */
export async function fileAtKiosk(device: KioskDevice, fields: DraftFields, files: OutgoingFile[]): Promise<string> {
	const body: Record<string, unknown> = { ...submitFields(fields, parseLocation(fields.location)) };
	if (files.length) {
		const attachments = namedAttachments(files);
		const inline: Record<string, { content_type: string; data: string }> = {};
		for (const [name, file] of Object.entries(attachments)) {
			inline[name] = { content_type: file.content_type, data: await base64(file.data as Blob) };
		}
		body._attachments = inline;
	}
	const { case_key } = await kioskCall<{ case_key: string }>(device, 'POST', '/api/kiosk/cases', body);
	return case_key;
}

const RECEIPT_POLL_MS = 500;
const RECEIPT_WAIT_MS = 20_000;

/** The receipt, once the server has routed the case (a moment after filing). */
export async function waitForReceipt(device: KioskDevice, caseKey: string, wait = RECEIPT_WAIT_MS): Promise<KioskReceipt> {
	const until = Date.now() + wait;
	for (;;) {
		const answer = await kioskCall<{ receipt?: KioskReceipt; pending?: boolean }>(device, 'GET', `/api/kiosk/receipt/${encodeURIComponent(caseKey)}`);
		if (answer.receipt) return answer.receipt;
		if (Date.now() > until) throw new ClientError(504, 'network');
		await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
	}
}

/** Databases that hold nothing of any person: the device's key and the public configuration
 * (entities, categories, holidays) that everyone pulls. Everything else goes. */
const KEPT_DATABASES = new Set([DEVICE_DB_NAME, `_pouch_${mirrorName(DB.CONFIG)}`]);
const KEPT_CACHE = /^workbox-precache/;

function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = request.onerror = () => resolve();
		// An open connection that does not let go must not stop the wipe of the rest.
		request.onblocked = () => setTimeout(resolve, 1_000);
	});
}

/** After a citizen leaves: every browser store but the device key's and the public config, every
 * cache but the app's own shell, and session storage. */
export async function wipeBrowserStores(): Promise<void> {
	const databases = (await indexedDB.databases?.()) ?? [];
	await Promise.all(databases.filter((d) => d.name && !KEPT_DATABASES.has(d.name)).map((d) => deleteDatabase(d.name!)));
	if ('caches' in globalThis) {
		const names = await caches.keys();
		await Promise.all(names.filter((name) => !KEPT_CACHE.test(name)).map((name) => caches.delete(name)));
	}
	sessionStorage.clear();
}
