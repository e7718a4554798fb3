import { describe, it, expect } from 'vitest';
import type { CaseType, CategoryDoc, EntityDoc } from './doc-types';
import { categoriesFor, makeCatalogue, resolveRoute, suggestEntity } from './routing';

const entity = (entity_id: string, active = true): EntityDoc => ({
	_id: `entity:${entity_id}`,
	type: 'entity',
	entity_id,
	name_ar: entity_id,
	name_en: entity_id,
	active
});
const category = (category_id: string, entity_id: string, case_types: CaseType[] = ['inquiry', 'complaint', 'suggestion']): CategoryDoc => ({
	_id: `category:${category_id}`,
	type: 'category',
	category_id,
	entity_id,
	name_ar: category_id,
	name_en: category_id,
	case_types
});

const catalogue = makeCatalogue(
	[entity('works'), entity('health'), entity('old-ministry', false)],
	[category('potholes', 'works', ['complaint']), category('street-lights', 'works'), category('clinics', 'health'), category('archives', 'old-ministry'), category('orphan', 'nowhere')]
);

describe('resolveRoute', () => {
	it.each<[string, Parameters<typeof resolveRoute>[0], ReturnType<typeof resolveRoute>]>([
		['the table decides when no entity is chosen', { category_id: 'potholes' }, { ok: true, entity_id: 'works', category_id: 'potholes' }],
		['the citizen chose the matching entity', { entity_id: 'works', category_id: 'street-lights' }, { ok: true, entity_id: 'works', category_id: 'street-lights' }],
		['a category of another entity', { entity_id: 'health', category_id: 'potholes' }, { ok: false, code: 'category_entity_mismatch', field: 'category_id' }],
		['no category', { entity_id: 'works' }, { ok: false, code: 'required', field: 'category_id' }],
		['an unknown category', { category_id: 'unicorns' }, { ok: false, code: 'unknown_category', field: 'category_id' }],
		['a category name from Object.prototype', { category_id: 'constructor' }, { ok: false, code: 'unknown_category', field: 'category_id' }],
		['a case type the category does not take', { category_id: 'potholes', case_type: 'suggestion' }, { ok: false, code: 'unknown_category', field: 'category_id' }],
		['a case type it takes', { category_id: 'potholes', case_type: 'complaint' }, { ok: true, entity_id: 'works', category_id: 'potholes' }],
		['an unknown entity', { entity_id: 'mars', category_id: 'potholes' }, { ok: false, code: 'unknown_entity', field: 'entity_id' }],
		['an inactive entity chosen', { entity_id: 'old-ministry', category_id: 'archives' }, { ok: false, code: 'unknown_entity', field: 'entity_id' }],
		['the table points at an inactive entity', { category_id: 'archives' }, { ok: false, code: 'unknown_entity', field: 'category_id' }],
		['the table points at a missing entity', { category_id: 'orphan' }, { ok: false, code: 'unknown_entity', field: 'category_id' }]
	])('%s', (_name, input, expected) => {
		expect(resolveRoute(input, catalogue)).toEqual(expected);
	});
});

describe('suggestEntity', () => {
	it.each([
		['potholes', 'works'],
		['clinics', 'health'],
		['archives', null],
		['unicorns', null]
	])('%s → %s', (categoryId, entityId) => {
		expect(suggestEntity(categoryId, catalogue)?.entity_id ?? null).toBe(entityId);
	});
});

describe('categoriesFor', () => {
	it.each<[string | null, CaseType | null, string[]]>([
		['works', 'complaint', ['potholes', 'street-lights']],
		['works', 'suggestion', ['street-lights']],
		['health', null, ['clinics']],
		[null, 'complaint', ['potholes', 'street-lights', 'clinics']],
		['old-ministry', null, []]
	])('entity %s, type %s → %j', (entityId, caseType, ids) => {
		expect(categoriesFor(entityId, caseType, catalogue).map((c) => c.category_id)).toEqual(ids);
	});
});
