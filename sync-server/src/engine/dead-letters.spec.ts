import { describe, expect, it } from 'vitest';
import type { ActionDoc } from '../../../src/lib/domain/doc-types.js';
import { authorNotice, deadLetterDoc, malformed } from './dead-letters.js';

const good = {
	_id: 'act:1',
	type: 'action',
	kind: 'submit',
	case_key: '11111111-2222-4333-8444-555555555555',
	client_time: '2026-01-05T08:00:00.000Z',
	device_id: 'd',
	author: { user_id: 'c1', role: 'citizen' },
	received_at: '2026-01-05T08:00:01.000Z'
} as unknown as ActionDoc;

describe('actions the engine sets aside', () => {
	it('accepts a well-formed action', () => {
		expect(malformed(good)).toBeNull();
	});

	it.each([
		['kind', { kind: 7 }, /kind/],
		['case_key', { case_key: { $gt: '' } }, /case_key/],
		['case_key', { case_key: 'a/../b' }, /case_key/],
		['received_at', { received_at: 12345 }, /received_at/],
		['received_at', { received_at: 'yesterday' }, /received_at/],
		['client_time', { client_time: ['x'] }, /client_time/],
		['author', { author: 'c1' }, /author/],
		['author', { author: { user_id: 5 } }, /author/]
	])('names %s when it is %j', (_field, change, reason) => {
		expect(malformed({ ...good, ...change } as unknown as ActionDoc)).toMatch(reason);
	});

	it('records the reason, and tells the author in their own database', () => {
		const item = { action_id: 'act:1', header: good, code: 'too_large' as const, reason: 'larger than ENGINE_BATCH_BYTES (1024)' };
		expect(deadLetterDoc(item, '2026-01-05T09:00:00.000Z')).toMatchObject({ _id: 'dead:act:1', type: 'dead_letter', code: 'too_large', error: item.reason });
		const notice = authorNotice(item, '2026-01-05T09:00:00.000Z');
		expect(notice?.db).toBe('u_c1');
		expect(notice?.doc).toMatchObject({ _id: 'rejection:act:1', code: 'too_large', case_key: good.case_key, kind: 'submit', at: good.received_at });
	});

	it('writes no notice when the action does not say who wrote it', () => {
		expect(authorNotice({ action_id: 'act:2', header: null, code: 'too_large', reason: 'r' }, 'now')).toBeNull();
		expect(authorNotice({ action_id: 'act:2', header: { ...good, author: undefined }, code: 'unprocessable', reason: 'r' }, 'now')).toBeNull();
	});
});
