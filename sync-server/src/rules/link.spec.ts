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
	{ _id: 'category:works-roads', type: 'category', category_id: 'works-roads', entity_id: 'works', name_ar: 'الطرق', name_en: 'Roads', case_types: ['complaint', 'suggestion'] },
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

	it('refuses to merge a suggestion into a complaint, either way round', () => {
		const suggestion = (key: string) => caseDoc(key, { case_type: 'suggestion' });
		expect(code(() => run(action('link', KEYS.b, { primary_key: KEYS.a }), [caseDoc(KEYS.a), suggestion(KEYS.b)]))).toBe('link_kind_mismatch');
		expect(code(() => run(action('link', KEYS.b, { primary_key: KEYS.a }), [suggestion(KEYS.a), caseDoc(KEYS.b)]))).toBe('link_kind_mismatch');
		expect(run(action('link', KEYS.b, { primary_key: KEYS.a }), [suggestion(KEYS.a), suggestion(KEYS.b)]).after!.linked_to?.case_key).toBe(KEYS.a);
	});
});

describe('merged suggestions', () => {
	const manager = { ...agent, role: 'manager' as const };
	const accept = { author: manager, suggestion_state: 'accepted' as const, target_date: '2027-03-01', body: 'We will add shaded seats.' };

	it('copies each step on the primary onto every merged suggestion, once, and publishes only the primary', () => {
		const primary = caseDoc(KEYS.a, { case_type: 'suggestion', duplicates: [{ case_key: KEYS.b, ref: '26-1' }] });
		const step = action('suggestion_status', KEYS.a, accept);
		const after = run(step, [primary]).after!;
		expect(after.suggestion_state).toBe('accepted');
		expect(after.timeline.at(-1)!.answers).toEqual([KEYS.b]);
		const copies = collectEffects(RULES, step, after).filter((e) => e.kind === 'server_action');
		expect(copies.map((e) => e.kind === 'server_action' && e.action)).toEqual([
			expect.objectContaining({
				_id: serverActionId(`suggestion_status:${step._id}:${KEYS.b}`),
				kind: 'suggestion_status',
				case_key: KEYS.b,
				primary_key: KEYS.a,
				suggestion_state: 'accepted',
				target_date: '2027-03-01',
				body: 'We will add shaded seats.'
			})
		]);
		const implemented = action('suggestion_status', KEYS.a, { author: manager, suggestion_state: 'implemented', implemented_on: '2026-12-14', body: 'Shaded seats at 12 stops.' });
		const done = run(implemented, [after]).after!;
		expect(collectEffects(RULES, implemented, done).filter((e) => e.kind === 'publish_suggestion')).toHaveLength(1);
	});

	it("lets a merged suggestion take the server's copy only, whatever its own state, and not a device's step", () => {
		const primary = caseDoc(KEYS.a, { case_type: 'suggestion', suggestion_state: 'implemented' });
		const merged = caseDoc(KEYS.b, { case_type: 'suggestion', linked_to: { case_key: KEYS.a, ref: primary.ref } });
		const copy = action('suggestion_status', KEYS.b, {
			_id: serverActionId('copy'),
			author: manager,
			suggestion_state: 'implemented',
			implemented_on: '2026-12-14',
			body: 'Shaded seats.',
			primary_key: KEYS.a
		});
		const after = run(copy, [primary, merged]).after!;
		expect(after.suggestion_state).toBe('implemented');
		expect(after.timeline.at(-1)).toMatchObject({ kind: 'suggestion_status', primary_key: KEYS.a, linked_ref: primary.ref });
		// The copy of an implemented step publishes nothing: the primary is published.
		expect(collectEffects(RULES, copy, after).filter((e) => e.kind === 'publish_suggestion')).toEqual([]);
		expect(code(() => run(action('suggestion_status', KEYS.b, accept), [primary, merged]))).toBe('suggestion_merged');
		expect(code(() => run(action('suggestion_status', KEYS.b, { ...accept, primary_key: KEYS.a }), [primary, merged]))).toBe('not_allowed');
		expect(code(() => run(copy, [primary, caseDoc(KEYS.b, { case_type: 'suggestion' })]))).toBe('not_linked');
	});

	it('lets only a manager merge a suggestion into one already decided, since it then takes that decision', () => {
		const primary = caseDoc(KEYS.a, { case_type: 'suggestion', suggestion_state: 'declined' });
		const merge = (author: ActionDoc['author']) => action('link', KEYS.b, { author, primary_key: KEYS.a });
		expect(code(() => run(merge(agent), [primary, caseDoc(KEYS.b, { case_type: 'suggestion' })]))).toBe('not_allowed');
		expect(run(merge(manager), [primary, caseDoc(KEYS.b, { case_type: 'suggestion' })]).after!.linked_to?.case_key).toBe(KEYS.a);
		// Into one not decided yet, an agent may: the manager's later steps reach it.
		expect(run(merge(agent), [caseDoc(KEYS.a, { case_type: 'suggestion' }), caseDoc(KEYS.b, { case_type: 'suggestion' })]).after!.linked_to?.case_key).toBe(KEYS.a);
	});

	it('gives a suggestion merged into one already decided the step the primary stands at', () => {
		const decided = { state: 'accepted' as const, decided_at: '2026-12-01T08:00:00.000Z', target_date: '2026-12-10', note: 'Seats next month.' };
		const timeline = [{ action_id: 'act:step-1', kind: 'suggestion_status' as const, at: decided.decided_at, author_role: 'manager' as const, author_id: 's2', suggestion_state: 'accepted' as const }];
		const primary = caseDoc(KEYS.a, { case_type: 'suggestion', suggestion_state: 'accepted', suggestion: decided, timeline });
		const merged = caseDoc(KEYS.b, { case_type: 'suggestion', linked_to: { case_key: KEYS.a, ref: primary.ref } });
		const added = action('duplicate_added', KEYS.a, { _id: serverActionId('added'), author: manager, duplicate_key: KEYS.b });
		const after = run(added, [primary, merged]).after!;
		const copies = collectEffects(RULES, added, after).filter((e) => e.kind === 'server_action');
		expect(copies.map((e) => e.kind === 'server_action' && e.action)).toEqual([
			// Under the id the step's own copy has: merged again later, or as the step was taken, the proposer hears of it once.
			expect.objectContaining({
				_id: serverActionId(`suggestion_status:act:step-1:${KEYS.b}`),
				kind: 'suggestion_status',
				case_key: KEYS.b,
				primary_key: KEYS.a,
				suggestion_state: 'accepted',
				target_date: '2026-12-10',
				body: 'Seats next month.'
			})
		]);
		// Its target date has passed by the time the copy is taken: the primary's check stands.
		const copy = copies[0].kind === 'server_action' ? copies[0].action : null;
		expect(run(copy!, [primary, merged]).after!.suggestion_state).toBe('accepted');
		// A complaint linked to a complaint is given nothing.
		const complaint = caseDoc(KEYS.a);
		const plain = run(added, [complaint, caseDoc(KEYS.b, { linked_to: { case_key: KEYS.a, ref: complaint.ref } })]).after!;
		expect(collectEffects(RULES, added, plain).filter((e) => e.kind === 'server_action')).toEqual([]);
	});
});
