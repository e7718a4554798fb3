import { describe, expect, it } from 'vitest';
import type { EntityDoc, SettingsDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { categoryFrom, changedFields, entityFrom, holidaysFrom, isTimeZone, settingsFrom, smsTemplateFrom } from './config-docs.js';

const SETTINGS: SettingsDoc = { _id: 'settings', type: 'settings', response_days: 5, time_zone: 'Asia/Bahrain', weekend: [5, 6], transfer_restarts_clock: false };

function fieldsOf(fn: () => unknown) {
	try {
		fn();
	} catch (error) {
		if (error instanceof TawasulError) return error.fields.map((f) => `${f.field}:${f.code}`);
		throw error;
	}
	return [];
}

describe('settings', () => {
	it('changes only what is sent and keeps fields other features added', () => {
		const current = { ...SETTINGS, low_rating_threshold: 2 } as SettingsDoc;
		expect(settingsFrom({ response_days: 10, weekend: [6, 5] }, current)).toEqual({ ...current, response_days: 10, weekend: [5, 6] });
	});

	it('reports every problem at once', () => {
		expect(fieldsOf(() => settingsFrom({ response_days: 61, time_zone: 'Nowhere/Land', weekend: 'fri', extra: 1 }, SETTINGS))).toEqual([
			'extra:invalid_format',
			'response_days:out_of_range',
			'time_zone:invalid_time_zone',
			'weekend:invalid_format'
		]);
	});

	it.each([
		['Asia/Bahrain', true],
		['UTC', true],
		['America/Argentina/Buenos_Aires', true],
		['Asia/Nowhere', false],
		['', false],
		['Asia/../x', false]
	])('time zone %s → %s', (zone, ok) => {
		expect(isTimeZone(zone)).toBe(ok);
	});
});

describe('entities and categories', () => {
	it('creates with defaults and updates only the given fields', () => {
		const created = entityFrom({ entity_id: 'ports', name_ar: 'الموانئ', name_en: ' Ports ' }, null);
		expect(created).toEqual({ _id: 'entity:ports', type: 'entity', entity_id: 'ports', name_ar: 'الموانئ', name_en: 'Ports', active: true });
		expect(entityFrom({ active: false }, created as EntityDoc)).toEqual({ ...created, active: false });
		expect(fieldsOf(() => entityFrom({ entity_id: 'x', name_ar: 'a' }, created as EntityDoc))).toEqual(['entity_id:invalid_format', 'name_ar:too_short']);
	});

	it('routes a category only to an active entity', () => {
		const ok = (id: string) => id === 'works';
		expect(categoryFrom({ category_id: 'c', entity_id: 'works', name_ar: 'تصنيف', name_en: 'Cat', case_types: ['complaint'] }, null, ok).entity_id).toBe('works');
		expect(fieldsOf(() => categoryFrom({ category_id: 'c', entity_id: 'gone', name_ar: 'تصنيف', name_en: 'Cat', case_types: [] }, null, ok))).toEqual([
			'entity_id:unknown_entity',
			'case_types:out_of_range'
		]);
	});

	it('marks a category as a public place, keeps the mark through other edits, and takes only a boolean (issue 15)', () => {
		const ok = (id: string) => id === 'works';
		const created = categoryFrom({ category_id: 'c', entity_id: 'works', name_ar: 'تصنيف', name_en: 'Cat', case_types: ['complaint'] }, null, ok);
		expect(created.public_place).toBe(false);
		const marked = categoryFrom({ public_place: true }, created, ok);
		expect(marked.public_place).toBe(true);
		expect(categoryFrom({ name_en: 'Roads' }, marked, ok).public_place).toBe(true);
		expect(categoryFrom({ public_place: false }, marked, ok).public_place).toBe(false);
		expect(fieldsOf(() => categoryFrom({ public_place: 'yes' }, marked, ok))).toEqual(['public_place:invalid_format']);
	});

	it('sets what staff see of who filed, named unless changed, and takes only a known level (issue 14)', () => {
		const ok = (id: string) => id === 'works';
		const created = categoryFrom({ category_id: 'c', entity_id: 'works', name_ar: 'تصنيف', name_en: 'Cat', case_types: ['complaint'] }, null, ok);
		expect(created.identity).toBe('named');
		const hidden = categoryFrom({ identity: 'contact_hidden' }, created, ok);
		expect(hidden.identity).toBe('contact_hidden');
		expect(categoryFrom({ name_en: 'Conduct' }, hidden, ok).identity).toBe('contact_hidden');
		expect(categoryFrom({ identity: 'anonymous' }, hidden, ok).identity).toBe('anonymous');
		expect(fieldsOf(() => categoryFrom({ identity: 'secret' }, hidden, ok))).toEqual(['identity:invalid_format']);
	});
});

describe('holidays and SMS texts', () => {
	it("sorts a year's holidays and refuses dates outside it, impossible ones and duplicates", () => {
		const days = [
			{ date: '2027-12-16', name_ar: 'العيد الوطني', name_en: 'National Day' },
			{ date: '2027-01-01', name_ar: 'رأس السنة', name_en: 'New Year' }
		];
		expect(holidaysFrom({ days }, 2027).days.map((d) => d.date)).toEqual(['2027-01-01', '2027-12-16']);
		expect(fieldsOf(() => holidaysFrom({ days: [{ ...days[0], date: '2027-02-29' }, { ...days[0], date: '2026-05-01' }, days[0], days[0]] }, 2027))).toEqual([
			'days.0.date:invalid_date',
			'days.1.date:invalid_date',
			'days.3.date:already_exists'
		]);
	});

	it('keeps the placeholders of both languages in step, known, and complete', () => {
		expect(smsTemplateFrom('sign_in_code', { text_ar: 'رمزك {code}', text_en: 'Your code {code}' }, '2026-01-01T00:00:00Z').key).toBe('sign_in_code');
		expect(fieldsOf(() => smsTemplateFrom('rating_invite', { text_ar: 'قيّم {link}', text_en: 'Rate {ref}: {link}' }, ''))).toEqual(['text_ar:placeholder_mismatch']);
		expect(fieldsOf(() => smsTemplateFrom('sign_in_code', { text_ar: 'رمزك {code} {link}', text_en: 'Your code {code}' }, ''))).toEqual(['text_ar:placeholder_unknown']);
		expect(fieldsOf(() => smsTemplateFrom('sign_in_code', { text_ar: 'رمزك', text_en: 'Your code' }, ''))).toEqual(['text_ar:placeholder_missing', 'text_en:placeholder_missing']);
		expect(fieldsOf(() => smsTemplateFrom('rating.invite', { text_ar: 'a {link}', text_en: 'b {link}' }, ''))).toEqual(['key:unknown_sms_text']);
		expect(fieldsOf(() => smsTemplateFrom('constructor', { text_ar: 'a', text_en: 'b' }, ''))).toEqual(['key:unknown_sms_text']);
	});

	it('lets the citizen notices be reworded, never without the reference number (issue 16)', () => {
		expect(smsTemplateFrom('notice_transferred', { text_ar: 'طلبك {ref} لدى {entity}', text_en: 'Case {ref} is with {entity}' }, '').key).toBe('notice_transferred');
		expect(smsTemplateFrom('notice_interim_reply', { text_ar: 'جديد في {ref}', text_en: 'News on {ref}' }, '').key).toBe('notice_interim_reply');
		expect(fieldsOf(() => smsTemplateFrom('notice_info_requested', { text_ar: 'تحتاج {entity} معلومات', text_en: '{entity} needs information' }, ''))).toEqual([
			'text_ar:placeholder_missing',
			'text_en:placeholder_missing'
		]);
		expect(fieldsOf(() => smsTemplateFrom('notice_reopened', { text_ar: '{ref} {link}', text_en: '{ref} {link}' }, ''))).toEqual(['text_ar:placeholder_unknown', 'text_en:placeholder_unknown']);
	});
});

it('lists the fields that changed, for the audit entry', () => {
	expect(changedFields({ _id: 'x', a: 1, b: [1] }, { _id: 'x', a: 2, b: [1], c: true })).toEqual({ a: { from: 1, to: 2 }, c: { from: null, to: true } });
});
