/** A case filed at a kiosk (issue 12): online for the session's citizen, or later from the
 * kiosk's outbox for the citizen its sealed grant names (deferred.ts). Both go through
 * `fileCase`, so a filing is checked, charged and written the same way whichever door it took,
 * and a filing sent through both (the answer to the first was lost) is one case. */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import { DB, type ActionDoc, type CaseType } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { FILING_ID, kioskReceiptCode, readSealedFiling } from '../../../src/lib/domain/kiosk-outbox.js';
import { fileableWithoutPhone, KIOSK_PHOTOS_MAX } from '../../../src/lib/domain/kiosk-session.js';
import type { SessionUser } from '../auth/types.js';
import { admitActions, refusalOf } from '../gate/gate.js';
import { idStates } from '../gate/action-ids.js';
import { readObject } from '../http/body.js';
import { log } from '../log.js';
import { getOrNull } from '../store-docs.js';
import { filingCaseKey, readGrant, type OutboxKeys } from './deferred.js';
import type { KioskDoc } from './devices.js';
import type { KioskContext, SignedRoute } from './routes.js';

/** A sealed filing's body: the case's body (KIOSK_CASE_BODY_MAX) grows by a third as base64url. */
const KIOSK_DEFERRED_BODY_MAX = '3400kb';
const SEALED_DATA_MAX = 3400 * 1024;

/** Who a filing is for: the citizen who proved their phone, or nobody (the kiosk's own). */
interface Filer {
	citizen_id: string | null;
	phone: string | null;
}

/** The kiosk's filing id, when it sent one. */
export function readFilingId(value: unknown): string | null {
	if (value === undefined) return null;
	if (typeof value !== 'string' || !FILING_ID.test(value)) throw new TawasulError(400, 'invalid_format', [{ field: 'filing_id', code: 'invalid_format' }]);
	return value;
}

/** Whether this kiosk's filing already reached intake: still there (and then it must be this
 * kiosk's), or there and since processed or refused. */
async function filedBefore(ctx: KioskContext, kioskId: string, actionId: string): Promise<boolean> {
	const state = (await idStates(ctx.store, [actionId])).get(actionId);
	if (state === 'removed') return true;
	if (state !== 'live') return false;
	const earlier = await getOrNull(ctx.store.use<ActionDoc>(DB.INTAKE), actionId);
	if (earlier?.kiosk?.kiosk_id !== kioskId) throw new TawasulError(409, 'duplicate_action');
	return true;
}

/** Files `fields` for `filer` at `kiosk`; returns the case key. With a filing id, a second
 * attempt answers with the first one's case key and writes nothing. */
export async function fileCase(ctx: KioskContext, kiosk: KioskDoc, filer: Filer, fields: Record<string, unknown>, filingId: string | null): Promise<string> {
	const { store, env, now } = ctx;
	if (!filer.citizen_id && !fileableWithoutPhone(fields.case_type as CaseType, (await ctx.catalogues.get()).categories.get(String(fields.category_id)))) {
		throw new TawasulError(403, 'kiosk_no_citizen', [{ field: 'case_type', code: 'kiosk_no_citizen' }]);
	}
	const photos = fields._attachments;
	if (photos && typeof photos === 'object' && Object.keys(photos).length > KIOSK_PHOTOS_MAX) {
		throw new TawasulError(400, 'too_many_files', [{ field: 'files', code: 'too_many_files', params: { max: KIOSK_PHOTOS_MAX } }]);
	}
	const caseKey = filingId ? filingCaseKey(kiosk.kiosk_id, filingId) : randomUUID();
	const actionId = `act:${caseKey}`;
	if (filingId && (await filedBefore(ctx, kiosk.kiosk_id, actionId))) return caseKey;
	const at = new Date(now());
	const action = { ...fields, _id: actionId, type: 'action', kind: 'submit', case_key: caseKey, client_time: at.toISOString(), device_id: `kiosk:${kiosk.kiosk_id}` };
	// The case is the citizen's, on the citizen's own quota; a filing without a phone is the
	// kiosk's own, on the kiosk's quota.
	const user: SessionUser = { user_id: filer.citizen_id ?? kiosk.kiosk_id, role: 'citizen', name: '', ...(filer.phone ? { phone: filer.phone } : {}), databases: { pull: [], push: DB.INTAKE } };
	const quotas = filer.citizen_id ? env.quotas : { person: env.quotas.kiosk, kiosk: env.quotas.kiosk };
	const stamp = { kiosk_id: kiosk.kiosk_id, name: kiosk.name, centre: kiosk.centre, ...(filingId ? { receipt_code: kioskReceiptCode(filingId) } : {}) };
	// One answer for the one action sent.
	const result = (await admitActions(store, quotas, user, [action], at, true, { kiosk: stamp })).at(0);
	// Two attempts at once: the other one wrote it (its time of filing differs by a moment).
	if (filingId && result?.reason === 'duplicate_action') return caseKey;
	if (result?.error) throw refusalOf(result);
	return caseKey;
}

