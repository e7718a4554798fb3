import type { CaseType, CategoryDoc, EntityDoc } from './doc-types';
import type { ErrorCode } from './errors';

/** Where a new case goes. The category→entity table in `config` decides by default; a citizen who
 * picks an entity is respected, as long as the category is one that entity handles. */

export interface Catalogue {
	entities: Map<string, EntityDoc>;
	categories: Map<string, CategoryDoc>;
}

export type RouteResult = { ok: true; entity_id: string; category_id: string } | { ok: false; code: ErrorCode; field: string };

export function makeCatalogue(entities: EntityDoc[], categories: CategoryDoc[]): Catalogue {
	return {
		entities: new Map(entities.map((e) => [e.entity_id, e])),
		categories: new Map(categories.map((c) => [c.category_id, c]))
	};
}

const activeEntity = (id: string | undefined, catalogue: Catalogue) => {
	const entity = id ? catalogue.entities.get(id) : undefined;
	return entity?.active ? entity : null;
};

/** `case_type`, when given, must be one the category accepts (a suggestions-only category cannot
 * take a complaint). */
export function resolveRoute(input: { entity_id?: string; category_id?: string; case_type?: CaseType }, catalogue: Catalogue): RouteResult {
	if (!input.category_id) return { ok: false, code: 'required', field: 'category_id' };
	const category = catalogue.categories.get(input.category_id);
	if (!category || (input.case_type && !category.case_types.includes(input.case_type))) {
		return { ok: false, code: 'unknown_category', field: 'category_id' };
	}
	if (input.entity_id) {
		if (!activeEntity(input.entity_id, catalogue)) return { ok: false, code: 'unknown_entity', field: 'entity_id' };
		if (input.entity_id !== category.entity_id) {
			return { ok: false, code: 'category_entity_mismatch', field: 'category_id' };
		}
	} else if (!activeEntity(category.entity_id, catalogue)) {
		// The table points at a retired entity: the citizen must pick another category.
		return { ok: false, code: 'unknown_entity', field: 'category_id' };
	}
	return { ok: true, entity_id: category.entity_id, category_id: category.category_id };
}

/** The entity the table sends this category to, if it is active; for "goes to …" in the form. */
export function suggestEntity(categoryId: string, catalogue: Catalogue): EntityDoc | null {
	return activeEntity(catalogue.categories.get(categoryId)?.entity_id, catalogue);
}

/** Categories a citizen may choose: of `entityId` (any entity when null), accepting `caseType`
 * (any type when null), and only those whose entity is active. */
export function categoriesFor(entityId: string | null | undefined, caseType: CaseType | null | undefined, catalogue: Catalogue): CategoryDoc[] {
	return [...catalogue.categories.values()].filter((c) => (!entityId || c.entity_id === entityId) && (!caseType || c.case_types.includes(caseType)) && activeEntity(c.entity_id, catalogue) !== null);
}
