/** For specs and benchmarks: case documents with just the fields the statistics read. */
import type { CaseDoc, TimelineEntry } from '../../src/lib/domain/doc-types.js';

let serial = 0;

export function entry(kind: TimelineEntry['kind'], at: string, extra: Partial<TimelineEntry> = {}): TimelineEntry {
	return { action_id: `act:${kind}-${++serial}`, kind, at, author_role: kind === 'submit' ? 'citizen' : 'agent', author_id: 'x', ...extra };
}

/** An open complaint at `works`, received at `at`, due five days later unless told otherwise. */
export function makeCase(fields: Partial<CaseDoc> & { at?: string } = {}): CaseDoc {
	const { at = '2019-03-10T07:00:00.000Z', ...rest } = fields;
	const key = `k${++serial}`;
	const due = new Date(Date.parse(at) + 5 * 86_400_000).toISOString();
	return {
		_id: `case:${key}`,
		type: 'case',
		case_key: key,
		ref: '19-000001-0',
		case_type: 'complaint',
		status: 'open',
		entity_id: 'works',
		category_id: 'works-potholes',
		subject: 'Pothole',
		body: 'A deep pothole near the school.',
		location: null,
		locale: 'ar',
		citizen_id: 'c1',
		created_at: at,
		routed_at: at,
		updated_at: at,
		sla: { started_at: at, due_at: due, paused_at: null, stopped_at: null, paused_ms: 0 },
		timeline: [entry('submit', at)],
		applied: [],
		rejected: [],
		version: 1,
		...rest
	};
}

/** The same case after a reply at `at` (first reply stops the clock). */
export function replied(caseDoc: CaseDoc, at: string, status: CaseDoc['status'] = 'answered'): CaseDoc {
	return {
		...caseDoc,
		status,
		sla: caseDoc.sla.stopped_at ? caseDoc.sla : { ...caseDoc.sla, stopped_at: at },
		timeline: [...caseDoc.timeline, entry('reply', at)],
		version: caseDoc.version + 1
	};
}
