import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type ActionDoc } from '../../../src/lib/domain/doc-types.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import type { Store } from '../store.js';
import { authorNotice, deadLetterDoc, malformed, tryEffect } from './dead-letters.js';

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

describe("a batch's side effect", () => {
	let store: Store;
	let close: () => Promise<void>;
	const clock = manualClock();
	beforeAll(async () => {
		({ store, close } = await openTestStore());
	});
	afterAll(() => close());

	it('answers what the effect gave when one of its three tries succeeds, and keeps no dead letter', async () => {
		let tries = 0;
		const result = await tryEffect({ store, now: clock.now }, { key: 'notice:a1' }, 'notice failed', async () => {
			if (++tries < 3) throw new Error(`try ${tries}`);
			return 'queued';
		});
		expect([result, tries]).toEqual(['queued', 3]);
		await store.ensureDb(DB.ENGINE);
		await expect(store.use(DB.ENGINE).get('dead:notice:a1')).rejects.toMatchObject({ statusCode: 404 });
	});

	it('after three failures keeps the last error as a dead letter, once, under the id given', async () => {
		let tries = 0;
		const fail = async () => {
			throw new Error(`gateway down ${++tries}`);
		};
		expect(await tryEffect({ store, now: clock.now }, { key: 'rating:a2' }, 'invitation failed', fail, 'dead:push:rating:a2')).toBeUndefined();
		expect(tries).toBe(3);
		// The batch replayed after a crash meets the same failure: the first record stands.
		expect(await tryEffect({ store, now: clock.now }, { key: 'rating:a2' }, 'invitation failed', fail, 'dead:push:rating:a2')).toBeUndefined();
		const dead = await store.use(DB.ENGINE).get('dead:push:rating:a2');
		expect(dead).toMatchObject({ type: 'dead_letter', effect: 'rating:a2', error: 'gateway down 3', at: new Date(clock.now()).toISOString() });
	});
});
