/** Redacting a case photo (issue 15, step 5). Staff are online for this: the pixels are changed
 * on the server, by the same pool of re-encodes the gate uses, and the result is written where
 * the entity's devices pull from.
 *
 * POST /api/cases/:case_key/attachments/:attachment_id/redact   { rects: [{x,y,w,h}…] }
 *   agents and managers of the case's entity; pixelates the regions of the version shown.
 * POST /api/cases/:case_key/attachments/:attachment_id/revert   {}
 *   managers of the case's entity; the original is shown again (the redacted bytes are kept).
 * POST /api/cases/:case_key/attachments/:attachment_id/original { reason }
 *   agents and managers of the case's entity; answers the original file, as a download.
 *
 * Staff of another entity get 404, as if the case did not exist; other roles 403. Each staff
 * member may redact or revert `REDACTIONS_PER_HOUR` times an hour and open `ORIGINALS_PER_HOUR`
 * originals an hour; past that, 429 `rate_limited`. Every success is an audit entry naming who,
 * when, what and (for an original) why. */
import express from 'express';
import { ATTACHMENT_ID, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { checkReason, checkRects } from '../../../src/lib/domain/redaction.js';
import { redactionAuditEntry } from '../audit/entries.js';
import { writeAudit } from '../audit/trail.js';
import type { SessionUser } from '../auth/types.js';
import { DEFAULT_POOL, GateBusy, type EncodePool } from '../gate/files.js';
import { ATTACHMENT_CSP } from '../gate/gate.js';
import { onlyFields, readObject } from '../http/body.js';
import { asyncHandler, errorHandler } from '../http/errors.js';
import { entityCase, requireRole } from '../http/guards.js';
import { windowQuota } from '../http/window-quota.js';
import type { Store } from '../store.js';
import { redactImage } from './image.js';
import { findPhoto, nextRecord, readOriginal, readRecord, readShown, saveRecord, writeShown } from './records.js';

export const REDACTIONS_PER_HOUR = 60;
const ORIGINALS_PER_HOUR = 30;
const HOUR_MS = 3_600_000;
/** Twenty rectangles of four numbers with their names fit in well under 4 KB. */
const small = express.json({ limit: '4kb', strict: true });

function photoOf(caseDoc: CaseDoc, attachmentId: string) {
	if (!ATTACHMENT_ID.test(attachmentId)) throw new TawasulError(404, 'not_found');
	const found = findPhoto(caseDoc, attachmentId);
	if (!found.ref.content_type.startsWith('image/')) throw new TawasulError(400, 'unsupported_file_type', [{ field: 'attachment_id', code: 'unsupported_file_type' }]);
	return found;
}

interface Deps {
	store: Store;
	pool?: EncodePool;
	now?: () => Date;
}

export function redactionRouter(deps: Deps): express.Router {
	const router = express.Router();
	const now = () => deps.now?.() ?? new Date();
	const redactAllowed = windowQuota(REDACTIONS_PER_HOUR, HOUR_MS, () => now().getTime());
	const originalAllowed = windowQuota(ORIGINALS_PER_HOUR, HOUR_MS, () => now().getTime());
	const path = '/api/cases/:case_key/attachments/:attachment_id';

	router.post(
		`${path}/redact`,
		small,
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['agent', 'manager']);
			if (!redactAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const body = readObject(req.body);
			onlyFields(body, ['rects']);
			const rects = checkRects(body.rects);
			if (!rects.ok) throw new TawasulError(400, rects.code, rects.fields);
			const caseDoc = await entityCase(deps.store, user, req.params.case_key);
			const attachmentId = req.params.attachment_id;
			photoOf(caseDoc, attachmentId);
			const count = await redact(deps, { caseDoc, attachmentId, rects: rects.rects, user, at: now().toISOString() });
			res.setHeader('Cache-Control', 'no-store');
			res.json({ attachment_id: attachmentId, shown: 'redacted', count });
		})
	);

	router.post(
		`${path}/revert`,
		small,
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['manager']);
			if (!redactAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			onlyFields(readObject(req.body), []);
			const caseDoc = await entityCase(deps.store, user, req.params.case_key);
			const attachmentId = req.params.attachment_id;
			const { ref, actionId } = photoOf(caseDoc, attachmentId);
			const record = await readRecord(deps.store, attachmentId);
			if (!record || record.shown !== 'redacted') throw new TawasulError(409, 'invalid_transition');
			const at = now().toISOString();
			const shown = await readShown(deps.store, caseDoc, attachmentId);
			const original = await readOriginal(deps.store, actionId, ref.name);
			await saveRecord(deps.store, nextRecord(record, { attachmentId, caseKey: caseDoc.case_key, at, by: user.user_id }));
			await writeShown(deps.store, caseDoc, shown, original, false);
			await writeAudit(deps.store, [redactionAuditEntry({ kind: 'redaction.revert', user, caseDoc, attachmentId, at })]);
			res.setHeader('Cache-Control', 'no-store');
			res.json({ attachment_id: attachmentId, shown: 'original' });
		})
	);

	router.post(
		`${path}/original`,
		small,
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['agent', 'manager']);
			if (!originalAllowed(user.user_id)) throw new TawasulError(429, 'rate_limited');
			const body = readObject(req.body);
			onlyFields(body, ['reason']);
			const reason = checkReason(body.reason);
			if (!reason.ok) throw new TawasulError(400, reason.field.code, [reason.field]);
			const caseDoc = await entityCase(deps.store, user, req.params.case_key);
			const attachmentId = req.params.attachment_id;
			const { ref, actionId } = photoOf(caseDoc, attachmentId);
			const original = await readOriginal(deps.store, actionId, ref.name);
			const at = now().toISOString();
			// Recorded before a byte leaves: an original nobody can account for is never sent.
			await writeAudit(deps.store, [redactionAuditEntry({ kind: 'redaction.view_original', user, caseDoc, attachmentId, at, reason: reason.reason })]);
			res.setHeader('Cache-Control', 'no-store');
			res.setHeader('Content-Type', original.content_type);
			res.setHeader('Content-Disposition', 'attachment');
			res.setHeader('Content-Security-Policy', ATTACHMENT_CSP);
			res.end(original.data);
		})
	);
	// A body the parser refused (too large, not JSON) is answered in the project's error shape.
	router.use(path, errorHandler);
	return router;
}

