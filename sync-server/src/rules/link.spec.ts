/** The link rule (issue 13) inside the whole rules pipeline: a link checks the primary it names,
 * the server's side of it follows the duplicate's state, the primary's final reply lists the linked
 * cases and asks for one copy each, and only the server's copy of a reply closes a linked case. */
import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { serverActionId } from '../gate/action-ids.js';
import { collectEffects, RULES, runRules, type Work } from './index.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'الأشغال', name_en: 'Works', active: true },
	{ _id: 'entity:health', type: 'entity', entity_id: 'health', name_ar: 'الصحة', name_en: 'Health', active: true },
	{ _id: 'category:works-roads', type: 'category', category_id: 'works-roads', entity_id: 'works', name_ar: 'الطرق', name_en: 'Roads', case_types: ['complaint'] },
	{ _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false }
]);
const agent = { user_id: 's1', role: 'agent' as const, entity_id: 'works' };
const KEYS = { a: 'aaaaaaaa-0000-4000-8000-000000000001', b: 'bbbbbbbb-0000-4000-8000-000000000002' };
let n = 0;

function caseDoc(key: string, extra: Partial<CaseDoc> = {}): CaseDoc {
	const at = '2026-12-14T07:00:00.000Z';
	return {
		_id: `case:${key}`,
		type: 'case',
		case_key: key,
		ref: `26-00000${++n}-0`,
		case_type: 'complaint',
		status: 'open',
		entity_id: 'works',
		category_id: 'works-roads',
		subject: 'Pothole',
		body: 'A pothole on Road 4417.',
		location: null,
		locale: 'en',
		citizen_id: `c${n}`,
		created_at: at,
		routed_at: at,
		updated_at: at,
		sla: { started_at: at, due_at: '2026-12-21T20:59:59.999Z', paused_at: null, stopped_at: null, paused_ms: 0 },
		timeline: [],
		applied: [],
		rejected: [],
		version: 1,
		...extra
	};
}

function action(kind: ActionDoc['kind'], caseKey: string, fields: Partial<ActionDoc> = {}): ActionDoc {
	return { _id: `act:${kind}-${++n}`, type: 'action', kind, case_key: caseKey, client_time: '2026-12-14T08:00:00Z', device_id: 'd', author: agent, received_at: '2026-12-14T08:00:00.000Z', ...fields };
}

function run(a: ActionDoc, cases: CaseDoc[]): Work {
	const byKey = new Map(cases.map((c) => [c.case_key, c]));
	const before = byKey.get(a.case_key) ?? null;
	const work: Work = { action: a, before, after: before ? structuredClone(before) : null, at: new Date(a.received_at!) };
	const failures = runRules(RULES, work, { catalogue, reference: () => '26-000099-0', caseOf: (key) => byKey.get(key) ?? null });
	expect(failures).toEqual([]);
	return work;
}

const code = (fn: () => unknown) => {
	try {
		fn();
	} catch (error) {
		if (error instanceof TawasulError) return error.code;
		throw error;
	}
	return 'accepted';
};

