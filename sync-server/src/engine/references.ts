/** Reference numbers: an issued reference is never given to another case, nor a case given
 * another reference, even when the store is wiped or restored from a backup and old devices push
 * their actions again (issue 10, finding 8; docs/design.md, "Reference numbers").
 *
 * - One counter document per year in `engine`; a batch allocates in memory and commits the
 *   counters before any case that uses them is saved (a crash leaves a gap, never a duplicate).
 * - The counter never stands below a floor that grows with the clock, 3 numbers a second since
 *   the start of the year, so a store that lost its counter (wiped, or restored from an older
 *   backup) still numbers new cases above everything issued before the loss, unless the lost
 *   store had issued faster than 3 a second on average since its counter last met the floor.
 * - Every reference is sealed to its case (`ref_seal`, an HMAC under a key derived from
 *   SECRETS_KEY), and the seal travels in the case to every device. A device sends the sealed
 *   references it holds (`POST /api/references/claims`) before it pushes its outbox; the engine
 *   gives a case re-created from re-pushed actions the reference it was sealed with, and never
 *   issues a claimed number to anyone else. Without the key nobody can make a claim, so a hostile
 *   device can neither take another case's number nor burn numbers. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { formatReference, normalizeReference } from '../../../src/lib/domain/reference.js';
import type { Store } from '../store.js';

interface CounterDoc {
	_id: string;
	_rev?: string;
	type: string;
	year: number;
	value: number;
}

/** Numbers per second of the year the floor grows by: 3 × 31.6 million seconds stays within
 * eight digits (formatReference allows nine). Ten times the national volume is 0.06 a second, so
 * the counter outruns the floor only in a burst: 10,000 new cases at once put it 56 minutes ahead. */
export const FLOOR_PER_SECOND = 3;

/** The lowest number the counter of `year` may hand out at `at`. */
export function referenceFloor(year: number, at: Date): number {
	return Math.max(0, Math.floor(((at.getTime() - Date.UTC(year, 0, 1)) / 1000) * FLOOR_PER_SECOND));
}

/** The key that seals references, derived from the server's secrets key (never stored). */
export function referenceKey(secretsKey: Buffer): Buffer {
	return createHmac('sha256', secretsKey).update('tawasul/reference-seal/v1').digest();
}

function sealReference(key: Buffer, ref: string, caseKey: string): string {
	return createHmac('sha256', key).update(`${ref}\u0000${caseKey}`).digest('base64url').slice(0, 32);
}

