/** One rules engine per feed: a lease document in `engine` names the holder until it expires.
 * Another instance takes over once the holder stops renewing it. The holder's id is stable for
 * one host and port, so a restarted server takes its own lease back at once. */
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';

const LEASE_MS = 30_000;
const RENEW_BEFORE_MS = 20_000;

interface LeaseDoc {
	_id: string;
	_rev?: string;
	type: 'lease';
	owner: string;
	expires_at: number;
}

export class Lease {
	held = false;
	private doc: LeaseDoc | null = null;

	constructor(
		private readonly store: Store,
		private readonly name: string,
		private readonly owner: string,
		private readonly now: () => number = Date.now
	) {}

	/** True while this instance holds the lease; renews it when it is about to run out. */
	async acquire(): Promise<boolean> {
		if (this.held && this.doc && this.doc.expires_at - this.now() > RENEW_BEFORE_MS) return true;
		await this.store.ensureDb(DB.ENGINE);
		const db = this.store.use<LeaseDoc>(DB.ENGINE);
		let current: LeaseDoc | null = null;
		try {
			current = await db.get(`lease:${this.name}`);
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode !== 404) throw error;
		}
		if (current && current.owner !== this.owner && current.expires_at > this.now()) {
			this.held = false;
			return false;
		}
		const next: LeaseDoc = {
			_id: `lease:${this.name}`,
			type: 'lease',
			owner: this.owner,
			expires_at: this.now() + LEASE_MS
		};
		if (current?._rev) next._rev = current._rev;
		try {
			next._rev = (await db.insert(next)).rev;
		} catch (error) {
			if ((error as { statusCode?: number }).statusCode === 409) {
				this.held = false;
				return false;
			}
			throw error;
		}
		this.doc = next;
		this.held = true;
		return true;
	}

	async release(): Promise<void> {
		if (!this.held || !this.doc) return;
		this.held = false;
		try {
			await this.store.use<LeaseDoc>(DB.ENGINE).insert({ ...this.doc, expires_at: 0 });
		} catch {
			// Expiry frees it anyway.
		}
	}
}
