/** The column mapping of a legacy CSV (`npm run import -- --map mapping.json file.csv`), checked
 * whole before the first row is read so that a typo stops the import with its name, not halfway.
 * docs/import/README.md documents the format; tests/fixtures/import/ holds real examples. */
import { CASE_STATUSES, CASE_TYPES, ID_PATTERN } from '../../../src/lib/domain/doc-types.js';

/** A field comes from a column (optionally translated through `values`) or is one `value`. */
export interface FieldSpec {
	column?: string;
	value?: string;
	/** Dates only: the format of the column ('YYYY-MM-DD HH:mm:ss', 'iso', …; see dates.ts). */
	format?: string;
	/** Source value → Tawasul value (entity id, category id, status, case type). */
	values?: Record<string, string>;
}

export interface Mapping {
	/** Name of the legacy system; with the row id it names the case, so a second run finds it. */
	source: string;
	/** Zone of the file's wall-clock times; the national one by default. */
	time_zone?: string;
	delimiter?: string;
	encoding?: string;
	locale?: 'ar' | 'en';
	id: FieldSpec;
	created: FieldSpec;
	closed?: FieldSpec;
	/** The target date. Mapped: a row without one has no due date. Not mapped: the national
	 * response period from `created`, as for a case filed today. */
	due?: FieldSpec;
	entity: FieldSpec;
	category?: FieldSpec;
	case_type?: FieldSpec;
	status?: FieldSpec;
	subject?: FieldSpec;
	text?: FieldSpec;
	/** The entity's reply, kept on the case's timeline. */
	reply?: FieldSpec;
	location?: { lat: string; lng: string };
}

export class MappingError extends Error {}

const FIELDS = ['id', 'created', 'closed', 'due', 'entity', 'category', 'case_type', 'status', 'subject', 'text', 'reply'] as const;
const DATE_FIELDS = new Set(['created', 'closed', 'due']);
const KNOWN = new Set<string>([...FIELDS, 'source', 'time_zone', 'delimiter', 'encoding', 'locale', 'location', '$comment']);

function spec(name: string, raw: unknown): FieldSpec | undefined {
	if (raw === undefined) return undefined;
	const given: unknown = typeof raw === 'string' ? { column: raw } : raw;
	if (typeof given !== 'object' || given === null) throw new MappingError(`"${name}" must be a column name or { column | value, … }`);
	// Read from the mapping file: any key may hold anything until checked below.
	const s: { [K in keyof FieldSpec]?: unknown } = given;
	if (Boolean(s.column) === (s.value !== undefined)) throw new MappingError(`"${name}" needs exactly one of "column" and "value"`);
	if (DATE_FIELDS.has(name)) {
		if (!s.column || !s.format) throw new MappingError(`"${name}" is a date: it needs "column" and "format"`);
	} else if (s.format) throw new MappingError(`"${name}" is not a date and takes no "format"`);
	if (s.values && (typeof s.values !== 'object' || Object.values(s.values).some((v) => typeof v !== 'string'))) {
		throw new MappingError(`"${name}.values" must map source values to strings`);
	}
	return s as FieldSpec;
}

function checkValues(name: string, s: FieldSpec | undefined, allowed: readonly string[]): void {
	if (!s) return;
	const targets = [...Object.values(s.values ?? {}), ...(s.value !== undefined ? [s.value] : [])];
	const bad = targets.filter((v) => !allowed.includes(v));
	if (bad.length) throw new MappingError(`"${name}" maps to ${bad.map((b) => `"${b}"`).join(', ')}; allowed: ${allowed.join(', ')}`);
}

export function parseMapping(raw: unknown): Mapping {
	if (typeof raw !== 'object' || raw === null) throw new MappingError('the mapping must be a JSON object');
	const input = raw as Record<string, unknown>;
	const unknown = Object.keys(input).filter((k) => !KNOWN.has(k));
	if (unknown.length) throw new MappingError(`unknown key(s): ${unknown.join(', ')}`);
	if (typeof input.source !== 'string' || !ID_PATTERN.test(input.source)) {
		throw new MappingError('"source" must name the legacy system in lower-case letters, digits, - or _');
	}
	const fields: Partial<Record<(typeof FIELDS)[number], FieldSpec>> = {};
	for (const name of FIELDS) {
		const s = spec(name, input[name]);
		if (s) fields[name] = s;
	}
	const need = (required: 'id' | 'created' | 'entity'): FieldSpec => {
		const s = fields[required];
		if (!s) throw new MappingError(`"${required}" is required`);
		return s;
	};
	const mapping: Mapping = { source: input.source, ...fields, id: need('id'), created: need('created'), entity: need('entity') };
	if (!mapping.id.column) throw new MappingError('"id" must be a column: the row id is what makes a second run find the case');
	checkValues('case_type', mapping.case_type, CASE_TYPES);
	checkValues('status', mapping.status, CASE_STATUSES);
	if (mapping.status && !mapping.status.values && mapping.status.column) {
		throw new MappingError('"status" needs "values": the legacy statuses mean nothing to Tawasul as they are');
	}
	if (input.location !== undefined) {
		const loc: { lat?: unknown; lng?: unknown } | null = input.location;
		if (typeof loc?.lat !== 'string' || typeof loc.lng !== 'string') throw new MappingError('"location" needs "lat" and "lng" columns');
		mapping.location = { lat: loc.lat, lng: loc.lng };
	}
	for (const key of ['time_zone', 'delimiter', 'encoding'] as const) {
		if (input[key] !== undefined && typeof input[key] !== 'string') throw new MappingError(`"${key}" must be a string`);
		if (input[key] !== undefined) mapping[key] = input[key];
	}
	if (input.locale !== undefined && input.locale !== 'ar' && input.locale !== 'en') throw new MappingError('"locale" must be "ar" or "en"');
	if (input.locale) mapping.locale = input.locale;
	return mapping;
}

/** The columns the mapping reads, to check against the file's header. */
export function mappedColumns(mapping: Mapping): string[] {
	const columns = FIELDS.flatMap((name) => {
		const column = mapping[name]?.column;
		return column ? [column] : [];
	});
	if (mapping.location) columns.push(mapping.location.lat, mapping.location.lng);
	return [...new Set(columns)];
}
