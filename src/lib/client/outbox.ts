import type { ActionDoc, ActionKind, AttachmentStub, GeoPoint } from '$lib/domain/doc-types';
import { actionDocId } from '$lib/domain/doc-types';
import { parseAction } from '$lib/domain/action-schema';
import { attachmentNamesFor } from '$lib/domain/attachment-names';
import { toAsciiDigits } from '$lib/domain/text';
import { ClientError } from './api';
import { createDraft, deleteDraft, getDraft, listDraftFiles, addDraftFile, type DraftFields } from './drafts';
import { i18n } from './i18n.svelte';
import { deviceId, getSetting, setSetting } from './local-db';
import { sync } from './sync.svelte';
import { validateSubmission } from './submission';

/** The fields an action of each kind carries besides the envelope (docs/design.md, intake). */
export type ActionFields = Partial<
	Pick<
		ActionDoc,
		| 'case_type'
		| 'entity_id'
		| 'category_id'
		| 'subject'
		| 'body'
		| 'location'
		| 'observed_at'
		| 'locale'
		| 'to_entity_id'
		| 'reason'
		| 'interim'
		| 'name_consent'
		| 'suggestion_state'
		| 'target_date'
		| 'implemented_on'
		| 'link'
		| 'primary_key'
	>
> & { case_key: string };

export interface OutgoingFile {
	name: string;
	blob: Blob;
}

/** Files named by what they are (photo-1.jpg, document-1.pdf), never by the phone's file name:
 * names end up in ids and URLs of every replica, and the gate accepts only such names. */
export function namedAttachments(files: OutgoingFile[]): Record<string, AttachmentStub> {
	const names = attachmentNamesFor(files.map((f) => f.blob.type));
	const attachments: Record<string, AttachmentStub> = {};
	files.forEach((file, i) => (attachments[names[i]] = { content_type: file.blob.type, data: file.blob }));
	return attachments;
}

async function buildAction(kind: ActionKind, fields: ActionFields, files: OutgoingFile[], id: string): Promise<ActionDoc> {
	const doc: ActionDoc = {
		...fields,
		_id: actionDocId(id),
		type: 'action',
		kind,
		case_key: fields.case_key,
		client_time: new Date().toISOString(),
		device_id: await deviceId()
	};
	if (files.length) doc._attachments = namedAttachments(files);
	// The gate's own schema, before anything is queued: an action it would refuse is refused here,
	// with the field, while the person can still correct it. Text comes back without bidi controls.
	const parsed = parseAction(doc);
	if (!parsed.ok) throw new ClientError(400, parsed.errors[0].code, parsed.errors);
	return parsed.action;
}

/**
 * Appends one immutable action to the signed-in person's outbox. Offline: a local PouchDB write
 * that always succeeds; live push replication sends it to `intake` when the network is there, and
 * the server's decision comes back through the mirrors (applied, or a rejection doc).
 */
export async function appendAction(kind: ActionKind, fields: ActionFields, files: OutgoingFile[] = []): Promise<ActionDoc> {
	const outbox = await sync.outbox();
	const doc = await buildAction(kind, fields, files, crypto.randomUUID());
	await outbox.put(doc);
	return doc;
}

/** Parses the draft's typed coordinates; null when both are empty. */
export function parseLocation(location: DraftFields['location']): GeoPoint | null | 'invalid' {
	if (!location || (!location.lat.trim() && !location.lng.trim())) return null;
	// Arabic-Indic digits and a decimal comma are what many phones type.
	const parse = (text: string) => (text.trim() ? Number(toAsciiDigits(text.trim()).replace(/[,٫]/, '.')) : NaN);
	const lat = parse(location.lat);
	const lng = parse(location.lng);
	if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return 'invalid';
	return { lat, lng };
}

/** A draft's fields as a `submit` action carries them (the app's outbox, a kiosk's filing). */
export function submitFields(draft: DraftFields, location: GeoPoint | null | 'invalid'): Omit<ActionFields, 'case_key'> {
	return {
		case_type: draft.case_type,
		entity_id: draft.entity_id,
		category_id: draft.category_id,
		subject: draft.subject.trim(),
		body: draft.body.trim(),
		location: location === 'invalid' ? null : location,
		...(draft.observed_at ? { observed_at: draft.observed_at } : {}),
		locale: i18n.locale,
		...(draft.case_type === 'suggestion' && draft.name_consent === true ? { name_consent: true } : {})
	};
}

/**
 * Turns a draft into a `submit` action in one step. The action id is `act:<draft id>` and the
 * case key is the draft id, both deterministic: if the app dies after the put and before the
 * draft is deleted, submitting again meets a 409 conflict, which means "already in the outbox" —
 * so the case is neither lost nor sent twice. Offline: local writes only. Returns the case key.
 */
export async function submitDraft(draftId: string): Promise<string> {
	const outbox = await sync.outbox();
	const id = actionDocId(draftId);
	const draft = await getDraft(draftId);
	if (!draft) {
		// Deleted already: either the submission went through (then it is in the outbox) or not.
		const existing = await outbox.get<ActionDoc>(id).catch(() => null);
		if (existing) return existing.case_key;
		throw new ClientError(404, 'case_not_found');
	}
	const files = await listDraftFiles(draftId);
	const location = parseLocation(draft.location);
	const errors = validateSubmission(draft, location, files);
	if (errors.length) throw new ClientError(400, errors[0].code, errors);
	const fields: ActionFields = { case_key: draft.id, ...submitFields(draft, location) };
	const doc = await buildAction(
		'submit',
		fields,
		files.map((f) => ({ name: f.name, blob: f.blob })),
		draftId
	);
	try {
		await outbox.put(doc);
	} catch (error) {
		if ((error as { status?: number }).status !== 409) throw error;
	}
	await deleteDraft(draftId);
	return draft.id;
}

const DISMISSED_KEY = 'dismissed_actions';

export async function dismissedActions(): Promise<Set<string>> {
	return new Set((await getSetting<string[]>(DISMISSED_KEY)) ?? []);
}

/** A refused submission becomes a new draft with everything that was typed and attached, so
 * nothing is lost; the refused one is then hidden from the list. Offline: local writes only. */
export async function restoreAsDraft(actionId: string): Promise<string> {
	const outbox = await sync.outbox();
	const action = await outbox.get<ActionDoc>(actionId, { attachments: true, binary: true });
	const location = action.location ? { lat: String(action.location.lat), lng: String(action.location.lng) } : null;
	const draft = await createDraft(sync.user?.user_id ?? '', {
		case_type: action.case_type,
		entity_id: action.entity_id ?? '',
		category_id: action.category_id ?? '',
		subject: action.subject ?? '',
		body: action.body ?? '',
		location,
		observed_at: action.observed_at ?? null
	});
	for (const [name, attachment] of Object.entries(action._attachments ?? {})) {
		if (attachment.data instanceof Blob) await addDraftFile(draft.id, attachment.data, name);
	}
	const dismissed = await dismissedActions();
	dismissed.add(actionId);
	await setSetting(DISMISSED_KEY, [...dismissed]);
	return draft.id;
}
