/** The public pages' cache (issue 14) on the lane's store: a crowd of readers costs one read per
 * period, a stale page is served while the next is read (no reader waits once there is a page),
 * a coordinator's change or a publication shows at once, and a failed read keeps the last page. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/lib/domain/doc-types.js';
import { publicSuggestionDocId, type PublicSuggestionDoc } from '../../src/lib/domain/suggestion.js';
import { CACHE_MS, publicPages, type PublicPages } from '../../sync-server/src/public/routes.js';
import { seedStore } from '../../sync-server/src/seed/seed.js';
import type { Store } from '../../sync-server/src/store.js';
import { openLaneStore, waitFor } from './harness.js';

let store: Store;
let pages: PublicPages;
let base: string;
let close: () => void;
let clock = Date.parse('2026-05-01T09:00:00Z');
/** What the pages read from the store, by counting the reads of `public`. */
let reads = 0;
/** While set, the store answers the pages' read with a server error. */
let failing = false;

function suggestion(title: string): PublicSuggestionDoc {
	const id = crypto.randomUUID();
	return {
		_id: publicSuggestionDocId('2026-04-20', id),
		type: 'public_suggestion',
		public_id: id,
		entity_id: 'works',
		category_id: 'works-general',
		title,
		change: 'Shades were put up at the bus stops.',
		implemented_on: '2026-04-20',
		proposed_on: '2026-01-10',
		proposer_name: null,
		published_at: '2026-04-21T08:00:00.000Z'
	};
}

const page = async () => (await fetch(`${base}/public/en`)).text();

beforeAll(async () => {
	store = await openLaneStore();
	await seedStore(store, { demo: false });
	await store.ensureDb(DB.PUBLIC);
	await store.use<PublicSuggestionDoc>(DB.PUBLIC).insert(suggestion('First shade'));
	const counted: Store = Object.create(store);
	counted.use = ((name: string) => {
		const db = store.use(name);
		if (name !== DB.PUBLIC) return db;
		return Object.assign(Object.create(db), {
			list: (...args: Parameters<typeof db.list>) => (reads++, failing ? Promise.reject(Object.assign(new Error('store down'), { statusCode: 500 })) : db.list(...args))
		});
	}) as Store['use'];
	pages = publicPages({ store: counted, publicUrl: 'https://tawasul.example', now: () => clock });
	const app = express().use(pages.router);
	const server = app.listen(0, '127.0.0.1');
	await new Promise((resolve) => server.once('listening', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	close = () => server.close();
}, 60_000);

afterAll(async () => {
	close?.();
	await store?.close();
});

describe('the public pages cache', () => {
	it('reads once for a crowd of readers, and serves a stale page while the next is read', async () => {
		const crowd = await Promise.all(Array.from({ length: 20 }, page));
		expect(crowd.every((html) => html.includes('First shade'))).toBe(true);
		expect(reads).toBe(1);

		await store.use<PublicSuggestionDoc>(DB.PUBLIC).insert(suggestion('Second shade'));
		clock += CACHE_MS - 1;
		expect(await page()).not.toContain('Second shade');
		expect(reads).toBe(1);

		// Past the period: the held page still answers at once, and the next read starts behind it.
		clock += 2;
		expect(await page()).not.toContain('Second shade');
		await waitFor(async () => ((await page()).includes('Second shade') ? true : undefined), 10_000, 'the refreshed page');
		expect(reads).toBe(2);
	});

	it('shows a change at once when told of it', async () => {
		await store.use<PublicSuggestionDoc>(DB.PUBLIC).insert(suggestion('Third shade'));
		pages.invalidate();
		expect(await page()).toContain('Third shade');
	});

	it('keeps serving the last page when a read fails, and reads again later', async () => {
		const before = await page();
		failing = true;
		const readsBefore = reads;
		clock += CACHE_MS + 1;
		expect(await page()).toBe(before);
		await waitFor(async () => (reads > readsBefore ? true : undefined), 10_000, 'the failed read');
		expect(await page()).toBe(before);
		failing = false;
		await store.use<PublicSuggestionDoc>(DB.PUBLIC).insert(suggestion('Fourth shade'));
		await waitFor(async () => ((await page()).includes('Fourth shade') ? true : undefined), 10_000, 'a read after the failure');
	});
});
