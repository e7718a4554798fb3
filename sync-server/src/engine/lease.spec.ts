import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../store.js';
import { Checkpoint } from './checkpoint.js';
import { Lease } from './lease.js';

const LEASE_MS = 10_000;
let store: Store;
let n = 0;

beforeAll(async () => {
	store = await openStore({ couchdbUrl: null, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-lease-')) });
});

afterAll(async () => {
	await store?.close();
});

/** A host's clocks: its monotonic time (moved by the test) and a wall clock off by `skewMs`. */
function host(skewMs: number) {
	const clock = { mono: 1_000_000, skewMs };
	return {
		clock,
		options: { leaseMs: LEASE_MS, clock: () => clock.mono, wallClock: () => Date.now() + clock.skewMs }
	};
}

describe('engine lease', () => {
	it('goes to exactly one of many instances racing for it', async () => {
		const name = `race-${n++}`;
		const leases = Array.from({ length: 8 }, (_, i) => new Lease(store, name, `instance-${i}`, host(0).options));
		const won = await Promise.all(leases.map((l) => l.acquire()));
		expect(won.filter(Boolean)).toHaveLength(1);
		expect(leases.filter((l) => l.valid())).toHaveLength(1);
	});

	it.each([
		['ahead by an hour', 3_600_000],
		['behind by an hour', -3_600_000],
		['in step', 0]
	])('is not taken from a live holder whose wall clock is %s', async (_label, skew) => {
		const name = `skew-${n++}`;
		const a = host(skew);
		const b = host(0);
		const holder = new Lease(store, name, 'a', a.options);
		const other = new Lease(store, name, 'b', b.options);
		expect(await holder.acquire()).toBe(true);
		// The holder renews every third of the lease; the other instance watches for two whole leases.
		for (let step = 0; step < 6; step++) {
			a.clock.mono += LEASE_MS / 3;
			b.clock.mono += LEASE_MS / 3;
			expect(await holder.acquire()).toBe(true);
			expect(await other.acquire()).toBe(false);
		}
		expect(holder.valid()).toBe(true);
	});

	it('passes to another instance once the holder stops renewing, and the old holder knows it lost it', async () => {
		const name = `takeover-${n++}`;
		const a = host(-3_600_000);
		const b = host(3_600_000);
		const holder = new Lease(store, name, 'a', a.options);
		const other = new Lease(store, name, 'b', b.options);
		expect(await holder.acquire()).toBe(true);
		expect(await other.acquire()).toBe(false);
		// The holder freezes (a long pause, a dead process): its own clock says its time is up…
		a.clock.mono += LEASE_MS;
		expect(holder.valid()).toBe(false);
		// …and the other instance, by its own clock, takes over only after a whole lease unchanged.
		b.clock.mono += LEASE_MS - 1;
		expect(await other.acquire()).toBe(false);
		b.clock.mono += 1;
		expect(await other.acquire()).toBe(true);
		// The old holder wakes up: it finds the lease taken and does not take it back.
		expect(await holder.acquire()).toBe(false);
		expect(holder.valid()).toBe(false);
		// Releasing a lease it no longer holds must not free the new holder's.
		await holder.release();
		expect(await new Lease(store, name, 'c', host(0).options).acquire()).toBe(false);
	});

	it('is free at once after its holder releases it, and a restarted holder takes its own back', async () => {
		const name = `release-${n++}`;
		const holder = new Lease(store, name, 'a', host(0).options);
		expect(await holder.acquire()).toBe(true);
		const restarted = new Lease(store, name, 'a', host(0).options);
		expect(await restarted.acquire()).toBe(true);
		await restarted.release();
		expect(await new Lease(store, name, 'b', host(0).options).acquire()).toBe(true);
	});

	it("keeps an old holder from moving the checkpoint back over the new holder's", async () => {
		const old = new Checkpoint(store, `feed-${n++}`);
		await old.load();
		await old.save('10');
		const newer = new Checkpoint(store, (old as unknown as { feed: string }).feed);
		await newer.load();
		await newer.save('20');
		await expect(old.save('15')).rejects.toThrow(/another instance/);
		// After the refusal it reads the position again instead of writing over it.
		await old.load();
		expect(old.seq).toBe('20');
	});
});
