/** One CSV row → one case document, or the reason it cannot be one. Pure apart from the
 * resolver it is given (which knows the catalogue); the importer does all reading and writing. */
import { createHash } from 'node:crypto';
import { CASE_TYPES, caseDocId, DOC_TYPES, type CaseDoc, type CaseStatus, type CaseType, type TimelineEntry, LEGACY_CITIZEN_ID } from '../../../src/lib/domain/doc-types.js';
import { uuidFromHash } from '../../../src/lib/domain/uuid.js';
import type { CsvRecord } from './csv.js';
import { dateParser, type DateParser } from './dates.js';
import { mappedColumns, MappingError, type FieldSpec, type Mapping } from './mapping.js';

/** The author recorded for what happened in the old system; no person of Tawasul has this id
 * (theirs are 'c'/'s' + hex), and imported cases are never projected to a person. */
const LEGACY_AUTHOR = LEGACY_CITIZEN_ID;

export type RejectCode =
	| 'broken_row'
	| 'field_count'
	| 'invalid_encoding'
	| 'missing_id'
	| 'duplicate_id'
	| 'missing_date'
	| 'invalid_date'
	| 'impossible_date'
	| 'closed_before_created'
	| 'unknown_entity'
	| 'unknown_category'
	| 'unknown_status'
	| 'unknown_case_type'
	| 'invalid_location'
	| 'write_failed';

export interface Rejection {
	line: number;
	code: RejectCode;
	detail: string;
	row_id?: string;
}

/** A case that came from a legacy system, and which row it was. */
export type ImportedCase = CaseDoc & { source: { system: string; row_id: string } };

export interface Resolver {
	/** The entity id a source value stands for, or null when unknown (and not to be created). */
	entity(value: string): string | null;
	/** The category id for a source value (null: the file has none) at that entity. */
	category(entityId: string, value: string | null): { id: string } | { error: string };
	/** The national due date of a case routed at `createdIso` (when the file has no target date). */
	dueFrom(createdIso: string): string;
}

export type RowResult = { ok: true; doc: ImportedCase } | { ok: false; rejection: Rejection };

/** A uuid (version 5 layout) from the source and row id: the same row always names the same case. */
export function legacyCaseKey(source: string, rowId: string): string {
	return uuidFromHash(createHash('sha256').update(`${source}\u0000${rowId}`).digest('hex'), 5);
}

class Reject extends Error {
	constructor(
		readonly code: RejectCode,
		readonly detail: string
	) {
		super(detail);
	}
}

export class RowReader {
	private readonly index = new Map<string, number>();
	private readonly dates = new Map<string, DateParser>();
	private readonly seen = new Set<string>();

	constructor(
		private readonly mapping: Mapping,
		private readonly header: string[],
		timeZone: string,
		private readonly resolver: Resolver
	) {
		header.forEach((name, i) => {
			if (!this.index.has(name.trim())) this.index.set(name.trim(), i);
		});
		const missing = mappedColumns(mapping).filter((c) => !this.index.has(c));
		if (missing.length) throw new MappingError(`column(s) not in the file's header: ${missing.join(', ')}`);
		for (const name of ['created', 'closed', 'due'] as const) {
			const s = mapping[name];
			if (!s) continue;
			// parseMapping refuses a date field without its format; a mapping made elsewhere may not.
			if (!s.format) throw new MappingError(`"${name}" is a date: it needs "column" and "format"`);
			this.dates.set(name, dateParser(s.format, mapping.time_zone ?? timeZone));
		}
	}

	read(record: CsvRecord): RowResult {
		let rowId: string | undefined;
		try {
			if (record.error) throw new Reject('broken_row', record.error);
			if (record.fields.length !== this.header.length) {
				throw new Reject('field_count', `expected ${this.header.length} fields, found ${record.fields.length}`);
			}
			const bad = record.fields.findIndex((f) => f.includes('\uFFFD'));
			if (bad >= 0) throw new Reject('invalid_encoding', `column "${this.header[bad]}" is not valid in this encoding (try --encoding windows-1256)`);
			rowId = this.get(record, this.mapping.id);
			if (!rowId) throw new Reject('missing_id', `no value in "${this.mapping.id.column}"`);
			if (this.seen.has(rowId)) throw new Reject('duplicate_id', `row id ${rowId} appears earlier in the file`);
			this.seen.add(rowId);
			return { ok: true, doc: this.build(record, rowId) };
		} catch (error) {
			if (!(error instanceof Reject)) throw error;
			return { ok: false, rejection: { line: record.line, code: error.code, detail: error.detail, ...(rowId ? { row_id: rowId } : {}) } };
		}
	}

	private get(record: CsvRecord, spec: FieldSpec | undefined): string {
		if (!spec) return '';
		if (spec.value !== undefined) return spec.value;
		// Every mapped column was found in the header when the reader was made.
		const at = spec.column === undefined ? undefined : this.index.get(spec.column);
		return at === undefined ? '' : (record.fields[at] ?? '').trim();
	}

