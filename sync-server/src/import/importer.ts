/** Streams a legacy CSV into `cases` and the statistics: read a chunk, decode it (any encoding
 * TextDecoder knows, Windows-1256 Arabic included), cut it into records, turn each into a case or
 * a rejection, and write in batches, waiting for each batch before reading on.
 *
 * A row is one case document, written whole by one `_bulk_docs` entry or not at all. Case ids come
 * from the source name and the row id, so a second run finds every case: unchanged ones are left
 * alone, changed ones are updated with a new version. Every case of a batch, written or unchanged,
 * then goes to the statistics, which skip what they already counted: a run cut short between the
 * two steps is completed by the next. */
import fs from 'node:fs';
import { DB, type CategoryDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import type { Store } from '../store.js';
import { StatsAggregator } from '../stats/aggregator.js';
import { CsvParser, type CsvRecord } from './csv.js';
import type { Mapping } from './mapping.js';
import { CatalogueResolver } from './resolver.js';
import { RowReader, type ImportedCase, type RejectCode, type Rejection } from './rows.js';
import { projectCase, type Projection } from '../engine/projections.js';
import { writeProjections } from '../engine/writer.js';

class ImportError extends Error {}

export interface Progress {
	bytes: number;
	total: number;
	rows: number;
	rejected: number;
}

export interface ImportOptions {
	mapping: Mapping;
	file: string;
	/** Overrides the mapping's; utf-8 by default. */
	encoding?: string;
	createEntities?: boolean;
	/** Check every row, write nothing. */
	dryRun?: boolean;
	batchSize?: number;
	stats?: StatsAggregator;
	onProgress?: (progress: Progress) => void;
	/** Every rejection as it happens (the summary keeps the first MAX_KEPT). */
	onRejection?: (rejection: Rejection) => void;
}

export interface ImportSummary {
	file: string;
	rows: number;
	created: number;
	updated: number;
	unchanged: number;
	rejected: number;
	rejected_by_code: Partial<Record<RejectCode, number>>;
	rejections: Rejection[];
	entities_created: string[];
	categories_created: string[];
	dry_run: boolean;
}

const MAX_KEPT = 1000;
const CHUNK_BYTES = 1 << 16;

/** Key order may differ between what we built and what the store gives back. */
function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value).filter(([k, v]) => v !== undefined && k !== '_rev' && k !== 'version');
		return `{${entries
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

export async function importCsv(store: Store, options: ImportOptions): Promise<ImportSummary> {
	const { mapping } = options;
	const encoding = options.encoding ?? mapping.encoding ?? 'utf-8';
	let decoder: TextDecoder;
	try {
		decoder = new TextDecoder(encoding);
	} catch {
		throw new ImportError(`unknown encoding "${encoding}" (for Arabic from Windows systems: windows-1256)`);
	}
	const total = fs.statSync(options.file).size;
	for (const db of [DB.CASES, DB.CONFIG]) await store.ensureDb(db);
	const catalogue = await new CatalogueSource(store).get();
	const resolver = new CatalogueResolver(catalogue, { create: !!options.createEntities, source: mapping.source });
	const stats = options.stats ?? new StatsAggregator(store);
	const summary: ImportSummary = {
		file: options.file,
		rows: 0,
		created: 0,
		updated: 0,
		unchanged: 0,
		rejected: 0,
		rejected_by_code: {},
		rejections: [],
		entities_created: resolver.created.entities,
		categories_created: resolver.created.categories,
		dry_run: !!options.dryRun
	};
	const reject = (rejection: Rejection) => {
		summary.rejected++;
		summary.rejected_by_code[rejection.code] = (summary.rejected_by_code[rejection.code] ?? 0) + 1;
		if (summary.rejections.length < MAX_KEPT) summary.rejections.push(rejection);
		options.onRejection?.(rejection);
	};

	const batchSize = options.batchSize ?? 500;
	// Made from the header, the first record; none yet until then.
	let reader: RowReader | undefined;
	let batch: { doc: ImportedCase; line: number }[] = [];
	let bytes = 0;
	const progress = () => options.onProgress?.({ bytes, total, rows: summary.rows, rejected: summary.rejected });

	const handle = async (record: CsvRecord) => {
		if (!reader) {
			if (record.error) throw new ImportError(`the header (line ${record.line}) cannot be read: ${record.error}`);
			if (record.fields.some((f) => f.includes('\uFFFD'))) {
				throw new ImportError(`the header is not valid ${encoding}: give the file's encoding with --encoding (Arabic from Windows systems: windows-1256)`);
			}
			reader = new RowReader(mapping, record.fields, catalogue.settings.time_zone, resolver);
			return;
		}
		summary.rows++;
		const result = reader.read(record);
		if (!result.ok) {
			reject(result.rejection);
			return;
		}
		batch.push({ doc: result.doc, line: record.line });
		if (batch.length >= batchSize) {
			const full = batch;
			batch = [];
			await writeBatch(store, stats, resolver, full, summary, reject, !!options.dryRun);
		}
	};

	const parser = new CsvParser({ delimiter: mapping.delimiter });
	for await (const chunk of fs.createReadStream(options.file, { highWaterMark: CHUNK_BYTES })) {
		bytes += (chunk as Buffer).length;
		for (const record of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) await handle(record);
		progress();
	}
	for (const record of [...parser.push(decoder.decode()), ...parser.end()]) await handle(record);
	if (!reader) throw new ImportError('the file is empty: not even a header');
	await writeBatch(store, stats, resolver, batch, summary, reject, !!options.dryRun);
	progress();
	return summary;
}

