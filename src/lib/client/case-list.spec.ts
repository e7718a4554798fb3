import { describe, expect, it } from 'vitest';
import type { ActionDoc, CaseDoc, RejectionDoc } from '$lib/domain/doc-types';
import { actionState, mergeCaseList, pendingActions, photosOf } from './case-list';

const action = (id: string, over: Partial<ActionDoc> = {}): ActionDoc => ({
	_id: `act:${id}`,
	type: 'action',
	kind: 'submit',
	case_key: id,
	client_time: `2026-01-0${id.length}T08:00:00.000Z`,
	device_id: 'd1',
	case_type: 'complaint',
	entity_id: 'works',
	category_id: 'roads',
	subject: `subject ${id}`,
	body: 'a broken street light',
	...over
});

const caseDoc = (key: string, over: Partial<CaseDoc> = {}): CaseDoc => ({
	_id: `case:${key}`,
	type: 'case',
	case_key: key,
	ref: '26-000001-7',
	case_type: 'complaint',
	status: 'open',
	entity_id: 'works',
	category_id: 'roads',
	subject: `case ${key}`,
	body: 'text',
	location: null,
	locale: 'ar',
	citizen_id: 'u1',
	created_at: '2026-01-01T08:00:00.000Z',
	routed_at: '2026-01-01T08:00:00.000Z',
	updated_at: '2026-01-01T09:00:00.000Z',
	sla: { started_at: '2026-01-01T08:00:00.000Z', due_at: '2026-01-08T08:00:00.000Z', paused_at: null, stopped_at: null, paused_ms: 0 },
	timeline: [],
	applied: [`act:${key}`],
	rejected: [],
	version: 1,
	...over
});

const rejection = (actionId: string, code = 'unknown_category'): RejectionDoc => ({
	_id: `rejection:${actionId}`,
	type: 'rejection',
	action_id: actionId,
	case_key: actionId.slice(4),
	kind: 'submit',
	code,
	at: '2026-01-02T00:00:00.000Z'
});

describe('actionState', () => {
	it.each([
		['offline, not reflected', undefined, undefined, false, 'queued'],
		['online, not reflected', undefined, undefined, true, 'sending'],
		['applied by the server', { applied: ['act:a'] }, undefined, true, 'accepted'],
		['refused by the server', undefined, rejection('act:a'), false, 'rejected'],
		['refused on the case, rejection doc not synced yet', { rejected: ['act:a'] }, undefined, true, 'rejected']
	])('%s', (_, doc, rej, online, expected) => {
		expect(actionState('act:a', doc, rej, online)).toBe(expected);
	});
});

describe('mergeCaseList', () => {
	it('lists a submission without a case as waiting to send (offline) or sending (online)', () => {
		const input = { cases: [], submits: [action('a')], rejections: [] };
		expect(mergeCaseList({ ...input, online: false })[0]).toMatchObject({ status: 'queued', ref: null, action_id: 'act:a' });
		expect(mergeCaseList({ ...input, online: true })[0].status).toBe('sending');
	});

	it('shows the server case instead of the outbox action once projected', () => {
		const items = mergeCaseList({ cases: [caseDoc('a')], submits: [action('a')], rejections: [], online: true });
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ status: 'open', ref: '26-000001-7', action_id: null });
	});

	it('marks a refused submission with its code and hides it once restored', () => {
		const input = { cases: [], submits: [action('a')], rejections: [rejection('act:a', 'category_entity_mismatch')], online: true };
		expect(mergeCaseList(input)[0]).toMatchObject({ status: 'rejected', rejection_code: 'category_entity_mismatch' });
		expect(mergeCaseList({ ...input, dismissed: new Set(['act:a']) })).toEqual([]);
	});

	it('ignores non-submit actions and sorts newest first', () => {
		const items = mergeCaseList({
			cases: [],
			submits: [action('a'), action('bb'), action('ccc', { kind: 'provide_info' })],
			rejections: [],
			online: true
		});
		expect(items.map((i) => i.case_key)).toEqual(['bb', 'a']);
	});
});

describe('pendingActions', () => {
	it('keeps only what the projection does not include yet', () => {
		const reply = action('r1', { kind: 'reply', case_key: 'a' });
		const note = action('n22', { kind: 'note', case_key: 'a' });
		const pending = pendingActions([reply, note], caseDoc('a', { applied: ['act:r1'] }), [], true);
		expect(pending.map((p) => [p.action._id, p.state])).toEqual([['act:n22', 'sending']]);
	});
});

describe('photosOf (issue 16: a pending offline case did not show its photo)', () => {
	it('keeps the images held as blobs, in order, and leaves out documents and stubs', () => {
		const jpeg = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
		const png = new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' });
		const pdf = new Blob(['%PDF'], { type: 'application/pdf' });
		const photos = photosOf({
			_attachments: {
				'photo-1.jpg': { content_type: 'image/jpeg', data: jpeg },
				'document-1.pdf': { content_type: 'application/pdf', data: pdf },
				'photo-2.png': { content_type: 'image/png', data: png },
				'photo-3.jpg': { content_type: 'image/jpeg', stub: true, length: 10 }
			}
		});
		expect(photos.map((p) => p.name)).toEqual(['photo-1.jpg', 'photo-2.png']);
		expect(photos[0].blob).toBe(jpeg);
		expect(photosOf({})).toEqual([]);
	});
});
