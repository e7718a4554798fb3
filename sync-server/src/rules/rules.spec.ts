import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { collectEffects, RULES, runRules, selectRules, type Rule, type Work } from './index.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
	{ _id: 'entity:health', type: 'entity', entity_id: 'health', name_ar: 'وزارة الصحة', name_en: 'Ministry of Health', active: true },
	{ _id: 'entity:closed', type: 'entity', entity_id: 'closed', name_ar: 'جهة', name_en: 'Closed body', active: false },
	{ _id: 'category:works-roads', type: 'category', category_id: 'works-roads', entity_id: 'works', name_ar: 'الطرق', name_en: 'Roads', case_types: ['inquiry', 'complaint', 'suggestion'] },
	{
		_id: 'category:works-conduct',
		type: 'category',
		category_id: 'works-conduct',
		entity_id: 'works',
		name_ar: 'سلوك موظف',
		name_en: 'Staff conduct',
		case_types: ['complaint'],
		identity: 'contact_hidden'
	},
	{ _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false },
	{ _id: 'holidays:2026', type: 'holidays', year: 2026, days: [{ date: '2026-12-16', name_ar: 'العيد الوطني', name_en: 'National Day' }] }
]);

const CASE_KEY = '11111111-2222-4333-8444-555555555555';
let counter = 0;
const ctx = { catalogue, reference: () => `26-${String(++counter).padStart(6, '0')}-0`, caseOf: () => null };
const citizen = { user_id: 'c0001', role: 'citizen' as const };
const agent = { user_id: 's0001', role: 'agent' as const, entity_id: 'works' };

function action(kind: ActionDoc['kind'], fields: Partial<ActionDoc> = {}): ActionDoc {
	return {
		_id: `act:${kind}-${Math.random()}`,
		type: 'action',
		kind,
		case_key: CASE_KEY,
		client_time: '2020-01-01T00:00:00Z',
		device_id: 'd1',
		author: kind === 'submit' || kind === 'provide_info' ? citizen : agent,
		received_at: '2026-12-14T07:00:00.000Z',
		...fields
	};
}

function run(a: ActionDoc, before: CaseDoc | null): Work {
	const work: Work = { action: a, before, after: before ? structuredClone(before) : null, at: new Date(a.received_at!) };
	runRules(RULES, work, ctx);
	return work;
}

function refusal(a: ActionDoc, before: CaseDoc | null): string {
	try {
		run(a, before);
	} catch (error) {
		if (error instanceof TawasulError) return error.code;
		throw error;
	}
	return 'accepted';
}

const submit = () => action('submit', { case_type: 'complaint', category_id: 'works-roads', subject: 'Broken light', body: 'The street light on Road 12 is out.', locale: 'en' });

