/** The coordinator's edits of `config` documents, validated and turned into the stored shape
 * (docs/design.md, `config`). Pure: the routes do the reading and writing. */
import {
	CASE_TYPES,
	DOC_TYPES,
	ID_PATTERN,
	IDENTITY_LEVELS,
	type CaseType,
	type CategoryDoc,
	type EntityDoc,
	type HolidayDay,
	type HolidaysDoc,
	type SettingsDoc
} from '../../../src/lib/domain/doc-types.js';
import { TawasulError, type ErrorCode } from '../../../src/lib/domain/errors.js';
import { HOLIDAY_LIMITS, readHolidayFile, type FileProblem } from '../../../src/lib/domain/holiday-import.js';
import type { IcsEvent } from '../../../src/lib/domain/ical.js';
import { isSmsTextKey, placeholdersIn, SMS_TEXTS } from '../../../src/lib/domain/sms-texts.js';
import { Fields, required } from './fields.js';

const LIMITS = {
	name: { min: 2, max: 120 },
	responseDays: { min: 1, max: 60 },
	year: HOLIDAY_LIMITS.year,
	holidaysPerYear: HOLIDAY_LIMITS.perYear,
	smsText: 480
} as const;

export interface SmsTemplateDoc {
	_id: string;
	type: 'sms_template';
	key: string;
	text_ar: string;
	text_en: string;
	updated_at: string;
}

export const entityDocId = (id: string) => `entity:${id}`;
export const categoryDocId = (id: string) => `category:${id}`;
export const holidaysDocId = (year: number) => `holidays:${year}`;
export const smsTemplateDocId = (key: string) => `sms_template:${key}`;
export const SETTINGS_ID = 'settings';

const names = (fields: Fields, optional: boolean) => ({
	name_ar: fields.text('name_ar', { ...LIMITS.name, optional }),
	name_en: fields.text('name_en', { ...LIMITS.name, optional })
});

/** A new entity, or the changed fields of one (`current` given). */
export function entityFrom(body: unknown, current: EntityDoc | null): EntityDoc {
	const fields = new Fields(body, current ? ['name_ar', 'name_en', 'active'] : ['entity_id', 'name_ar', 'name_en', 'active']);
	const id = current ? current.entity_id : fields.text('entity_id', { max: 63, pattern: ID_PATTERN });
	const { name_ar, name_en } = names(fields, current !== null);
	const active = fields.boolean('active', { optional: true });
	fields.done();
	const entityId = required(id, 'entity_id');
	return {
		...(current ?? {}),
		_id: entityDocId(entityId),
		type: DOC_TYPES.ENTITY,
		entity_id: entityId,
		name_ar: required(name_ar ?? current?.name_ar, 'name_ar'),
		name_en: required(name_en ?? current?.name_en, 'name_en'),
		active: active ?? current?.active ?? true
	};
}

/** A new category or the changed fields of one; `entityOk` says whether an entity may take cases. */
export function categoryFrom(body: unknown, current: CategoryDoc | null, entityOk: (id: string) => boolean): CategoryDoc {
	const allowed = ['entity_id', 'name_ar', 'name_en', 'case_types', 'public_place', 'identity'];
	const fields = new Fields(body, current ? allowed : ['category_id', ...allowed]);
	const id = current ? current.category_id : fields.text('category_id', { max: 63, pattern: ID_PATTERN });
	const entity = fields.text('entity_id', { max: 63, optional: current !== null });
	if (entity !== undefined && !entityOk(entity)) fields.fail('entity_id', 'unknown_entity');
	const { name_ar, name_en } = names(fields, current !== null);
	const caseTypes = fields.listOf<CaseType>('case_types', CASE_TYPES, { min: 1, max: CASE_TYPES.length, optional: current !== null });
	// Reports of a public place: nearby open cases are shown before filing and may be followed (issue 15).
	const publicPlace = fields.boolean('public_place', { optional: true });
	// What staff are shown of who filed (issue 14, identity levels).
	const identity = fields.oneOf('identity', IDENTITY_LEVELS, { optional: true });
	fields.done();
	const categoryId = required(id, 'category_id');
	return {
		...(current ?? {}),
		_id: categoryDocId(categoryId),
		type: DOC_TYPES.CATEGORY,
		category_id: categoryId,
		entity_id: required(entity ?? current?.entity_id, 'entity_id'),
		name_ar: required(name_ar ?? current?.name_ar, 'name_ar'),
		name_en: required(name_en ?? current?.name_en, 'name_en'),
		case_types: required(caseTypes ?? current?.case_types, 'case_types'),
		public_place: publicPlace ?? current?.public_place ?? false,
		identity: identity ?? current?.identity ?? 'named'
	};
}