	private date(record: CsvRecord, name: 'created' | 'closed' | 'due'): string | null {
		const spec = this.mapping[name];
		const raw = this.get(record, spec);
		if (!raw || !spec) return null;
		// Made in the constructor for every date field the mapping has.
		const parse = this.dates.get(name);
		if (!parse) throw new Error(`no date parser for the mapped field "${name}"`);
		const result = parse(raw);
		if (!result.ok) throw new Reject(result.code, `${name} (${spec.column}): ${result.detail}`);
		return result.iso;
	}

	private translate(record: CsvRecord, spec: FieldSpec | undefined): string {
		const raw = this.get(record, spec);
		return spec?.values && Object.hasOwn(spec.values, raw) ? spec.values[raw] : raw;
	}

	private build(record: CsvRecord, rowId: string): ImportedCase {
		const { mapping } = this;
		const created = this.date(record, 'created');
		if (!created) throw new Reject('missing_date', `no created date in "${mapping.created.column}"`);
		const closed = this.date(record, 'closed');
		if (closed && closed < created) throw new Reject('closed_before_created', `closed ${closed} before created ${created}`);
		const due = mapping.due ? this.date(record, 'due') : this.resolver.dueFrom(created);

		const entityValue = this.translate(record, mapping.entity);
		const entityId = entityValue ? this.resolver.entity(entityValue) : null;
		if (!entityId) throw new Reject('unknown_entity', `entity "${entityValue}" is not in the catalogue (--create-entities adds it)`);
		const category = this.resolver.category(entityId, this.translate(record, mapping.category) || null);
		if ('error' in category) throw new Reject('unknown_category', category.error);

		const caseType = (mapping.case_type ? this.translate(record, mapping.case_type) : 'complaint') as CaseType;
		if (!CASE_TYPES.includes(caseType)) throw new Reject('unknown_case_type', `case type "${caseType}"`);
		const status = this.status(record, closed);
		const location = this.location(record);
		const text = this.get(record, mapping.text);
		const subject = this.get(record, mapping.subject) || Array.from(text).slice(0, 80).join('');
		const reply = this.get(record, mapping.reply);
		const caseKey = legacyCaseKey(mapping.source, rowId);
		const entry = (kind: TimelineEntry['kind'], at: string, body?: string): TimelineEntry => ({
			action_id: `import:${mapping.source}:${rowId}:${kind}`,
			kind,
			at,
			author_role: kind === 'submit' ? 'citizen' : 'agent',
			author_id: LEGACY_AUTHOR,
			...(body ? { body } : {})
		});
		const timeline = [entry('submit', created)];
		// The closing date is the entity's answer (the first reply stops the clock); a case closed
		// with no date gets no invented moment.
		if (closed) timeline.push(entry('reply', closed, reply || undefined));
		if (closed && status === 'closed') timeline.push(entry('close', closed));
		return {
			_id: caseDocId(caseKey),
			type: DOC_TYPES.CASE,
			case_key: caseKey,
			// The legacy reference is what the citizen was given; keep it.
			ref: rowId,
			case_type: caseType,
			status,
			entity_id: entityId,
			category_id: category.id,
			subject,
			body: text,
			location,
			locale: mapping.locale ?? (/[\u0600-\u06FF]/.test(subject + text) ? 'ar' : 'en'),
			citizen_id: LEGACY_AUTHOR,
			created_at: created,
			routed_at: created,
			updated_at: closed ?? created,
			// due_at null: the source had no target date for this row (see stats/facts.ts, no_due).
			sla: { started_at: created, due_at: due as string, paused_at: null, stopped_at: closed, paused_ms: 0 },
			timeline,
			applied: [],
			rejected: [],
			version: 1,
			source: { system: mapping.source, row_id: rowId }
		};
	}

	private status(record: CsvRecord, closed: string | null): CaseStatus {
		const spec = this.mapping.status;
		const fallback: CaseStatus = closed ? 'closed' : 'open';
		if (!spec) return fallback;
		const raw = this.get(record, spec);
		if (spec.values && Object.hasOwn(spec.values, raw)) return spec.values[raw] as CaseStatus;
		if (spec.value !== undefined) return spec.value as CaseStatus;
		if (raw === '') return fallback;
		throw new Reject('unknown_status', `status "${raw}" is not in the mapping's "values"`);
	}

	private location(record: CsvRecord): CaseDoc['location'] {
		if (!this.mapping.location) return null;
		const lat = this.get(record, { column: this.mapping.location.lat });
		const lng = this.get(record, { column: this.mapping.location.lng });
		if (!lat && !lng) return null;
		const point = { lat: Number(lat), lng: Number(lng) };
		if (!(Math.abs(point.lat) <= 90 && Math.abs(point.lng) <= 180) || !lat || !lng) {
			throw new Reject('invalid_location', `"${lat}", "${lng}" is not a latitude and longitude`);
		}
		return point;
	}
}