describe('link rule', () => {
	it("links a duplicate and asks for the primary's side once, under an id fixed by the link", () => {
		const primary = caseDoc(KEYS.a);
		const link = action('link', KEYS.b, { primary_key: KEYS.a });
		const after = run(link, [primary, caseDoc(KEYS.b)]).after!;
		expect(after.linked_to).toEqual({ case_key: KEYS.a, ref: primary.ref });
		const effects = collectEffects(RULES, link, after).filter((e) => e.kind === 'server_action');
		expect(effects).toHaveLength(1);
		expect(effects[0]).toMatchObject({ action: { kind: 'duplicate_added', case_key: KEYS.a, duplicate_key: KEYS.b, author: agent, _id: serverActionId(`duplicate_added:${link._id}:${KEYS.a}`) } });
		expect(collectEffects(RULES, link, after)).toEqual(collectEffects(RULES, link, structuredClone(after)));
	});

	it("keeps the primary's list as the duplicate stands, whatever order the server's actions come in", () => {
		const primary = caseDoc(KEYS.a);
		const linked = caseDoc(KEYS.b, { linked_to: { case_key: KEYS.a, ref: primary.ref } });
		const added = { _id: serverActionId('x'), duplicate_key: KEYS.b };
		expect(run(action('duplicate_added', KEYS.a, added), [primary, linked]).after!.duplicates).toEqual([{ case_key: KEYS.b, ref: linked.ref }]);
		// Added after the link was undone already: the list stays empty.
		expect(run(action('duplicate_added', KEYS.a, added), [primary, caseDoc(KEYS.b)]).after!.duplicates).toBeUndefined();
		// A device may not write the server's side.
		expect(code(() => run(action('duplicate_added', KEYS.a, { duplicate_key: KEYS.b }), [primary, linked]))).toBe('not_allowed');
	});

	it("lists the linked cases on the primary's final reply and asks for one copy each", () => {
		const primary = caseDoc(KEYS.a, { duplicates: [{ case_key: KEYS.b, ref: '26-1' }] });
		const reply = action('reply', KEYS.a, { body: 'Filled the pothole.' });
		const after = run(reply, [primary]).after!;
		expect(after.timeline.at(-1)!.answers).toEqual([KEYS.b]);
		const copies = collectEffects(RULES, reply, after).filter((e) => e.kind === 'server_action');
		expect(copies.map((e) => e.kind === 'server_action' && e.action)).toEqual([expect.objectContaining({ kind: 'reply', case_key: KEYS.b, primary_key: KEYS.a, body: 'Filled the pothole.' })]);
		// An interim reply answers nothing, nor does a second final reply answer the same case again.
		expect(run(action('reply', KEYS.a, { body: 'We are on it.', interim: true }), [primary]).after!.timeline.at(-1)!.answers).toBeUndefined();
		const second = action('reply', KEYS.a, { body: 'And the kerb too.' });
		const again = run(second, [after]).after!;
		expect(again.timeline.at(-1)!.answers).toBeUndefined();
		expect(collectEffects(RULES, second, again).filter((e) => e.kind === 'server_action')).toEqual([]);
	});

	it("closes a linked case with the server's copy only, and only while it is linked to that primary", () => {
		const primary = caseDoc(KEYS.a);
		const linked = caseDoc(KEYS.b, { linked_to: { case_key: KEYS.a, ref: primary.ref } });
		const copy = action('reply', KEYS.b, { _id: serverActionId('copy'), body: 'Filled the pothole.', primary_key: KEYS.a });
		const after = run(copy, [primary, linked]).after!;
		expect(after.status).toBe('closed');
		expect(after.timeline.at(-1)).toMatchObject({ kind: 'reply', primary_key: KEYS.a, linked_ref: primary.ref });
		expect(code(() => run(copy, [primary, caseDoc(KEYS.b)]))).toBe('not_linked');
		expect(code(() => run(action('reply', KEYS.b, { body: 'Filled the pothole.', primary_key: KEYS.a }), [primary, linked]))).toBe('not_allowed');
	});

	it.each([
		['itself', KEYS.b, 'link_self'],
		['a primary of another entity', KEYS.a, 'case_not_found']
	])('refuses a link to %s', (_name, target, expected) => {
		expect(code(() => run(action('link', KEYS.b, { primary_key: target }), [caseDoc(KEYS.a, { entity_id: 'health' }), caseDoc(KEYS.b)]))).toBe(expected);
	});

	it('refuses to unlink a case that is not linked, and to transfer a linked case', () => {
		const manager = { ...agent, role: 'manager' as const };
		expect(code(() => run(action('unlink', KEYS.b, { author: manager }), [caseDoc(KEYS.b)]))).toBe('not_linked');
		const linked = caseDoc(KEYS.b, { linked_to: { case_key: KEYS.a, ref: '26-1' } });
		expect(code(() => run(action('transfer', KEYS.b, { to_entity_id: 'health', reason: 'Not ours to fix' }), [linked]))).toBe('case_linked');
		expect(run(action('unlink', KEYS.b, { author: manager }), [linked]).after!.linked_to).toBeUndefined();
	});
});