/** The sealed filing's plaintext as sent: the grant and the case's fields. */
function readPlaintext(text: string): { grant: unknown; fields: Record<string, unknown> } {
	const parsed = readObject(JSON.parse(text));
	return { grant: parsed.grant, fields: readObject(parsed.fields) };
}

/**
 * `POST /api/kiosk/outbox`: a filing the kiosk made while offline, sent by the kiosk itself
 * (signed) when the network is back. Answers 201 with the case key, the same for every attempt;
 * the reference reaches the citizen by SMS once the engine has routed the case
 * (rules/citizen-notice.ts). A sealed record that does not open, a grant that is not the
 * server's, not this kiosk's or too old, is refused for good (400 / 403): the kiosk drops it.
 */
export function outboxRoute(router: express.Router, ctx: KioskContext, signed: SignedRoute, keys: OutboxKeys | null): void {
	router.post(
		'/api/kiosk/outbox',
		...signed(async (_req, res, { kiosk, body }) => {
			// Both come from the server's secrets key: without it nothing sealed can be opened or trusted.
			const secretsKey = ctx.env.secretsKey;
			if (!keys || !secretsKey) throw new TawasulError(503, 'unavailable');
			const filingId = readFilingId(body.filing_id);
			const sealed = readSealedFiling(body.sealed, SEALED_DATA_MAX);
			if (!filingId || !sealed) throw new TawasulError(400, 'invalid_format', [{ field: 'sealed', code: 'invalid_format' }]);
			const text = keys.open(sealed, kiosk.kiosk_id, filingId);
			let plain: ReturnType<typeof readPlaintext>;
			try {
				if (text === null) throw new Error('sealed filing does not open');
				plain = readPlaintext(text);
			} catch {
				log.warn('kiosk outbox filing refused', { kiosk_id: kiosk.kiosk_id, filing_id: filingId, reason: 'sealed' });
				throw new TawasulError(400, 'invalid_format', [{ field: 'sealed', code: 'invalid_format' }]);
			}
			let filer: Filer = { citizen_id: null, phone: null };
			if (plain.grant !== null && plain.grant !== undefined) {
				const grant = readGrant(secretsKey, plain.grant, kiosk.kiosk_id, ctx.now());
				if (!grant) {
					log.warn('kiosk outbox filing refused', { kiosk_id: kiosk.kiosk_id, filing_id: filingId, reason: 'grant' });
					throw new TawasulError(403, 'kiosk_citizen_mismatch');
				}
				filer = { citizen_id: grant.citizen_id, phone: grant.phone };
			}
			const caseKey = await fileCase(ctx, kiosk, filer, plain.fields, filingId);
			log.info('kiosk outbox filing received', { kiosk_id: kiosk.kiosk_id, filing_id: filingId });
			res.status(201).json({ case_key: caseKey, receipt_code: kioskReceiptCode(filingId) });
		}, KIOSK_DEFERRED_BODY_MAX)
	);
}
