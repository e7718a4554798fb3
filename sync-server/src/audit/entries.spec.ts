import { describe, expect, it } from 'vitest';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { adminAuditEntry, authAuditEntry, caseAuditEntry, maskPhone, redactionAuditEntry } from './entries.js';

const AT = '2026-05-03T08:00:00.000Z';
const action = (fields: Partial<ActionDoc> = {}): ActionDoc => ({
	_id: 'act:11111111-2222-4333-8444-555555555555',
	type: 'action',
	kind: 'reply',
	case_key: '99999999-2222-4333-8444-555555555555',
	client_time: '2020-01-01T00:00:00Z',
	device_id: 'tablet-1',
	author: { user_id: 's1', role: 'agent', entity_id: 'works' },
	received_at: '2026-05-03T07:59:00.000Z',
	body: 'Secret text of the reply',
	...fields
});
const caseAt = (entity_id: string) => ({ _id: 'case:x', ref: '26-000001-3', entity_id }) as unknown as CaseDoc;

describe('case audit entries', () => {
	it("say who, when (the gate's time), what, from which device, and carry no case text", () => {
		const entry = caseAuditEntry(action(), caseAt('works'), { kind: 'applied', after: caseAt('works') }, AT);
		expect(entry).toEqual({
			_id: 'audit:act:11111111-2222-4333-8444-555555555555',
			type: 'audit',
			source: 'case',
			kind: 'reply',
			at: '2026-05-03T07:59:00.000Z',
			recorded_at: AT,
			actor: { user_id: 's1', role: 'agent', entity_id: 'works' },
			device_id: 'tablet-1',
			entity_ids: ['works'],
			outcome: 'applied',
			action_id: 'act:11111111-2222-4333-8444-555555555555',
			case_key: '99999999-2222-4333-8444-555555555555',
			case_ref: '26-000001-3'
		});
		expect(JSON.stringify(entry)).not.toContain('Secret text');
	});

	it.each([
		['a transfer belongs to both entities', action({ kind: 'transfer' }), caseAt('works'), { kind: 'applied' as const, after: caseAt('health') }, ['works', 'health'], true],
		[
			"a refusal keeps its code and the actor's entity",
			action({ author: { user_id: 's2', role: 'agent', entity_id: 'health' } }),
			caseAt('works'),
			{ kind: 'rejected' as const, code: 'not_allowed' },
			['works', 'health'],
			false
		],
		[
			"a refused submit with no case is the coordinator's only",
			action({ kind: 'submit', author: { user_id: 'c1', role: 'citizen' } }),
			null,
			{ kind: 'rejected' as const, code: 'unknown_category' },
			[],
			false
		]
	])('%s', (_label, a, before, outcome, entities, hasRef) => {
		const entry = caseAuditEntry(a, before, outcome, AT);
		expect(entry.entity_ids).toEqual(entities);
		expect('case_ref' in entry).toBe(hasRef);
		if (outcome.kind === 'rejected') expect(entry).toMatchObject({ outcome: 'refused', code: outcome.code });
	});

	it('is the same document for the same action, whenever it is built', () => {
		const a = caseAuditEntry(action(), caseAt('works'), { kind: 'failed' }, AT);
		expect(a).toMatchObject({ outcome: 'failed', code: 'server' });
		expect(caseAuditEntry(action(), caseAt('works'), { kind: 'failed' }, AT)).toEqual(a);
	});
});

describe('admin audit entries', () => {
	it('name the coordinator, the target and the changes, each with its own id', () => {
		const input = {
			actor: { user_id: 's9', role: 'coordinator' as const },
			kind: 'admin.settings.update',
			target: { type: 'settings', id: 'settings' },
			changes: { response_days: { from: 5, to: 20 } },
			at: AT
		};
		const [a, b] = [adminAuditEntry(input), adminAuditEntry(input)];
		expect(a).toMatchObject({ source: 'admin', kind: 'admin.settings.update', at: AT, entity_ids: [], outcome: 'applied', changes: { response_days: { from: 5, to: 20 } } });
		expect(a._id).toMatch(/^audit:adm:[0-9a-f-]{36}$/);
		expect(a._id).not.toBe(b._id);
	});
});

describe('sign-in audit entries', () => {
	const at = '2026-03-01T08:00:00.000Z';

	it("puts a staff member's sign-in in their entity's scope", () => {
		const entry = authAuditEntry({ kind: 'auth.sign_in.password', actor: { user_id: 's1', role: 'agent', entity_id: 'works' }, at });
		expect(entry).toMatchObject({ source: 'auth', kind: 'auth.sign_in.password', outcome: 'applied', entity_ids: ['works'], actor: { user_id: 's1', role: 'agent', entity_id: 'works' } });
		expect(entry._id).toMatch(/^audit:auth:[0-9a-f-]{36}$/);
	});

	it("keeps a citizen's and an unknown person's attempts for the coordinators alone", () => {
		expect(authAuditEntry({ kind: 'auth.sign_in.sms', actor: { user_id: 'c1', role: 'citizen' }, at }).entity_ids).toEqual([]);
		const refused = authAuditEntry({ kind: 'auth.sign_in.password', actor: null, at, outcome: 'refused', code: 'bad_credentials', target: { type: 'username', id: 'admin' } });
		expect(refused).toMatchObject({ actor: null, entity_ids: [], outcome: 'refused', code: 'bad_credentials', target: { type: 'username', id: 'admin' } });
	});

	it.each([
		['+97336001234', '+973••••••34'],
		['+973 3600 1234', '+973••••••34'],
		['12345', '•••••'],
		['<script>+9733600', '+973••00']
	])('masks %s as %s', (phone, masked) => {
		expect(maskPhone(phone)).toBe(masked);
	});
});

describe('redactionAuditEntry', () => {
	const caseDoc = { case_key: '99999999-2222-4333-8444-555555555555', ref: '26-00000042-7', entity_id: 'works' };
	const user = { user_id: 'u-agent', role: 'agent' as const, entity_id: 'works' };
	const attachmentId = 'att:act:11111111-2222-4333-8444-555555555555:photo-1.jpg';

	it('names who, when, which photo and why an original was opened, in the entity scope', () => {
		const entry = redactionAuditEntry({ kind: 'redaction.view_original', user, caseDoc, attachmentId, at: AT, reason: 'Police request' });
		expect(entry).toMatchObject({
			type: 'audit',
			source: 'case',
			kind: 'redaction.view_original',
			at: AT,
			actor: user,
			entity_ids: ['works'],
			outcome: 'applied',
			case_key: caseDoc.case_key,
			case_ref: caseDoc.ref,
			target: { type: 'attachment', id: attachmentId },
			changes: { reason: 'Police request' }
		});
		expect(entry._id).toMatch(/^audit:red:[0-9a-f-]{36}$/);
	});

	it('counts the regions of a redaction and gives each entry its own id', () => {
		const a = redactionAuditEntry({ kind: 'redaction.apply', user, caseDoc, attachmentId, at: AT, rects: 3 });
		const b = redactionAuditEntry({ kind: 'redaction.revert', user: { ...user, role: 'manager' }, caseDoc, attachmentId, at: AT });
		expect(a.changes).toEqual({ rects: 3 });
		expect(b.changes).toBeUndefined();
		expect(a._id).not.toBe(b._id);
	});
});
