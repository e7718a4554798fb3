import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { BucketSet } from './buckets.js';
import { answeredWithinPeriod, caseFacts, contributions, periodOutcome, watchDueAt, type CaseSla, type PeriodOutcome } from './facts.js';
import { CITY_CONVENTIONS, DEFAULT_CONVENTIONS, type Counters } from '../../../src/lib/domain/stats/model.js';
import { entry, makeCase, replied } from '../../../tests/support/stats-cases.js';

const NOW = new Date('2019-06-01T00:00:00.000Z');
const ctx = { timeZone: 'Asia/Bahrain', weekStart: 0, now: NOW };
const AT = '2019-03-10T07:00:00.000Z';
const DUE = '2019-03-15T07:00:00.000Z';
const counters = (c: CaseDoc, now = NOW) => caseFacts(c, { ...ctx, now }).counters;

describe('case facts', () => {
	it.each<[string, CaseDoc, Counters]>([
		['open, not yet due', makeCase(), { received: 1, open: 1 }],
		// Answered: the entity owes nothing more, so no dashboard counts it as open (issue 16).
		['replied within the period', replied(makeCase(), '2019-03-12T07:00:00.000Z'), { received: 1, replied: 1, within: 1, reply_seconds: 2 * 86_400, rating_invited: 1 }],
		['replied late and closed', replied(makeCase(), '2019-03-20T07:00:00.000Z', 'closed'), { received: 1, replied: 1, late: 1, reply_seconds: 10 * 86_400, rating_invited: 1 }],
		['an interim reply: still open', replied(makeCase(), '2019-03-12T07:00:00.000Z', 'open'), { received: 1, open: 1, replied: 1, within: 1, reply_seconds: 2 * 86_400, rating_invited: 1 }],
		['transferred', makeCase({ timeline: [entry('submit', AT), entry('transfer', AT)] }), { received: 1, open: 1, transferred: 1 }],
		['a suggestion, new', makeCase({ case_type: 'suggestion' }), { received: 1, open: 1, sg_new: 1 }],
		['a suggestion being implemented', { ...makeCase({ case_type: 'suggestion' }), suggestion_state: 'implemented' } as CaseDoc, { received: 1, open: 1, sg_implemented: 1 }]
	])('%s', (_label, caseDoc, expected) => {
		// Cases received on 10 March and checked on 12 March: not due yet.
		expect(counters(caseDoc, new Date('2019-03-12T12:00:00.000Z'))).toEqual(expected);
	});

	it.each<[string, CaseDoc, Counters]>([
		['unreplied past its due date: expired and overdue', makeCase(), { received: 1, open: 1, expired: 1, overdue: 1 }],
		['closed without a reply: expired, no longer overdue', makeCase({ status: 'closed' }), { received: 1, expired: 1 }],
		[
			'waiting for the citizen: the clock is frozen, not late',
			makeCase({ sla: { started_at: AT, due_at: DUE, paused_at: '2019-03-11T07:00:00.000Z', stopped_at: null, paused_ms: 0 }, status: 'awaiting_citizen' }),
			{ received: 1, open: 1 }
		],
		['imported without a due date', makeCase({ sla: { started_at: AT, due_at: null as unknown as string, paused_at: null, stopped_at: null, paused_ms: 0 } }), { received: 1, open: 1, no_due: 1 }]
	])('%s', (_label, caseDoc, expected) => {
		expect(counters(caseDoc)).toEqual(expected);
	});

	it('judges a reopened case by its first period and chases it by the current one', () => {
		const first = replied(makeCase(), '2019-03-12T07:00:00.000Z').sla;
		const reopened = makeCase({
			sla: { started_at: '2019-03-13T07:00:00.000Z', due_at: '2019-03-18T07:00:00.000Z', paused_at: null, stopped_at: null, paused_ms: 0 },
			sla_history: [first],
			reopened: 1,
			timeline: [entry('submit', AT), entry('reply', '2019-03-12T07:00:00.000Z'), entry('reopen', '2019-03-13T07:00:00.000Z')]
		});
		expect(counters(reopened)).toEqual({ received: 1, open: 1, replied: 1, within: 1, reply_seconds: 2 * 86_400, reopened: 1, overdue: 1, rating_invited: 1 });
	});

	it('sums the ratings per criterion against the invitations (one per reply)', () => {
		const twice = replied(replied(makeCase(), '2019-03-11T07:00:00.000Z'), '2019-03-12T07:00:00.000Z');
		twice.ratings = [{ reply_action_id: 'a', scores: { handling: 4, clarity: 5, courtesy: 3, ease_of_use: 2 }, at: AT, low: true }];
		expect(counters(twice)).toMatchObject({ rating_invited: 2, rated: 1, rating_sum_handling: 4, rating_sum_clarity: 5, rating_sum_courtesy: 3, rating_sum_ease_of_use: 2 });
	});

	it('files a case under its day of receipt in the national time zone, not UTC', () => {
		const facts = caseFacts(makeCase({ at: '2019-12-31T21:30:00.000Z' }), ctx);
		expect(facts.day).toBe('2020-01-01');
		expect(facts.week).toBe('2019-12-29');
		expect(contributions(facts).map((c) => c.id)).toEqual([
			'd:works:2020-01-01',
			'd:_all:2020-01-01',
			'w:works:2019-12-29',
			'w:_all:2019-12-29',
			'm:works:2020-01',
			'm:_all:2020-01',
			'y:works:2020',
			'y:_all:2020'
		]);
		expect(contributions(facts)[1].cell).toBe('complaint|works');
	});

	it('keeps no personal data in the facts', () => {
		const c = makeCase({ case_key: 'f00dcafe', _id: 'case:f00dcafe', citizen_id: 'c0123', subject: 'secret subject', location: { lat: 26.1234, lng: 50.5678 } });
		const text = JSON.stringify(caseFacts(c, ctx));
		for (const personal of [c.citizen_id, c.subject, c.body, c.case_key, c.ref, '26.1234', '50.5678']) expect(text).not.toContain(personal);
	});

	it('watches a running clock until its due date passes, and nothing else', () => {
		expect(watchDueAt(makeCase(), new Date('2019-03-11T00:00:00.000Z'))).toBe(DUE);
		expect(watchDueAt(makeCase(), NOW)).toBeNull();
		expect(watchDueAt(replied(makeCase(), '2019-03-11T00:00:00.000Z'), new Date('2019-03-11T00:00:00.000Z'))).toBeNull();
	});
});

