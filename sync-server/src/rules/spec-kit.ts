/** What the rule specs share: a works catalogue with a public-place category and a private one,
 * a routed case of it, an action on it, and the whole pipeline run on one action. */
import { expect } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import type { ActionAuthor, ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { RULES, runRules, type Work } from './index.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'الأشغال', name_en: 'Works', active: true },
	{ _id: 'category:works-potholes', type: 'category', category_id: 'works-potholes', entity_id: 'works', name_ar: 'الحفر', name_en: 'Potholes', case_types: ['complaint'], public_place: true },
	{ _id: 'category:works-general', type: 'category', category_id: 'works-general', entity_id: 'works', name_ar: 'عام', name_en: 'General', case_types: ['complaint'] },
	{ _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false }
]);
const KEY = 'aaaaaaaa-0000-4000-8000-000000000001';
let n = 0;

/** An open pothole case of the works entity, filed by `c0`. */
export function caseDoc(extra: Partial<CaseDoc> = {}): CaseDoc {
	const at = '2026-12-14T07:00:00.000Z';
	return {
		_id: `case:${KEY}`,
		type: 'case',
		case_key: KEY,
		ref: '26-000001-0',
		case_type: 'complaint',
		status: 'open',
		entity_id: 'works',
		category_id: 'works-potholes',
		subject: 'Pothole',
		body: 'My plate 55123 fell in.',
		location: { lat: 26.2, lng: 50.5 },
		locale: 'ar',
		citizen_id: 'c0',
		citizen_label: { name: 'Ahmed Ali', masked_phone: '+973 3600 ••01' },
		created_at: at,
		routed_at: at,
		updated_at: at,
		sla: { started_at: at, due_at: '2026-12-21T20:59:59.999Z', paused_at: null, stopped_at: null, paused_ms: 0 },
		timeline: [{ action_id: 'act:submit', kind: 'submit', at, author_role: 'citizen', author_id: 'c0' }],
		applied: ['act:submit'],
		rejected: [],
		version: 1,
		...extra
	};
}

export function action(kind: ActionDoc['kind'], author: ActionAuthor, fields: Partial<ActionDoc> = {}): ActionDoc {
	return { _id: `act:${kind}-${++n}`, type: 'action', kind, case_key: KEY, client_time: '2026-12-14T08:00:00Z', device_id: 'd', author, received_at: '2026-12-14T08:00:00.000Z', ...fields };
}

/** Runs the rules; the case as the action leaves it, or the code it was refused with. */
export function run(a: ActionDoc, before: CaseDoc): CaseDoc | string {
	const work: Work = { action: a, before, after: structuredClone(before), at: new Date(a.received_at ?? '') };
	try {
		expect(runRules(RULES, work, { catalogue, reference: () => '26-000099-0', caseOf: () => null })).toEqual([]);
	} catch (error) {
		if (error instanceof TawasulError) return error.code;
		throw error;
	}
	if (!work.after) throw new Error(`action ${a._id} left no case`);
	return work.after;
}