describe('rules pipeline', () => {
	it('opens a routed case with a reference and a due date that skips the weekend and a holiday', () => {
		const work = run(submit(), null);
		const opened = work.after!;
		expect(opened.entity_id).toBe('works');
		expect(opened.status).toBe('open');
		expect(opened.ref).toMatch(/^26-\d{6}-\d$/);
		// Monday 14 Dec 2026, 10:00 in Bahrain: 15 Tue, (16 holiday), 17 Thu, (18-19 weekend), 20 Sun, 21 Mon, 22 Tue.
		expect(opened.sla.due_at).toBe('2026-12-22T20:59:59.999Z');
		expect(opened.applied).toHaveLength(1);
		expect(opened.version).toBe(1);
	});

	it('keeps who filed from the entity where the category says so (identity levels, issue 14)', () => {
		const label = { masked_phone: '+973 •••• 1234' };
		const named = run({ ...submit(), citizen_label: label }, null).after!;
		expect(named.citizen_label).toEqual(label);
		expect(named.contact_hidden).toBeUndefined();
		const hidden = run({ ...submit(), category_id: 'works-conduct', citizen_label: label }, null).after!;
		expect(hidden.citizen_label).toBeUndefined();
		expect(hidden.contact_hidden).toBe(true);
		// The case still belongs to the citizen: replies and the rating reach them.
		expect(hidden.citizen_id).toBe(citizen.user_id);
	});

	it.each([
		['a photo taken an hour before, with its offset', '2026-12-14T09:00:00+03:00', '2026-12-14T06:00:00.000Z'],
		['in UTC', '2026-12-13T22:15:30Z', '2026-12-13T22:15:30.000Z'],
		['after the case reached the server (a camera clock ahead)', '2026-12-14T12:00:00+03:00', undefined],
		['from a camera whose clock was never set', '1980-01-01T00:00:00Z', undefined],
		['not given', undefined, undefined]
	])('keeps when the problem was seen only when it is before the case (issue 15): %s', (_label, observed, kept) => {
		const opened = run(action('submit', { ...submit(), _id: `act:seen-${Math.random()}`, observed_at: observed }), null).after!;
		expect(opened.observed_at).toBe(kept);
		if (kept === undefined) expect('observed_at' in opened).toBe(false);
	});

	it.each([
		['unknown category', action('submit', { case_type: 'complaint', category_id: 'nope', subject: 'Broken light', body: 'The street light on Road 12 is out.' }), null, 'unknown_category'],
		['too short a body', action('submit', { case_type: 'complaint', category_id: 'works-roads', subject: 'Broken light', body: 'short' }), null, 'too_short'],
		['reply to a case that does not exist', action('reply', { body: 'Done.' }), null, 'case_not_found'],
		['a citizen replying', action('reply', { body: 'Done.', author: citizen }), 'open', 'not_allowed'],
		['an agent of another entity', action('reply', { body: 'Done.', author: { ...agent, entity_id: 'health' } }), 'open', 'not_allowed'],
		['info nobody asked for', action('provide_info', { body: 'Here it is.' }), 'open', 'invalid_transition'],
		['transfer to itself', action('transfer', { to_entity_id: 'works', reason: 'Misrouted case' }), 'open', 'same_entity'],
		['transfer to an inactive entity', action('transfer', { to_entity_id: 'closed', reason: 'Misrouted case' }), 'open', 'unknown_entity'],
		['reply after close', action('reply', { body: 'Late reply.' }), 'closed', 'invalid_transition'],
		['a second submit for one case', submit(), 'open', 'duplicate_action']
	])('refuses %s', (_label, a, status, code) => {
		const before = status ? { ...run(submit(), null).after!, status: status as CaseDoc['status'] } : null;
		expect(refusal(a, before)).toBe(code);
	});

	it('keeps the clock running and the case open after an interim reply, and stops at the reply', () => {
		const opened = run(submit(), null).after!;
		const update = run(action('reply', { body: 'A crew is booked for Sunday.', interim: true, received_at: '2026-12-15T07:00:00.000Z' }), opened).after!;
		expect(update.status).toBe('open');
		expect(update.sla).toEqual(opened.sla);
		expect(update.timeline.at(-1)).toMatchObject({ kind: 'reply', interim: true });
		const replied = run(action('reply', { body: 'Fixed today.', received_at: '2026-12-16T07:00:00.000Z' }), update).after!;
		expect(replied.status).toBe('answered');
		expect(replied.sla.stopped_at).toBe('2026-12-16T07:00:00.000Z');
		expect(replied.timeline.at(-1)!.interim).toBeUndefined();
	});

	it('pauses on a request for information, resumes on the answer and stops at the reply', () => {
		const opened = run(submit(), null).after!;
		const asked = run(action('request_info', { body: 'Which pole number?', received_at: '2026-12-15T07:00:00.000Z' }), opened).after!;
		expect(asked.status).toBe('awaiting_citizen');
		expect(asked.sla.paused_at).toBe('2026-12-15T07:00:00.000Z');
		// Answered the following Sunday: Tuesday's rest, Thursday (Wednesday is a holiday) and Sunday's start add up.
		const answered = run(action('provide_info', { body: 'Pole 44.', received_at: '2026-12-20T07:00:00.000Z' }), asked).after!;
		expect(answered.status).toBe('open');
		expect(answered.sla.paused_at).toBeNull();
		expect(new Date(answered.sla.due_at).getTime()).toBeGreaterThan(new Date(opened.sla.due_at).getTime());
		const replied = run(action('reply', { body: 'Fixed today.', received_at: '2026-12-21T07:00:00.000Z' }), answered).after!;
		expect(replied.status).toBe('answered');
		expect(replied.sla.stopped_at).toBe('2026-12-21T07:00:00.000Z');
		expect(replied.timeline.map((e) => e.kind)).toEqual(['submit', 'request_info', 'provide_info', 'reply']);
		expect(replied.version).toBe(4);
	});

	it('transfers with the reason on the timeline and keeps the clock', () => {
		const opened = run(submit(), null).after!;
		const moved = run(action('transfer', { to_entity_id: 'health', reason: 'Public health matter' }), opened).after!;
		expect(moved.entity_id).toBe('health');
		expect(moved.sla.due_at).toBe(opened.sla.due_at);
		expect(moved.timeline.at(-1)).toMatchObject({ kind: 'transfer', from_entity_id: 'works', to_entity_id: 'health', reason: 'Public health matter' });
	});

	it('refuses to start with an unknown rule in configuration', () => {
		expect(() => selectRules(['validate', 'made-up'])).toThrow(/made-up/);
		expect(selectRules(null)).toBe(RULES);
	});
});

describe('a rule that breaks', () => {
	const throwing = (name: string, error: Error): Rule => ({
		name,
		filter: () => true,
		apply: () => {
			throw error;
		}
	});
	const ran: string[] = [];
	const probe = (name: string): Rule => ({ name, filter: () => true, apply: () => void ran.push(name) });

	it('is recorded, and the rules after it still run', () => {
		ran.length = 0;
		const work: Work = { action: submit(), before: null, after: null, at: new Date() };
		const failures = runRules([probe('a'), throwing('b', new TypeError('x is undefined')), probe('c'), throwing('d', new RangeError('bad date'))], work, ctx);
		expect(failures).toEqual([
			{ rule: 'b', error: 'x is undefined' },
			{ rule: 'd', error: 'bad date' }
		]);
		expect(ran).toEqual(['a', 'c']);
	});

	it('a refusal before any fault refuses; after a fault it is one more failure', () => {
		const work = (): Work => ({ action: submit(), before: null, after: null, at: new Date() });
		const refuse = throwing('refuse', new TawasulError(403, 'not_allowed'));
		expect(() => runRules([refuse, throwing('b', new Error('boom'))], work(), ctx)).toThrow(TawasulError);
		expect(runRules([throwing('b', new Error('boom')), refuse], work(), ctx).map((f) => f.rule)).toEqual(['b', 'refuse']);
	});

	it("a rule whose effects break is reported, and the other rules' effects still come", () => {
		const opened = run(submit(), null).after!;
		const failures: string[] = [];
		const effectsOf = (name: string, fn: () => ReturnType<NonNullable<Rule['effects']>>): Rule => ({ name, filter: () => false, apply: () => {}, effects: fn });
		const rules = [
			effectsOf('bad', () => {
				throw new Error('no template');
			}),
			effectsOf('good', () => [{ kind: 'rating_invite', key: 'k', action_id: 'a', case_key: opened.case_key }])
		];
		expect(collectEffects(rules, submit(), opened, (f) => failures.push(`${f.rule}: ${f.error}`))).toHaveLength(1);
		expect(failures).toEqual(['bad: no template']);
	});
});