/** Pixelates the version shown, saves the record, shows the result, audits it; the new count. */
async function redact(deps: Deps, input: { caseDoc: CaseDoc; attachmentId: string; rects: Parameters<typeof redactImage>[2]; user: SessionUser; at: string }): Promise<number> {
	const { caseDoc, attachmentId, user, at } = input;
	const shown = await readShown(deps.store, caseDoc, attachmentId);
	const previous = await readRecord(deps.store, attachmentId);
	const pool = deps.pool ?? DEFAULT_POOL;
	let ticket;
	try {
		ticket = pool.reserve(1);
	} catch (error) {
		if (error instanceof GateBusy) throw new TawasulError(503, 'busy');
		throw error;
	}
	let made;
	try {
		made = await pool.run(ticket, () => redactImage(shown.photo.data, shown.photo.content_type, input.rects));
	} finally {
		pool.release(ticket);
	}
	if (!made.ok) throw new TawasulError(400, 'unreadable_image', [{ field: 'attachment_id', code: 'unreadable_image' }]);
	const redacted = { content_type: made.content_type, data: made.data };
	const record = nextRecord(previous, { attachmentId, caseKey: caseDoc.case_key, at, by: user.user_id, redacted });
	await saveRecord(deps.store, record);
	await writeShown(deps.store, caseDoc, shown, redacted, true);
	await writeAudit(deps.store, [redactionAuditEntry({ kind: 'redaction.apply', user, caseDoc, attachmentId, at, rects: input.rects.length })]);
	return record.count;
}