/** The category → entity table as a whole: `{ routes: { <category_id>: <entity_id> } }`. */
export function routesFrom(body: unknown, categoryOk: (id: string) => boolean, entityOk: (id: string) => boolean): Map<string, string> {
	const fields = new Fields(body, ['routes']);
	const routes = fields.raw('routes');
	const out = new Map<string, string>();
	if (typeof routes !== 'object' || routes === null || Array.isArray(routes) || Object.keys(routes).length === 0) {
		fields.fail('routes', 'required');
	} else {
		for (const [category, entity] of Object.entries(routes)) {
			if (!categoryOk(category)) fields.fail(`routes.${category}`, 'unknown_category');
			else if (typeof entity !== 'string' || !entityOk(entity)) fields.fail(`routes.${category}`, 'unknown_entity');
			else out.set(category, entity);
		}
	}
	fields.done();
	return out;
}

/** An IANA zone name, as this runtime's Intl knows them. */
export function isTimeZone(zone: string): boolean {
	if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** The settings with the given fields changed; fields not sent keep their value, and fields this
 * API does not manage (added by other features) are kept as they are. */
export function settingsFrom(body: unknown, current: SettingsDoc): SettingsDoc {
	const fields = new Fields(body, ['response_days', 'time_zone', 'weekend', 'transfer_restarts_clock', 'low_rating_threshold']);
	const responseDays = fields.integer('response_days', { ...LIMITS.responseDays, optional: true });
	const zone = fields.text('time_zone', { max: 64, optional: true });
	if (zone !== undefined && !isTimeZone(zone)) fields.fail('time_zone', 'invalid_time_zone');
	// At least one working day, or no due date could ever be reached.
	const weekend = fields.listOf('weekend', [0, 1, 2, 3, 4, 5, 6] as const, { min: 0, max: 6, optional: true });
	const restarts = fields.boolean('transfer_restarts_clock', { optional: true });
	const lowRating = fields.integer('low_rating_threshold', { min: 1, max: 5, optional: true });
	fields.done();
	const next: SettingsDoc & { low_rating_threshold?: number } = { ...current, _id: SETTINGS_ID, type: DOC_TYPES.SETTINGS };
	if (responseDays !== undefined) next.response_days = responseDays;
	if (zone !== undefined) next.time_zone = zone;
	if (weekend !== undefined) next.weekend = [...weekend].sort((a, b) => a - b);
	if (restarts !== undefined) next.transfer_restarts_clock = restarts;
	if (lowRating !== undefined) next.low_rating_threshold = lowRating;
	return next;
}

export function yearFrom(text: string): number {
	const year = Number(text);
	if (!/^\d{4}$/.test(text) || year < LIMITS.year.min || year > LIMITS.year.max) {
		throw new TawasulError(400, 'out_of_range', [{ field: 'year', code: 'out_of_range', params: { ...LIMITS.year } }]);
	}
	return year;
}

function isDateIn(date: unknown, year: number): date is string {
	if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number(date.slice(0, 4)) !== year) return false;
	const parsed = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** One year's public holidays, replacing the list: `{ days: [{ date, name_ar, name_en }] }`. */
export function holidaysFrom(body: unknown, year: number): HolidaysDoc {
	const fields = new Fields(body, ['days']);
	const raw = fields.raw('days');
	const days: HolidayDay[] = [];
	if (!Array.isArray(raw)) fields.fail('days', 'required');
	else if (raw.length > LIMITS.holidaysPerYear) fields.fail('days', 'out_of_range', { min: 0, max: LIMITS.holidaysPerYear });
	else {
		raw.forEach((day, i) => {
			if (typeof day !== 'object' || day === null || Array.isArray(day)) {
				fields.fail(`days.${i}`, 'invalid_format');
				return;
			}
			const item = new Fields(day, ['date', 'name_ar', 'name_en']);
			const date = item.raw('date');
			if (!isDateIn(date, year)) fields.fail(`days.${i}.date`, 'invalid_date');
			else if (days.some((d) => d.date === date)) fields.fail(`days.${i}.date`, 'already_exists');
			const { name_ar, name_en } = names(item, false);
			try {
				item.done();
				if (isDateIn(date, year)) days.push({ date, name_ar: required(name_ar, 'name_ar'), name_en: required(name_en, 'name_en') });
			} catch (error) {
				for (const f of (error as TawasulError).fields) fields.fail(`days.${i}.${f.field}`, f.code, f.params);
			}
		});
	}
	fields.done();
	days.sort((a, b) => a.date.localeCompare(b.date));
	return { _id: holidaysDocId(year), type: DOC_TYPES.HOLIDAYS, year, days };
}

const FILE_PROBLEM_ERRORS: Record<FileProblem, [ErrorCode, Record<string, number | string>?]> = {
	too_large: ['file_too_large', { max: `${HOLIDAY_LIMITS.fileBytes / 1024} KB` }],
	not_calendar: ['invalid_format'],
	no_events: ['calendar_empty'],
	too_many_events: ['too_many_events', { max: HOLIDAY_LIMITS.events }],
	too_many_days: ['calendar_too_many_days', { max: HOLIDAY_LIMITS.daysPerImport }]
};

/** An iCalendar file of public holidays to preview or import: `{ ics, apply }`. The file is read
 * by the same code as the coordinator's preview (src/lib/domain/holiday-import.ts); `lastYear` is
 * where open-ended yearly repeats stop (lastYearToFill). */
export function holidayImportFrom(body: unknown, timeZone: string, lastYear: number): { events: IcsEvent[]; years: number[]; apply: boolean } {
	const fields = new Fields(body, ['ics', 'apply']);
	const raw = fields.raw('ics');
	const apply = fields.boolean('apply');
	if (typeof raw !== 'string' || raw.trim() === '') fields.fail('ics', 'required');
	const file = typeof raw === 'string' && raw.trim() !== '' ? readHolidayFile(raw, timeZone, lastYear) : null;
	if (file?.problem) fields.fail('ics', ...FILE_PROBLEM_ERRORS[file.problem]);
	fields.done();
	if (!file || file.problem) throw new TawasulError(400, 'invalid_format');
	return { events: file.events, years: file.years, apply: required(apply, 'apply') };
}

/** One of the SMS texts (src/lib/domain/sms-texts.ts) in both languages. Both must use the same
 * `{placeholders}`, only those the text fills in, and those it cannot do without; otherwise one
 * language's message would go out with a hole, a literal `{ref}`, or without its link or code. */
export function smsTemplateFrom(key: string, body: unknown, at: string): SmsTemplateDoc {
	if (!isSmsTextKey(key)) throw new TawasulError(404, 'unknown_sms_text', [{ field: 'key', code: 'unknown_sms_text' }]);
	const fields = new Fields(body, ['text_ar', 'text_en']);
	const ar = fields.text('text_ar', { max: LIMITS.smsText });
	const en = fields.text('text_en', { max: LIMITS.smsText });
	const { placeholders: allowed, required: needed } = SMS_TEXTS[key];
	for (const [field, text] of [
		['text_ar', ar],
		['text_en', en]
	] as const) {
		if (text === undefined) continue;
		const used = placeholdersIn(text);
		const unknown = used.find((name) => !(allowed as readonly string[]).includes(name));
		const missing = (needed as readonly string[]).find((name) => !used.includes(name));
		if (unknown) fields.fail(field, 'placeholder_unknown', { placeholder: `{${unknown}}` });
		else if (missing) fields.fail(field, 'placeholder_missing', { placeholder: `{${missing}}` });
	}
	if (ar !== undefined && en !== undefined && !fields.failed) {
		const [inAr, inEn] = [new Set(placeholdersIn(ar)), new Set(placeholdersIn(en))];
		const odd = [...inAr].find((p) => !inEn.has(p)) ?? [...inEn].find((p) => !inAr.has(p));
		if (odd) fields.fail(inAr.has(odd) ? 'text_en' : 'text_ar', 'placeholder_mismatch', { placeholder: `{${odd}}` });
	}
	fields.done();
	return { _id: smsTemplateDocId(key), type: DOC_TYPES.SMS_TEMPLATE, key, text_ar: required(ar, 'text_ar'), text_en: required(en, 'text_en'), updated_at: at };
}

/** The fields whose values differ, for the audit entry. */
export function changedFields(before: object | null, after: object, skip: readonly string[] = ['_id', '_rev', 'type']): Record<string, { from: unknown; to: unknown }> {
	const out: Record<string, { from: unknown; to: unknown }> = {};
	const a = (before ?? {}) as Record<string, unknown>;
	const b = after as Record<string, unknown>;
	for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
		if (skip.includes(key)) continue;
		if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out[key] = { from: a[key] ?? null, to: b[key] ?? null };
	}
	return out;
}
