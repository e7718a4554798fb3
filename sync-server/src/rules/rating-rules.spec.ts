import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import { LEGACY_CITIZEN_ID, type ActionDoc, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { RATING_WINDOW_MS } from '../../../src/lib/domain/rating.js';
import { collectEffects, RULES, runRules, type Work } from './index.js';

const settings = { _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false } as const;
const catalogueWith = (extra: Record<string, unknown> = {}) =>
	buildCatalogue([
		{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
		{ _id: 'category:works-roads', type: 'category', category_id: 'works-roads', entity_id: 'works', name_ar: 'الطرق', name_en: 'Roads', case_types: ['complaint'] },
		{ ...settings, weekend: [5, 6], ...extra }
	]);

const CASE_KEY = '11111111-2222-4333-8444-555555555555';
const citizen = { user_id: 'c0001', role: 'citizen' as const };
const agent = { user_id: 's0001', role: 'agent' as const, entity_id: 'works' };
let n = 0;

function action(kind: ActionDoc['kind'], receivedAt: string, fields: Partial<ActionDoc> = {}): ActionDoc {
	return {
		_id: `act:${kind}-${++n}`,
		type: 'action',
		kind,
		case_key: CASE_KEY,
		// A device clock days off: nothing below may depend on it.
		client_time: '2019-06-01T00:00:00Z',
		device_id: 'd1',
		author: ['submit', 'provide_info', 'reopen', 'rate'].includes(kind) ? citizen : agent,
		received_at: receivedAt,
		...fields
	};
}

function run(a: ActionDoc, before: CaseDoc | null, catalogue = catalogueWith()): CaseDoc {
	const work: Work = { action: a, before, after: before ? structuredClone(before) : null, at: new Date(a.received_at!) };
	runRules(RULES, work, { catalogue, reference: () => '26-000001-0', caseOf: () => null });
	return work.after!;
}

function refusal(a: ActionDoc, before: CaseDoc): string {
	try {
		run(a, before);
		return 'accepted';
	} catch (error) {
		if (error instanceof TawasulError) return error.code;
		throw error;
	}
}

const REPLIED = '2026-03-02T07:00:00.000Z';
function answeredCase(): { answered: CaseDoc; reply: ActionDoc } {
	const opened = run(action('submit', '2026-03-01T07:00:00.000Z', { case_type: 'complaint', category_id: 'works-roads', subject: 'Broken light', body: 'The street light on Road 12 is out.' }), null);
	const reply = action('reply', REPLIED, { body: 'Fixed.' });
	return { answered: run(reply, opened), reply };
}
const later = (ms: number) => new Date(Date.parse(REPLIED) + ms).toISOString();
const scores = (low = 3) => ({ handling: low, clarity: 4, courtesy: 5, ease_of_use: 4 });

describe('reopen', () => {
	it('puts an answered case back to open with a new due date and keeps the settled clock', () => {
		const { answered } = answeredCase();
		const reopened = run(action('reopen', later(3 * 86_400_000), { reason: 'Still dark at night.' }), answered);
		expect(reopened.status).toBe('open');
		expect(reopened.sla.stopped_at).toBeNull();
		expect(reopened.sla.started_at).toBe(later(3 * 86_400_000));
		expect(Date.parse(reopened.sla.due_at)).toBeGreaterThan(Date.parse(answered.sla.due_at));
		expect(reopened.sla_history).toEqual([answered.sla]);
		expect(reopened.reopened).toBe(1);
		expect(reopened.timeline.at(-1)).toMatchObject({ kind: 'reopen', reason: 'Still dark at night.', author_id: 'c0001' });
	});

	it.each([
		['14 days less a second after the reply', RATING_WINDOW_MS - 1000, 'accepted'],
		['14 days and a second after the reply', RATING_WINDOW_MS + 1000, 'window_closed']
	])('%s: %s', (_label, offset, outcome) => {
		const { answered } = answeredCase();
		expect(refusal(action('reopen', later(offset), { reason: 'Still dark at night.' }), answered)).toBe(outcome);
	});

	it('reopens a closed case too, but never an open one', () => {
		const { answered } = answeredCase();
		const closed = run(action('close', later(1000)), answered);
		expect(run(action('reopen', later(2000), { reason: 'Not fixed.' }), closed).status).toBe('open');
		const reopened = run(action('reopen', later(2000), { reason: 'Not fixed.' }), answered);
		expect(refusal(action('reopen', later(3000), { reason: 'Again.' }), reopened)).toBe('invalid_transition');
	});
});

describe('rate', () => {
	it('records the rating without a flag when every score is above the threshold', () => {
		const { answered, reply } = answeredCase();
		const rated = run(action('rate', later(1000), { reply_action_id: reply._id, scores: scores(3), body: 'Quick, thanks.' }), answered);
		expect(rated.status).toBe('answered');
		expect(rated.ratings).toEqual([{ reply_action_id: reply._id, scores: scores(3), comment: 'Quick, thanks.', at: later(1000), low: false }]);
		expect(rated.low_rating).toBeUndefined();
	});

	it('flags a low score for the manager with the comment', () => {
		const { answered, reply } = answeredCase();
		const rated = run(action('rate', later(1000), { reply_action_id: reply._id, scores: scores(2), body: 'Nobody came.' }), answered);
		expect(rated.low_rating).toEqual({ reply_action_id: reply._id, at: later(1000), min_score: 2, comment: 'Nobody came.' });
	});

	it('follows settings.low_rating_threshold', () => {
		const { answered, reply } = answeredCase();
		const strict = catalogueWith({ low_rating_threshold: 3 });
		expect(run(action('rate', later(1000), { reply_action_id: reply._id, scores: scores(3) }), answered, strict).low_rating?.min_score).toBe(3);
	});

	it('refuses a second rating of one reply and a rating of something that is not a reply', () => {
		const { answered, reply } = answeredCase();
		const rated = run(action('rate', later(1000), { reply_action_id: reply._id, scores: scores() }), answered);
		expect(refusal(action('rate', later(2000), { reply_action_id: reply._id, scores: scores() }), rated)).toBe('duplicate_action');
		expect(refusal(action('rate', later(2000), { reply_action_id: answered.timeline[0].action_id, scores: scores() }), answered)).toBe('not_allowed');
		expect(refusal(action('rate', later(2000), { reply_action_id: reply._id, scores: scores(), author: agent }), answered)).toBe('not_allowed');
	});
});

describe('rating-invite effects', () => {
	it('asks for one invitation per applied reply, keyed on the reply', () => {
		const { answered, reply } = answeredCase();
		expect(collectEffects(RULES, reply, answered)).toEqual([{ kind: 'rating_invite', key: `invite:${reply._id}`, action_id: reply._id, case_key: CASE_KEY }]);
		const note = action('note', later(1000), { body: 'internal' });
		expect(collectEffects(RULES, note, run(note, answered))).toEqual([]);
	});

	it('asks nothing for a case imported from a legacy system: it has no citizen account', () => {
		const { answered, reply } = answeredCase();
		expect(collectEffects(RULES, reply, { ...answered, citizen_id: LEGACY_CITIZEN_ID })).toEqual([]);
	});

	it('asks no invitation for an interim reply, which cannot be rated nor reopened from (issue 16)', () => {
		const opened = run(
			action('submit', '2026-03-01T07:00:00.000Z', { case_type: 'complaint', category_id: 'works-roads', subject: 'Broken light', body: 'The street light on Road 12 is out.' }),
			null
		);
		const update = action('reply', REPLIED, { body: 'A crew is booked.', interim: true });
		const updated = run(update, opened);
		expect(collectEffects(RULES, update, updated).filter((e) => e.kind === 'rating_invite')).toEqual([]);
		expect(refusal(action('rate', later(1000), { reply_action_id: update._id, scores: scores() }), updated)).toBe('not_allowed');
		expect(refusal(action('reopen', later(1000), { reason: 'Not fixed yet' }), { ...updated, status: 'answered' })).toBe('invalid_transition');
	});

	it('asks nothing for a reply the case did not take in', () => {
		const { answered } = answeredCase();
		expect(collectEffects(RULES, action('reply', later(1000), { body: 'x' }), answered)).toEqual([]);
	});
});
