/** The Open311 services are the catalogue's categories (config: category → entity), and a
 * service's attributes are the fields the app's form asks for beyond Open311's own: what the
 * person sends (inquiry, complaint or suggestion, from the types the category takes) and a
 * subject. Open311's `description` is the case's details; its `lat`/`long` the case's location. */
import type { CaseType, CategoryDoc, EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import type { Catalogue } from '../engine/catalogue.js';
import { t, type Locale } from '../rating/i18n.js';

export interface Service {
	service_code: string;
	service_name: string;
	description: string;
	metadata: boolean;
	/** Cases are routed by the rules engine after the request is accepted: a token first. */
	type: 'batch';
	keywords: string;
	group: string;
}

interface ServiceAttribute {
	variable: boolean;
	code: string;
	datatype: 'string' | 'singlevaluelist';
	required: boolean;
	datatype_description: string | null;
	order: number;
	description: string;
	values?: { key: string; name: string }[];
}

export interface ServiceDefinition {
	service_code: string;
	attributes: ServiceAttribute[];
}

/** Categories a request may be filed in: those whose entity is active, as in the app's form. */
function openCategories(catalogue: Catalogue): CategoryDoc[] {
	return [...catalogue.categories.values()]
		.filter((category) => catalogue.entities.get(category.entity_id)?.active)
		.sort((a, b) => a.entity_id.localeCompare(b.entity_id) || a.category_id.localeCompare(b.category_id));
}

export function findService(catalogue: Catalogue, code: string): CategoryDoc | null {
	const category = catalogue.categories.get(code);
	return category && catalogue.entities.get(category.entity_id)?.active ? category : null;
}

const name = (doc: { name_ar: string; name_en: string }, locale: Locale) => (locale === 'en' ? doc.name_en : doc.name_ar);

function serviceOf(category: CategoryDoc, entity: EntityDoc, locale: Locale): Service {
	const types = category.case_types.map((type) => t(locale, `case.type.${type}`)).join(', ');
	return {
		service_code: category.category_id,
		service_name: name(category, locale),
		description: `${name(entity, locale)}: ${types}`,
		metadata: true,
		type: 'batch',
		// The other language's names, so a search in either finds the service.
		keywords: [name(category, locale === 'en' ? 'ar' : 'en'), name(entity, locale === 'en' ? 'ar' : 'en')].join(', '),
		group: name(entity, locale)
	};
}

export function serviceList(catalogue: Catalogue, locale: Locale): Service[] {
	return openCategories(catalogue).flatMap((category) => {
		// An open category's entity is in the catalogue (openCategories keeps no other).
		const entity = catalogue.entities.get(category.entity_id);
		return entity ? [serviceOf(category, entity, locale)] : [];
	});
}

/** A category taking one type of case needs no choice: the attribute is then optional. */
export function definitionOf(category: CategoryDoc, locale: Locale): ServiceDefinition {
	return {
		service_code: category.category_id,
		attributes: [
			{
				variable: true,
				code: 'case_type',
				datatype: 'singlevaluelist',
				required: category.case_types.length > 1,
				datatype_description: null,
				order: 1,
				description: t(locale, 'form.case_type.legend'),
				values: category.case_types.map((type: CaseType) => ({ key: type, name: t(locale, `case.type.${type}`) }))
			},
			{
				variable: true,
				code: 'subject',
				datatype: 'string',
				required: true,
				datatype_description: `${LIMITS.SUBJECT_MIN}–${LIMITS.SUBJECT_MAX}`,
				order: 2,
				description: t(locale, 'form.subject.label')
			}
		]
	};
}
