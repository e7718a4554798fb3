/** One rules engine per feed: a lease document in `engine` names the holder. The holder renews it
 * well before it runs out; another instance takes over once it has seen the document unchanged
 * for a whole lease period. Expiry is judged by each instance's own monotonic clock from when it
 * saw the lease change, never by comparing wall clocks, so clocks that disagree between hosts
 * can neither make two holders nor keep a dead holder's lease alive. Every write carries the
 * revision it read, so of two instances racing for the lease exactly one wins. The holder's id is
 * stable for one host and port, so a restarted server takes its own lease back at once. */
import { performance } from 'node:perf_hooks';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { log } from '../log.js';
import type { Store } from '../store.js';

export const DEFAULT_LEASE_MS = 30_000;

interface LeaseDoc {
	_id: string;
	_rev?: string;
	type: 'lease';
	owner: string;
	/** For people reading the database; no instance decides by another host's clock. */
	expires_at: number;
	/** Another instance's document, read as it is stored: without it, this instance's own length decides. */
	lease_ms?: number;
	released?: boolean;
}

export interface LeaseOptions {
	leaseMs?: number;
	/** Monotonic milliseconds (tests pass their own). */
	clock?: () => number;
	/** Wall-clock milliseconds, only written for people to read. */
	wallClock?: () => number;
}

export class Lease {
	held = false;
	private rev: string | undefined;
	/** Monotonic time until which this instance may act as holder. */
	private heldUntil = 0;
	/** The last revision seen of another holder's lease, and when this instance first saw it. */
	private seen: { rev: string | undefined; at: number } | null = null;
	private pending: Promise<boolean> | null = null;
	private readonly leaseMs: number;
	private readonly clock: () => number;
	private readonly wallClock: () => number;

	constructor(
		private readonly store: Store,
		private readonly name: string,
		private readonly owner: string,
		options: LeaseOptions = {}
	) {
		this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
		this.clock = options.clock ?? (() => performance.now());
		this.wallClock = options.wallClock ?? Date.now;
	}

	private get id() {
		return `lease:${this.name}`;
	}

	/** True while the lease is this instance's by its own clock: checked before work is made final. */
	valid(): boolean {
		return this.held && this.clock() < this.heldUntil;
	}

	/** True while this instance holds the lease; renews it once a third of it has passed. Calls
	 * made while one is under way share its answer: two writes with one revision would conflict. */
	acquire(): Promise<boolean> {
		this.pending ??= this.tryAcquire().finally(() => (this.pending = null));
		return this.pending;
	}

	/** Renews the lease every third of its length while held, whatever the batch under way is doing:
	 * a long batch keeps its lease, a frozen process (which runs no timers either) loses it. */
	keepAlive(): () => void {
		const timer = setInterval(() => {
			if (!this.held) return;
			this.acquire().catch((e: unknown) => {
				log.warn('lease renewal failed', { lease: this.name, owner: this.owner, error: e instanceof Error ? e.message : String(e) });
			});
		}, this.leaseMs / 3);
		timer.unref();
		return () => {
			clearInterval(timer);
		};
	}

	private async tryAcquire(): Promise<boolean> {
		const started = this.clock();
		if (this.held && started < this.heldUntil - this.leaseMs * 0.9 + this.leaseMs / 3) return true;
		await this.store.ensureDb(DB.ENGINE);
		const db = this.store.use<LeaseDoc>(DB.ENGINE);
		let current: LeaseDoc | null = null;
		try {
			current = await db.get(this.id);
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 404) throw error;
		}
		if (current && current.owner !== this.owner && !this.expired(current, started)) {
			this.held = false;
			return false;
		}
		const next: LeaseDoc = { _id: this.id, type: 'lease', owner: this.owner, expires_at: this.wallClock() + this.leaseMs, lease_ms: this.leaseMs };
		if (current?._rev) next._rev = current._rev;
		try {
			this.rev = (await db.insert(next)).rev;
		} catch (error) {
			// Someone else wrote the lease since we read it: they hold it now.
			if ((error as { statusCode?: number }).statusCode === 409) {
				this.held = false;
				return false;
			}
			throw error;
		}
		// Counted from before the read: anyone else starts counting only once the write is visible.
		// A tenth is kept back for clocks that run at slightly different rates.
		this.heldUntil = started + this.leaseMs * 0.9;
		this.held = true;
		this.seen = null;
		return true;
	}

	/** Another holder's lease has run out once it was released or this instance has seen the same
	 * revision for a whole lease period (of the longer of both instances' settings). */
	private expired(current: LeaseDoc, now: number): boolean {
		if (current.released) return true;
		const seen = this.seen;
		if (!seen || seen.rev !== current._rev) {
			this.seen = { rev: current._rev, at: now };
			return false;
		}
		return now - seen.at >= Math.max(this.leaseMs, current.lease_ms ?? 0);
	}

	async release(): Promise<void> {
		if (!this.held || !this.rev) return;
		const stillOurs = this.valid();
		this.held = false;
		// Past its time another instance may hold it; releasing then would free *its* lease.
		if (!stillOurs) return;
		try {
			await this.store.use<LeaseDoc>(DB.ENGINE).insert({
				_id: this.id,
				_rev: this.rev,
				type: 'lease',
				owner: this.owner,
				expires_at: 0,
				lease_ms: this.leaseMs,
				released: true
			});
		} catch {
			// A conflict means someone else took it; otherwise it runs out by itself.
		}
	}
}
