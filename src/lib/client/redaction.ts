/** Requests of the photo redaction dialog (issue 15, step 5); the server pixelates, the entity's
 * mirror then receives the redacted version by replication. Online only: nothing here is queued. */
import type { RedactionRect } from '$lib/domain/redaction';
import { ClientError, errorFromResponse, request } from './api';
import { sync } from './sync.svelte';

const base = (caseKey: string, attachmentId: string) => `/api/cases/${encodeURIComponent(caseKey)}/attachments/${encodeURIComponent(attachmentId)}`;

export function redactPhoto(caseKey: string, attachmentId: string, rects: RedactionRect[]): Promise<{ shown: 'redacted'; count: number }> {
	return request('POST', `${base(caseKey, attachmentId)}/redact`, { rects });
}

export function revertPhoto(caseKey: string, attachmentId: string): Promise<{ shown: 'original' }> {
	return request('POST', `${base(caseKey, attachmentId)}/revert`, {});
}

/** The original file, handed over once the reason is recorded in the audit trail. */
export async function originalPhoto(caseKey: string, attachmentId: string, reason: string): Promise<Blob> {
	let response: Response;
	try {
		response = await fetch(`${base(caseKey, attachmentId)}/original`, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ reason })
		});
	} catch {
		throw new ClientError(0, 'network');
	}
	if (!response.ok) throw await errorFromResponse(response);
	return response.blob();
}

/** The version of a photo the entity's mirror holds now, and whether it is the redacted one. */
export async function shownPhoto(dbName: string, attachmentId: string): Promise<{ blob: Blob; redacted: boolean; rev: string }> {
	const db = await sync.mirror(dbName);
	const doc = await db.get<{ redacted?: boolean }>(attachmentId, { attachments: true, binary: true });
	const first = Object.values(doc._attachments ?? {}).at(0);
	if (!first || !('data' in first) || !(first.data instanceof Blob)) throw Object.assign(new Error('attachment not synced'), { status: 404 });
	return { blob: first.data, redacted: doc.redacted === true, rev: doc._rev ?? '' };
}