describe('answered within the period', () => {
	const sla = (fields: Partial<CaseSla>): CaseSla => ({ started_at: AT, due_at: DUE, paused_at: null, stopped_at: null, paused_ms: 0, ...fields });
	it.each<[string, CaseSla, PeriodOutcome, boolean | null, boolean | null]>([
		['replied before the due date', sla({ stopped_at: '2019-03-14T00:00:00.000Z' }), 'within', true, true],
		['replied exactly at the due date', sla({ stopped_at: DUE }), 'within', true, true],
		['replied a second late', sla({ stopped_at: '2019-03-15T07:00:01.000Z' }), 'late', false, false],
		['unreplied past the due date', sla({}), 'expired', false, false],
		['without a due date', sla({ due_at: null }), 'no_due', null, true],
		['paused when it would have been late, replied after', sla({ paused_at: '2019-03-14T00:00:00.000Z', stopped_at: '2019-03-20T00:00:00.000Z' }), 'within', true, true]
	])('%s', (_label, s, outcome, national, city) => {
		expect(periodOutcome(s, NOW)).toBe(outcome);
		expect(answeredWithinPeriod(outcome, DEFAULT_CONVENTIONS)).toBe(national);
		expect(answeredWithinPeriod(outcome, CITY_CONVENTIONS)).toBe(city);
	});

	it('leaves a case not yet due unjudged, and an expired one too when only replies count', () => {
		expect(periodOutcome(sla({}), new Date('2019-03-12T00:00:00.000Z'))).toBe('pending');
		expect(answeredWithinPeriod('pending', CITY_CONVENTIONS)).toBeNull();
		expect(answeredWithinPeriod('expired', { noDue: 'excluded', unrepliedPastDue: 'pending' })).toBeNull();
	});
});

describe('bucket deltas', () => {
	it('moves a case between entities and cancels out an unchanged one', () => {
		const before = caseFacts(makeCase(), ctx);
		const after = caseFacts(makeCase({ entity_id: 'health', category_id: 'health-general' }), ctx);
		const delta = new BucketSet();
		delta.change(before, after);
		delta.change(before, before);
		expect(delta.docs.get('d:works:2019-03-10')!.cells).toEqual({ 'complaint|works-potholes': { received: -1, open: -1, expired: -1, overdue: -1 } });
		expect(delta.docs.get('d:health:2019-03-10')!.cells).toEqual({ 'complaint|health-general': { received: 1, open: 1, expired: 1, overdue: 1 } });
		expect(delta.docs.get('d:_all:2019-03-10')!.cells).toEqual({
			'complaint|works': { received: -1, open: -1, expired: -1, overdue: -1 },
			'complaint|health': { received: 1, open: 1, expired: 1, overdue: 1 }
		});
	});
});
