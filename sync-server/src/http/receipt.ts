/** The receipt of a case filed through a door that leaves the filer no replica to read it from (a
 * kiosk, a report without an account): reference, type, entity and dates, nothing of the case's
 * text. Until the engine has numbered the case: 202 `{ pending }` while its action waits in
 * intake, 404 once it is gone from there without a case (refused). */
import type { Response } from 'express';
import { caseDocId, DB, type ActionDoc, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import type { CatalogueSource } from '../engine/catalogue.js';
import type { Store } from '../store.js';
import { getOrNull } from '../store-docs.js';

export async function sendReceipt(res: Response, store: Store, catalogues: CatalogueSource, caseKey: string, more: Record<string, unknown> = {}): Promise<void> {
	const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(caseKey));
	if (!caseDoc?.ref) {
		const waiting = await getOrNull(store.use<ActionDoc>(DB.INTAKE), `act:${caseKey}`);
		res.status(waiting ? 202 : 404).json(waiting ? { pending: true } : { error: { code: 'not_found', message_key: 'errors.not_found' } });
		return;
	}
	const entity = (await catalogues.get()).entities.get(caseDoc.entity_id);
	res.json({
		receipt: {
			ref: caseDoc.ref,
			case_type: caseDoc.case_type,
			entity_id: caseDoc.entity_id,
			entity_name: entity ? { ar: entity.name_ar, en: entity.name_en } : null,
			created_at: caseDoc.created_at,
			due_at: caseDoc.sla.due_at,
			...more
		}
	});
}
