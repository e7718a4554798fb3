/** A suggestion taken to its end through the real rules (issue 14): what each step records on the
 * case and its timeline, the SMS notice and the publication it asks for, and the steps refused. */
import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { ActionAuthor, ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { collectEffects, RULES, runRules, type Work } from './index.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
	{ _id: 'category:works-general', type: 'category', category_id: 'works-general', entity_id: 'works', name_ar: 'عام', name_en: 'General', case_types: ['suggestion', 'complaint'] },
	{ _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false }
]);
const CASE_KEY = '11111111-2222-4333-8444-666666666666';
const CITIZEN: ActionAuthor = { user_id: 'c0001', role: 'citizen' };
const MANAGER: ActionAuthor = { user_id: 'm-works', role: 'manager', entity_id: 'works' };
const AGENT: ActionAuthor = { user_id: 'a-works', role: 'agent', entity_id: 'works' };
// 23:30 in Bahrain on 6 December: 20:30 UTC. "Today" is the national date, not UTC's.
const AT = '2026-12-06T20:30:00.000Z';
let n = 0;

function action(kind: ActionDoc['kind'], author: ActionAuthor, fields: Partial<ActionDoc> = {}): ActionDoc {
	return { _id: `act:${kind}-${++n}`, type: 'action', kind, case_key: CASE_KEY, client_time: AT, device_id: 'd1', author, received_at: AT, ...fields };
}

function run(a: ActionDoc, before: CaseDoc | null, at = AT): CaseDoc {
	const work: Work = { action: a, before, after: before ? structuredClone(before) : null, at: new Date(at) };
	const failures = runRules(RULES, work, { catalogue, reference: () => '26-000001-0', caseOf: () => null });
	expect(failures).toEqual([]);
	return work.after!;
}

function refusal(a: ActionDoc, before: CaseDoc, at = AT): string {
	try {
		run(a, before, at);
	} catch (error) {
		if (error instanceof TawasulError) return `${error.code}:${error.fields.map((f) => f.field).join(',')}`;
		throw error;
	}
	return 'accepted';
}

const submitted = (consent?: boolean) =>
	run(
		action('submit', CITIZEN, {
			case_type: 'suggestion',
			category_id: 'works-general',
			subject: 'eKey at self-service machines',
			body: 'Let people register for eKey at the machines.',
			...(consent === undefined ? {} : { name_consent: consent })
		}),
		null
	);

describe('the suggestion lifecycle in the rules', () => {
	it('goes received → under study → accepted → implemented, telling the citizen each time and publishing once', () => {
		let current = submitted(true);
		expect(current).toMatchObject({ name_consent: true, case_type: 'suggestion' });
		const steps: [Partial<ActionDoc>, string][] = [
			[{ suggestion_state: 'under_study', body: 'Our services team is looking at it.' }, 'suggestion_under_study'],
			[{ suggestion_state: 'accepted', target_date: '2026-12-06' }, 'suggestion_accepted'],
			[{ suggestion_state: 'implemented', body: 'Registration added to all 40 machines.', implemented_on: '2026-12-06', link: 'https://ekey.example.bh' }, 'suggestion_implemented']
		];
		for (const [fields, notice] of steps) {
			const step = action('suggestion_status', MANAGER, fields);
			current = run(step, current);
			const effects = collectEffects(RULES, step, current);
			expect(effects.filter((e) => e.kind === 'citizen_notice')).toEqual([{ kind: 'citizen_notice', notice, key: `notice:${step._id}`, action_id: step._id, case_key: CASE_KEY }]);
			expect(effects.filter((e) => e.kind === 'publish_suggestion').map((e) => e.key)).toEqual(fields.suggestion_state === 'implemented' ? [`publish:${step._id}`] : []);
		}
		expect(current.status).toBe('open');
		expect(current.suggestion).toEqual({ state: 'implemented', decided_at: AT, note: 'Registration added to all 40 machines.', implemented_on: '2026-12-06', link: 'https://ekey.example.bh' });
		expect(current.timeline.slice(1).map((e) => [e.suggestion_state, e.target_date, e.implemented_on, e.link])).toEqual([
			['under_study', undefined, undefined, undefined],
			['accepted', '2026-12-06', undefined, undefined],
			['implemented', undefined, '2026-12-06', 'https://ekey.example.bh']
		]);
	});

	it('records the reason of a decline on the case and in the timeline', () => {
		const declined = run(action('suggestion_status', MANAGER, { suggestion_state: 'declined', reason: 'The machines are being replaced next year.' }), submitted());
		expect(declined.suggestion).toMatchObject({ state: 'declined', reason: 'The machines are being replaced next year.' });
		expect(declined.timeline.at(-1)).toMatchObject({ suggestion_state: 'declined', reason: 'The machines are being replaced next year.' });
		expect(declined.name_consent).toBeUndefined();
	});

	it.each<[string, ActionAuthor, Partial<ActionDoc>, string]>([
		['an agent deciding', AGENT, { suggestion_state: 'under_study' }, 'not_allowed:'],
		['a decline without a reason', MANAGER, { suggestion_state: 'declined' }, 'required:reason'],
		// The day before today in Bahrain.
		['a target date already past in national time', MANAGER, { suggestion_state: 'accepted', target_date: '2026-12-05' }, 'date_in_past:target_date'],
		['a huge note', MANAGER, { suggestion_state: 'under_study', body: 'x'.repeat(6000) }, 'too_long:body']
	])('refuses %s', (_name, author, fields, expected) => {
		expect(refusal(action('suggestion_status', author, fields), submitted())).toBe(expected);
	});

	it('judges "today" by the national date: 22:30 UTC is already tomorrow in Bahrain', () => {
		const accepted = run(action('suggestion_status', MANAGER, { suggestion_state: 'accepted', target_date: '2026-12-08' }), submitted());
		const step = action('suggestion_status', MANAGER, { suggestion_state: 'implemented', body: 'Done.', implemented_on: '2026-12-07' });
		expect(refusal(step, accepted, '2026-12-06T20:30:00.000Z')).toBe('date_in_future:implemented_on');
		expect(refusal(step, accepted, '2026-12-06T22:30:00.000Z')).toBe('accepted');
	});
});
