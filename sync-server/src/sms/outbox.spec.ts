import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../../../tests/support/test-store.js';
import type { Store } from '../store.js';
import { createGateway } from './index.js';
import { createOutboxGateway, listOutbox } from './outbox.js';

let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
	({ store, close } = await openTestStore());
});
afterAll(() => close());

describe('outbox gateway', () => {
	it('stores a message once per id: a replay with other text changes nothing', async () => {
		const gateway = createOutboxGateway(store);
		await gateway.send({ id: 'm-1', to: '+97336000009', text: 'first' });
		await gateway.send({ id: 'm-1', to: '+97336000009', text: 'second' });
		const messages = await listOutbox(store, { phone: '+97336000009', limit: 10 });
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatchObject({ id: 'm-1', text: 'first', status: 'sent' });
		const doc = await store.use('sms').get('sms:m-1');
		expect(doc).toMatchObject({ type: 'sms', to: '+97336000009', text: 'first', status: 'sent' });
	});

	it('lists newest first, filtered by phone, up to the limit', async () => {
		const gateway = createOutboxGateway(store);
		for (const n of [1, 2, 3]) await gateway.send({ id: `a-${n}`, to: '+97336000010', text: `to a #${n}` });
		await gateway.send({ id: 'b-1', to: '+97336000011', text: 'to b' });
		const forA = await listOutbox(store, { phone: '+97336000010', limit: 2 });
		expect(forA.map((m) => m.text)).toEqual(['to a #3', 'to a #2']);
		const all = await listOutbox(store, { limit: 1 });
		expect(all.map((m) => m.id)).toEqual(['b-1']);
	});

	it('orders by the time each was stored, not by the feed, which a sharded CouchDB gives shard by shard', async () => {
		const times = [Date.parse('2026-03-01T10:00:05Z'), Date.parse('2026-03-01T10:00:00Z')];
		const gateway = createOutboxGateway(store, () => times.shift()!);
		await gateway.send({ id: 'c-newer', to: '+97336000013', text: 'code 222222' });
		await gateway.send({ id: 'c-older', to: '+97336000013', text: 'code 111111' });
		const listed = await listOutbox(store, { phone: '+97336000013', limit: 1 });
		expect(listed.map((m) => m.id)).toEqual(['c-newer']);
	});

	it('createGateway picks the outbox for SMS_GATEWAY=outbox', async () => {
		const gateway = createGateway({ smsGateway: 'outbox', sms: { sender: 'Tawasul', maxAttempts: 5, perNumberPerHour: 10, http: null, smpp: null, inboundToken: null } }, store);
		expect(gateway.name).toBe('outbox');
		await gateway.send({ id: 'g-1', to: '+97336000012', text: 'hello' });
		expect(await listOutbox(store, { phone: '+97336000012', limit: 5 })).toHaveLength(1);
	});
});
