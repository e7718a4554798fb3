import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import { LEGACY_CITIZEN_ID, type ActionDoc, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { entityAfter } from '../sms/notices.js';
import { filedOffline, OFFLINE_FILING_MS } from './citizen-notice.js';
import { collectEffects, RULES, runRules, type SideEffect, type Work } from './index.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
	{ _id: 'entity:health', type: 'entity', entity_id: 'health', name_ar: 'وزارة الصحة', name_en: 'Ministry of Health', active: true },
	{ _id: 'category:works-roads', type: 'category', category_id: 'works-roads', entity_id: 'works', name_ar: 'الطرق', name_en: 'Roads', case_types: ['complaint'] },
	{ _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false }
]);

const CASE_KEY = '11111111-2222-4333-8444-555555555555';
const citizen = { user_id: 'c0001', role: 'citizen' as const };
const agentOf = (entity_id: string) => ({ user_id: `s-${entity_id}`, role: 'agent' as const, entity_id });
let n = 0;
let clock = Date.parse('2026-03-01T07:00:00.000Z');

/** An action received an hour after the one before, made on the device `lag` ms before that. */
function action(kind: ActionDoc['kind'], fields: Partial<ActionDoc> = {}, lag = 1000): ActionDoc {
	clock += 3_600_000;
	return {
		_id: `act:${kind}-${++n}`,
		type: 'action',
		kind,
		case_key: CASE_KEY,
		client_time: new Date(clock - lag).toISOString(),
		device_id: 'd1',
		author: ['submit', 'provide_info', 'reopen'].includes(kind) ? citizen : agentOf('works'),
		received_at: new Date(clock).toISOString(),
		...fields
	};
}

function run(a: ActionDoc, before: CaseDoc | null): CaseDoc {
	const work: Work = { action: a, before, after: before ? structuredClone(before) : null, at: new Date(a.received_at!) };
	runRules(RULES, work, { catalogue, reference: () => '26-000001-0', caseOf: () => null });
	return work.after!;
}

const submit = (lag?: number) => action('submit', { case_type: 'complaint', category_id: 'works-roads', subject: 'Broken light', body: 'The street light on Road 12 is out.' }, lag);
const notices = (effects: SideEffect[]) => effects.filter((e) => e.kind === 'citizen_notice');

describe('citizen notices (issue 16)', () => {
	const opened = run(submit(), null);
	// Made in this order, so the second action comes after the first.
	const after = (before: CaseDoc, a: ActionDoc) => ({ a, before });
	const cases: [string, string | null, () => { a: ActionDoc; before: CaseDoc }][] = [
		['request_info', 'info_requested', () => ({ a: action('request_info', { body: 'Which pole?' }), before: opened })],
		['transfer', 'transferred', () => ({ a: action('transfer', { to_entity_id: 'health', reason: 'Not ours' }), before: opened })],
		['reopen', 'reopened', () => after(run(action('reply', { body: 'Fixed.' }), opened), action('reopen', { reason: 'Still dark' }))],
		['interim reply', 'interim_reply', () => ({ a: action('reply', { body: 'A crew is booked.', interim: true }), before: opened })],
		// A final reply's SMS is its rating invitation; the others are internal or the citizen's own.
		['reply', null, () => ({ a: action('reply', { body: 'Fixed.' }), before: opened })],
		['note', null, () => ({ a: action('note', { body: 'Crew booked' }), before: opened })],
		['close', null, () => ({ a: action('close', {}), before: opened })],
		['provide_info', null, () => after(run(action('request_info', { body: 'Which pole?' }), opened), action('provide_info', { body: 'Pole 44.' }))]
	];

	it.each(cases)('%s asks for notice %s, keyed on the action, also on replay', (_kind, notice, make) => {
		const { a, before } = make();
		const saved = run(a, before);
		const expected = notice ? [{ kind: 'citizen_notice', notice, key: `notice:${a._id}`, action_id: a._id, case_key: CASE_KEY }] : [];
		expect(notices(collectEffects(RULES, a, saved))).toEqual(expected);
		// A replay reads the case as saved later on, with more in its timeline: the same effect.
		const later = { ...saved, timeline: [...saved.timeline, { ...saved.timeline.at(-1)!, action_id: 'act:later', kind: 'note' as const }] };
		expect(notices(collectEffects(RULES, a, later))).toEqual(expected);
	});

	it('texts the reference of a case filed offline, not of one filed online', () => {
		const online = submit(60_000);
		expect(notices(collectEffects(RULES, online, run(online, null)))).toEqual([]);
		const offline = submit(OFFLINE_FILING_MS);
		expect(notices(collectEffects(RULES, offline, run(offline, null)))).toEqual([
			{ kind: 'citizen_notice', notice: 'reference_issued', key: `notice:${offline._id}`, action_id: offline._id, case_key: CASE_KEY }
		]);
	});

	it('texts the reference of a case filed at a kiosk by a citizen who proved their phone, not of one filed there without a phone (issue 12)', () => {
		const kiosk = { kiosk_id: 'kiosk-0123456789abcdef', name: 'Kiosk 1', centre: 'Muharraq' };
		const withPhone = { ...submit(), kiosk };
		const opened = run(withPhone, null);
		expect(opened.kiosk).toEqual(kiosk);
		expect(notices(collectEffects(RULES, withPhone, opened))).toEqual([
			{ kind: 'citizen_notice', notice: 'reference_issued', key: `notice:${withPhone._id}`, action_id: withPhone._id, case_key: CASE_KEY }
		]);
		const withoutPhone = { ...submit(), kiosk, author: { user_id: kiosk.kiosk_id, role: 'citizen' as const } };
		expect(notices(collectEffects(RULES, withoutPhone, run(withoutPhone, null)))).toEqual([]);
	});

	it("judges offline filing by the gate's time against the device's, and not at all without both", () => {
		expect(filedOffline({ client_time: '2026-03-01T07:00:00Z', received_at: '2026-03-01T07:04:59Z' })).toBe(false);
		expect(filedOffline({ client_time: '2026-03-01T07:00:00Z', received_at: '2026-03-01T07:05:00Z' })).toBe(true);
		// A device clock running ahead never makes a case look offline.
		expect(filedOffline({ client_time: '2026-03-02T07:00:00Z', received_at: '2026-03-01T07:00:00Z' })).toBe(false);
		expect(filedOffline({ client_time: 'not a time', received_at: '2026-03-01T07:00:00Z' })).toBe(false);
		expect(filedOffline({ client_time: '2026-03-01T07:00:00Z' })).toBe(false);
	});

	it('asks nothing for a legacy case without a citizen account, nor for an action the case did not take', () => {
		const asked = action('request_info', { body: 'Which pole?' });
		const after = run(asked, opened);
		expect(notices(collectEffects(RULES, asked, { ...after, citizen_id: LEGACY_CITIZEN_ID }))).toEqual([]);
		expect(notices(collectEffects(RULES, asked, opened))).toEqual([]);
	});

	it('names the entity that held the case just after each entry', () => {
		const asked = run(action('request_info', { body: 'Which pole?' }), opened);
		const moved = run(action('transfer', { to_entity_id: 'health', reason: 'Not ours' }), asked);
		const again = run(action('request_info', { body: 'Which clinic?', author: agentOf('health') }), moved);
		expect(again.timeline.map((_, i) => entityAfter(again, i))).toEqual(['works', 'works', 'health', 'health']);
	});
});
