/** The map functions of views.ts, run here as CouchDB runs them, on case documents. */
import { describe, expect, it } from 'vitest';
import type { CaseDoc, TimelineEntry } from '../../../src/lib/domain/doc-types.js';
import { SLA_MAP } from './views.js';

/** The rows the view holds for `doc` in one family of keys ('due', 'held' or 'attention'). */
function run(family: string, doc: object): [unknown[], Record<string, unknown>][] {
	const out: [unknown[], Record<string, unknown>][] = [];
	const fn = new Function('emit', `return (${SLA_MAP});`)((key: unknown[], value: Record<string, unknown>) => out.push([key, value]));
	fn(doc);
	return out.filter(([key]) => key[0] === family);
}

const entry = (kind: TimelineEntry['kind'], author_role: TimelineEntry['author_role'], author_id: string, at: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
	action_id: `act:${kind}-${at}`,
	kind,
	at,
	author_role,
	author_id,
	...extra
});

const DUE = '2026-01-08T20:59:59.999Z';
function caseDoc(over: Partial<CaseDoc> = {}): CaseDoc {
	return {
		_id: 'case:k1',
		type: 'case',
		case_key: 'k1',
		ref: '26-000001-3',
		case_type: 'complaint',
		status: 'open',
		entity_id: 'works',
		category_id: 'works-potholes',
		subject: 'Pothole',
		body: 'A pothole on the road',
		location: null,
		locale: 'ar',
		citizen_id: 'c1',
		created_at: '2026-01-04T06:00:00.000Z',
		routed_at: '2026-01-04T06:00:00.000Z',
		updated_at: '2026-01-04T06:00:00.000Z',
		sla: { started_at: '2026-01-04T06:00:00.000Z', due_at: DUE, paused_at: null, stopped_at: null, paused_ms: 0 },
		timeline: [entry('submit', 'citizen', 'c1', '2026-01-04T06:00:00.000Z')],
		applied: [],
		rejected: [],
		version: 1,
		...over
	};
}

describe('due and held', () => {
	it('index a running clock by entity and due date, and by who holds the case', () => {
		expect(run('due', caseDoc())).toEqual([[['due', 'works', DUE], expect.objectContaining({ ref: '26-000001-3', handler: '', status: 'open' })]]);
		const noted = caseDoc({ timeline: [entry('submit', 'citizen', 'c1', 'a'), entry('note', 'agent', 'agent1', 'b'), entry('provide_info', 'citizen', 'c1', 'c')] });
		expect(run('held', noted)).toEqual([[['held', 'works', 'agent1', DUE], expect.objectContaining({ handler: 'agent1' })]]);
	});

	it('give a transferred case to nobody in its new entity until someone there acts', () => {
		const transferred = caseDoc({ timeline: [entry('submit', 'citizen', 'c1', 'a'), entry('note', 'agent', 'agent1', 'b'), entry('transfer', 'agent', 'agent1', 'c', { to_entity_id: 'works' })] });
		expect(run('held', transferred)[0][0]).toEqual(['held', 'works', '', DUE]);
		transferred.timeline.push(entry('note', 'manager', 'mgr2', 'd'));
		expect(run('held', transferred)[0][0]).toEqual(['held', 'works', 'mgr2', DUE]);
	});

	it.each([
		['waiting for the citizen', { status: 'awaiting_citizen', sla: { started_at: 'a', due_at: DUE, paused_at: '2026-01-05T06:00:00.000Z', stopped_at: null, paused_ms: 0 } }],
		['replied', { status: 'answered', sla: { started_at: 'a', due_at: DUE, paused_at: null, stopped_at: '2026-01-05T06:00:00.000Z', paused_ms: 0 } }],
		['closed', { status: 'closed' }],
		['not a case', { type: 'attachment' }]
	])('leave out a case %s', (_label, over) => {
		const doc = caseDoc(over as Partial<CaseDoc>);
		expect(run('due', doc)).toEqual([]);
		expect(run('held', doc)).toEqual([]);
	});
});

describe('attention', () => {
	const scores = { handling: 1, clarity: 4, courtesy: 2, ease_of_use: 5 };
	it('lists a low rating with the scores of the rated reply', () => {
		const doc = caseDoc({
			status: 'answered',
			ratings: [
				{ reply_action_id: 'act:r0', scores: { handling: 5, clarity: 5, courtesy: 5, ease_of_use: 5 }, at: 'x', low: false },
				{ reply_action_id: 'act:r1', scores, at: '2026-01-06T06:00:00.000Z', low: true }
			],
			low_rating: { reply_action_id: 'act:r1', at: '2026-01-06T06:00:00.000Z', min_score: 1, comment: 'Slow' }
		});
		expect(run('attention', doc)).toEqual([
			[['attention', 'works', '2026-01-06T06:00:00.000Z'], expect.objectContaining({ kind: 'low_rating', scores, min_score: 1, comment: 'Slow', ref: '26-000001-3', status: 'answered' })]
		]);
	});

	it('lists a reopened case by its latest reopening until it is closed', () => {
		const timeline = [
			entry('submit', 'citizen', 'c1', 'a'),
			entry('reopen', 'citizen', 'c1', '2026-01-05T00:00:00.000Z', { reason: 'first' }),
			entry('reopen', 'citizen', 'c1', '2026-01-07T00:00:00.000Z', { reason: 'Still broken' })
		];
		expect(run('attention', caseDoc({ reopened: 2, timeline }))).toEqual([
			[['attention', 'works', '2026-01-07T00:00:00.000Z'], expect.objectContaining({ kind: 'reopened', reason: 'Still broken', reopened: 2 })]
		]);
		expect(run('attention', caseDoc({ reopened: 2, timeline, status: 'closed' }))).toEqual([]);
		expect(run('attention', caseDoc())).toEqual([]);
	});
});
