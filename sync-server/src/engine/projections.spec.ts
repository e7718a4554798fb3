import { describe, expect, it } from 'vitest';
import { LEGACY_CITIZEN_ID, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { citizenView, projectCase, withRevision } from './projections.js';

function caseDoc(fields: Partial<CaseDoc> = {}): CaseDoc {
	return {
		_id: 'case:k1',
		_rev: '3-abc',
		type: 'case',
		case_key: 'k1',
		ref: '26-000001-5',
		case_type: 'complaint',
		status: 'open',
		entity_id: 'health',
		category_id: 'c',
		subject: 's',
		body: 'b',
		location: null,
		locale: 'ar',
		citizen_id: 'c0001',
		created_at: '2026-01-01T00:00:00Z',
		routed_at: '2026-01-01T00:00:00Z',
		updated_at: '2026-01-01T00:00:00Z',
		sla: { started_at: '', due_at: '', paused_at: null, stopped_at: null, paused_ms: 0 },
		timeline: [
			{ action_id: 'act:1', kind: 'submit', at: '', author_role: 'citizen', author_id: 'c0001' },
			{ action_id: 'act:2', kind: 'note', at: '', author_role: 'agent', author_id: 's1', body: 'internal remark' },
			{ action_id: 'act:3', kind: 'transfer', at: '', author_role: 'agent', author_id: 's1', from_entity_id: 'works', to_entity_id: 'health' }
		],
		applied: ['act:1', 'act:2', 'act:3'],
		rejected: [],
		version: 3,
		...fields
	};
}

describe('projections', () => {
	it('gives the same revision for the same case, database and version, and a child revision for the next', () => {
		const a = withRevision({ _id: 'case:k1' }, 'u_c1', 3);
		expect(withRevision({ _id: 'case:k1' }, 'u_c1', 3)._rev).toBe(a._rev);
		expect(withRevision({ _id: 'case:k1' }, 'e_x', 3)._rev).not.toBe(a._rev);
		const next = withRevision({ _id: 'case:k1' }, 'u_c1', 4);
		expect(next._revisions.ids.slice(1)).toEqual(a._revisions.ids);
		expect(next._rev.startsWith('4-')).toBe(true);
	});

	it('hides internal notes from the citizen', () => {
		const view = citizenView(caseDoc());
		expect(JSON.stringify(view)).not.toContain('internal remark');
		expect(view.applied).toEqual(['act:1', 'act:3']);
	});

	it('writes to the citizen and the current entity, and deletes from the entity that transferred it away', () => {
		const { writes } = projectCase(caseDoc());
		expect(writes.map((w) => [w.db, !!w.doc._deleted])).toEqual([
			['u_c0001', false],
			['e_health', false],
			['e_works', true]
		]);
		expect(writes.every((w) => w.doc._rev.startsWith('3-'))).toBe(true);
	});
});

describe('a case imported from a legacy system', () => {
	it('goes to its entity only: there is no citizen account to project to', () => {
		const { writes, targets } = projectCase(caseDoc({ citizen_id: LEGACY_CITIZEN_ID, timeline: [] }));
		expect(writes.map((w) => w.db)).toEqual(['e_health']);
		expect(targets).toEqual(['e_health']);
	});
});
