import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { openStore, type Store } from '../store.js';
import { Checkpoint, feedEpoch } from './checkpoint.js';

let store: Store;
let n = 0;

beforeAll(async () => {
	store = await openStore({ couchdbUrl: null, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-checkpoint-')) });
	await store.ensureDb(DB.ENGINE);
});

afterAll(async () => {
	await store?.close();
});

async function freshFeed(): Promise<string> {
	const feed = `feed_${n++}`;
	await store.ensureDb(feed);
	return feed;
}

async function loaded(feed: string): Promise<Checkpoint> {
	const checkpoint = new Checkpoint(store, feed);
	await checkpoint.load();
	return checkpoint;
}

describe('engine checkpoint', () => {
	it('starts at the beginning and keeps the position it saved', async () => {
		const feed = await freshFeed();
		const first = await loaded(feed);
		expect(first.seq).toBe(0);
		await first.save(7);
		expect((await loaded(feed)).seq).toBe(7);
	});

	it('replays from the start a feed replaced since its checkpoint was written', async () => {
		const feed = await freshFeed();
		const before = await loaded(feed);
		await before.save(42);
		// Restored from a backup, or deleted and filled again by the devices' replication.
		await store.dropDb(feed);
		await store.ensureDb(feed);
		const after = await loaded(feed);
		expect(after.seq).toBe(0);
		// The position read in the new feed is kept from then on.
		await after.save(3);
		expect((await loaded(feed)).seq).toBe(3);
	});

	it('keeps a checkpoint from before epochs on the feed it was read from', async () => {
		const feed = await freshFeed();
		await store.use(DB.ENGINE).insert({ _id: `checkpoint:${feed}`, type: 'counter', seq: 11, updated_at: new Date().toISOString() });
		expect((await loaded(feed)).seq).toBe(11);
	});

	it('does not trust a checkpoint without an epoch once the feed has one', async () => {
		const feed = await freshFeed();
		await feedEpoch(store, feed);
		await store.use(DB.ENGINE).insert({ _id: `checkpoint:${feed}`, type: 'counter', seq: 11, updated_at: new Date().toISOString() });
		expect((await loaded(feed)).seq).toBe(0);
	});

	it('gives every instance racing for a new feed the same epoch', async () => {
		const feed = await freshFeed();
		const epochs = await Promise.all(Array.from({ length: 8 }, () => feedEpoch(store, feed)));
		expect(new Set(epochs.map((e) => e.epoch)).size).toBe(1);
		expect(epochs.filter((e) => e.created)).toHaveLength(1);
	});
});