export function isSealed(key: Buffer, ref: string, caseKey: string, seal: string): boolean {
	const expected = Buffer.from(sealReference(key, ref, caseKey));
	const given = Buffer.from(seal);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `26-000123-7` → { year: 2026, seq: 123 }. */
export function parseReference(ref: string): { year: number; seq: number } | null {
	if (normalizeReference(ref) !== ref) return null;
	const [yy, seq] = ref.split('-');
	return { year: 2000 + Number(yy), seq: Number(seq) };
}

/** `refclaim:<year>:<seq, nine digits>` → the case it was issued to; ids sort by number. */
export const claimDocId = (year: number, seq: number) => `refclaim:${year}:${String(seq).padStart(9, '0')}`;
/** `refcase:<case_key>` → the reference it was issued. */
export const claimByCaseDocId = (caseKey: string) => `refcase:${caseKey}`;

export class ReferenceCounters {
	private readonly counters = new Map<number, CounterDoc>();
	/** Claimed numbers above each year's counter: skipped when allocating. */
	private readonly claimedAbove = new Map<number, Set<number>>();
	/** Case key → its claimed reference, for the cases of the batch under way. */
	private claimed = new Map<string, string>();
	private readonly key: Buffer | null;

	constructor(
		private readonly store: Store,
		secretsKey?: Buffer | null
	) {
		this.key = secretsKey ? referenceKey(secretsKey) : null;
	}

	/** Starts a batch: `next` allocates, `commit` saves what was allocated. */
	begin(timeZone: string) {
		const dirty = new Map<number, CounterDoc>();
		const { counters, claimedAbove, claimed } = this;
		return {
			next: (at: Date, caseKey?: string): string => {
				const own = caseKey ? claimed.get(caseKey) : undefined;
				if (own) return own;
				const year = Number(localDateOf(at, timeZone).slice(0, 4));
				const counter = counters.get(year);
				if (!counter) throw new Error(`reference counter for ${year} not loaded`);
				const skip = claimedAbove.get(year) ?? new Set<number>();
				let value = Math.max(counter.value + 1, referenceFloor(year, at));
				while (skip.has(value)) value++;
				counter.value = value;
				dirty.set(year, counter);
				return formatReference(year, value);
			},
			/** Where the counters stand now, for `rewind`. */
			mark: (): Map<number, number> => new Map([...counters].map(([year, counter]) => [year, counter.value])),
			/** Takes back the numbers allocated since `mark`: the action that took them was not
			 * applied, and nothing has been saved since (allocation and decision are one step). */
			rewind: (mark: Map<number, number>): void => {
				for (const [year, value] of mark) {
					const counter = counters.get(year);
					if (counter) counter.value = value;
				}
			},
			commit: async () => {
				for (const counter of dirty.values()) {
					const result = await this.store.use<CounterDoc>(DB.ENGINE).insert(counter);
					counter._rev = result.rev;
				}
			}
		};
	}

	/** The seal of a case's reference, or undefined without a key (tests that build an engine bare). */
	seal(ref: string, caseKey: string): string | undefined {
		return this.key ? sealReference(this.key, ref, caseKey) : undefined;
	}

	/** Loads the counters of the years a batch may need (this year and, near New Year, the next),
	 * the numbers claimed above them, and the claimed references of the batch's new cases. */
	async load(years: number[], newCaseKeys: string[] = []): Promise<void> {
		await this.store.ensureDb(DB.ENGINE);
		const db = this.store.use<CounterDoc>(DB.ENGINE);
		const missing = years.filter((y) => !this.counters.has(y));
		if (missing.length > 0) {
			const result = await db.fetch({ keys: missing.map((y) => `counter:ref:${y}`) });
			for (const [i, year] of missing.entries()) {
				const row = result.rows[i];
				const doc = 'doc' in row && row.doc ? (row.doc as CounterDoc) : null;
				this.counters.set(year, doc ?? { _id: `counter:ref:${year}`, type: DOC_TYPES.COUNTER, year, value: 0 });
			}
		}
		for (const year of years) await this.loadClaimedAbove(year);
		this.claimed = await this.claimsOf(newCaseKeys);
	}

	private async loadClaimedAbove(year: number): Promise<void> {
		const from = claimDocId(year, (this.counters.get(year)?.value ?? 0) + 1);
		const query = new URLSearchParams({ startkey: JSON.stringify(from), endkey: JSON.stringify(`refclaim:${year}:\uffff`) });
		const response = await this.store.fetch(`/${DB.ENGINE}/_all_docs?${query}`);
		if (!response.ok) throw new Error(`reading reference claims answered ${response.status}`);
		const { rows } = (await response.json()) as { rows: { id: string }[] };
		this.claimedAbove.set(year, new Set(rows.map((row) => Number(row.id.split(':')[2]))));
	}

	private async claimsOf(caseKeys: string[]): Promise<Map<string, string>> {
		const found = new Map<string, string>();
		if (caseKeys.length === 0) return found;
		const result = await this.store.use<{ ref: string }>(DB.ENGINE).fetch({ keys: caseKeys.map(claimByCaseDocId) });
		for (const [i, row] of result.rows.entries()) {
			if ('doc' in row && row.doc?.ref) found.set(caseKeys[i], row.doc.ref);
		}
		return found;
	}

	/** Forget cached counters (after losing the lease, another instance moved them). */
	reset(): void {
		this.counters.clear();
		this.claimedAbove.clear();
	}
}