async function writeBatch(
	store: Store,
	stats: StatsAggregator,
	resolver: CatalogueResolver,
	batch: { doc: ImportedCase; line: number }[],
	summary: ImportSummary,
	reject: (r: Rejection) => void,
	dryRun: boolean
): Promise<void> {
	const fresh = resolver.takeNew();
	if (batch.length === 0 && fresh.length === 0) return;
	const counts = { created: 0, updated: 0, unchanged: 0 };
	const existing = await existingCases(
		store,
		batch.map((b) => b.doc._id)
	);

	const writes: { doc: ImportedCase; line: number }[] = [];
	const settled: ImportedCase[] = [];
	const wasOpen = new Set<string>();
	for (const item of batch) {
		const old = existing.get(item.doc._id);
		if (!old) {
			writes.push(item);
			counts.created++;
		} else if (!('source' in old)) {
			reject({ line: item.line, code: 'write_failed', detail: `${item.doc._id} exists and did not come from an import`, row_id: item.doc.source.row_id });
		} else if (stableJson(old) === stableJson(item.doc)) {
			settled.push(old);
			counts.unchanged++;
		} else {
			writes.push({ line: item.line, doc: { ...item.doc, _rev: old._rev, version: old.version + 1 } });
			if (old.status !== 'closed') wasOpen.add(old._id);
			counts.updated++;
		}
	}
	if (!dryRun) {
		// Entities and categories before the cases that name them; a conflict means another run
		// created the same entry, which is as good.
		if (fresh.length > 0) await store.use<EntityDoc | CategoryDoc>(DB.CONFIG).bulk({ docs: fresh });
		if (writes.length > 0) {
			const results = await store.use<ImportedCase>(DB.CASES).bulk({ docs: writes.map((w) => w.doc) });
			results.forEach((result, i) => {
				const { doc, line } = writes[i];
				// A write without an error always has its revision; one without either is not counted as written.
				if (result.error || result.rev === undefined) {
					reject({ line, code: 'write_failed', detail: `${result.error ?? 'no revision'}: ${result.reason ?? ''}`.trim(), row_id: doc.source.row_id });
					if (doc._rev) counts.updated--;
					else counts.created--;
				} else settled.push({ ...doc, _rev: result.rev });
			});
		}
		await writeProjections(store, staffCopies(settled, wasOpen));
		await stats.apply(settled);
	}
	summary.created += counts.created;
	summary.updated += counts.updated;
	summary.unchanged += counts.unchanged;
}

/** Open legacy cases go to their entity's database, so its staff carry on with them from the
 * inbox; closed ones stay in `cases` (history for the dashboard, not for every agent's device). A
 * case that was open and is now closed is projected too, so the copy already there follows.
 * The revision follows the case's version, so projecting an unchanged case again changes nothing.
 * Legacy cases have no citizen account: nothing goes to a person's database. */
function staffCopies(cases: ImportedCase[], wasOpen: Set<string>): Projection[] {
	return cases.filter((c) => c.status !== 'closed' || wasOpen.has(c._id)).flatMap((c) => projectCase(c).writes);
}

/** The cases already stored under these ids: first which exist (cheap, no bodies), then the
 * bodies of those only, since a first import finds none and a re-run finds all. */
async function existingCases(store: Store, ids: string[]): Promise<Map<string, ImportedCase>> {
	const existing = new Map<string, ImportedCase>();
	if (ids.length === 0) return existing;
	const db = store.use<ImportedCase>(DB.CASES);
	const index = await db.fetchRevs({ keys: ids });
	// The store's answer: a row's value may be missing, and says `deleted` for a deleted document.
	const present = index.rows.flatMap((row) => {
		const value = 'value' in row ? (row.value as { deleted?: boolean } | null | undefined) : undefined;
		return value && !value.deleted ? [row.key] : [];
	});
	if (present.length === 0) return existing;
	const found = await db.fetch({ keys: present });
	for (const row of found.rows) if ('doc' in row && row.doc) existing.set(row.doc._id, row.doc);
	return existing;
}
