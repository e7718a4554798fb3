/** A citizen's case filed at a self-service kiosk (issue 12): the same fields and checks as the
 * app's draft form, sent through the kiosk's signed door, with the photos inline; then the
 * receipt; and, when the citizen leaves, the wipe of whatever the browser might still hold of
 * them. The form lives in memory only; a filing the network did not take is kept sealed for the
 * server alone (kiosk-outbox.ts), and its receipt says the reference will follow by SMS. */
import { DB } from '$lib/domain/doc-types';
import type { FieldError } from '$lib/domain/errors';
import type { Catalogue } from '$lib/domain/routing';
import { ClientError, toClientError } from './api';
import type { DraftFields } from './drafts';
import { kioskCall, DEVICE_DB_NAME, type KioskDevice } from './kiosk-device';
import { queueFiling } from './kiosk-outbox';
import { base64Bytes } from './kiosk-seal';
import { kioskReceiptCode } from '$lib/domain/kiosk-outbox';
import type { CaseType } from '$lib/domain/doc-types';
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

/** A filing whose reference the kiosk cannot show: it waits in the outbox, or the network went
 * before the receipt came. The reference follows by SMS (when a phone was given); the code
 * matches this receipt with the case. */
export interface PendingReceipt {
	receipt_code: string;
	case_type: CaseType;
	sms: boolean;
	kiosk: { name: string; centre: string };
}

/** The case's fields as the kiosk (and an anonymous report, anonymous-report.ts) sends them,
 * its photos inline (base64). */
export async function filingBody(fields: DraftFields, files: OutgoingFile[]): Promise<Record<string, unknown>> {
	const body: Record<string, unknown> = { ...submitFields(fields, parseLocation(fields.location)) };
	if (files.length) {
		const attachments = namedAttachments(files);
		const inline: Record<string, { content_type: string; data: string }> = {};
		for (const [name, file] of Object.entries(attachments)) {
			inline[name] = { content_type: file.content_type, data: base64Bytes(new Uint8Array(await (file.data as Blob).arrayBuffer())) };
		}
		body._attachments = inline;
	}
	return body;
}

/** Who the filing is for: the session's grant (null without a phone), and the filing's id, made
 * once per form so that sending it again is never a second case. */
export interface Filing {
	filingId: string;
	grant: string | null;
}

/** Files the case for the session's citizen: its case key, or, when the network is down, the
 * receipt code of the filing kept in the outbox. */
export async function fileAtKiosk(device: KioskDevice, fields: DraftFields, files: OutgoingFile[], filing: Filing): Promise<{ caseKey: string } | { queued: string }> {
	const body = await filingBody(fields, files);
	try {
		const { case_key } = await kioskCall<{ case_key: string }>(device, 'POST', '/api/kiosk/cases', { ...body, filing_id: filing.filingId });
		return { caseKey: case_key };
	} catch (caught) {
		if (toClientError(caught).code !== 'network') throw caught;
		return { queued: await queueFiling(device, filing.filingId, { grant: filing.grant, fields: body }) };
	}
}

/** The receipt of a filing that left no reference on the screen. */
export function pendingReceipt(device: KioskDevice, filingId: string, caseType: CaseType, identified: boolean): PendingReceipt {
	return { receipt_code: kioskReceiptCode(filingId), case_type: caseType, sms: identified, kiosk: { name: device.name, centre: device.centre } };
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
		request.onsuccess = request.onerror = () => {
			resolve();
		};
		// An open connection that does not let go must not stop the wipe of the rest.
		request.onblocked = () => setTimeout(resolve, 1_000);
	});
}

/** After a citizen leaves: every browser store but the device key's and the public config, every
 * cache but the app's own shell, and session storage. */
export async function wipeBrowserStores(): Promise<void> {
	// Browsers without `indexedDB.databases()` (older Firefox) cannot list what to delete.
	const factory: Partial<Pick<IDBFactory, 'databases'>> = indexedDB;
	const databases = (await factory.databases?.()) ?? [];
	const names = databases.flatMap((d) => (d.name && !KEPT_DATABASES.has(d.name) ? [d.name] : []));
	await Promise.all(names.map((name) => deleteDatabase(name)));
	if ('caches' in globalThis) {
		const names = await caches.keys();
		await Promise.all(names.filter((name) => !KEPT_CACHE.test(name)).map((name) => caches.delete(name)));
	}
	sessionStorage.clear();
}
