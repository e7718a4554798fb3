/** What the case form (the app's draft form and the kiosk's) says about its fields: each field's
 * label, named in an error ("Subject: this field is required"), and the element an error in the
 * summary links to. */
import { CASE_TYPES } from '$lib/domain/doc-types';
import { t } from './i18n.svelte';

const LABELS: Record<string, string> = {
	case_type: 'form.case_type.legend',
	category_id: 'form.category.label',
	entity_id: 'form.entity.label',
	subject: 'form.subject.label',
	body: 'form.body.label'
};

export const caseFieldLabel = (field: string): string | undefined => (LABELS[field] ? t(LABELS[field]) : undefined);

/** The id of the element that takes focus for an error on `field`. */
export const CASE_FIELD_TARGETS: Record<string, string> = {
	case_type: `case-type-${CASE_TYPES[0]}`,
	category_id: 'category',
	entity_id: 'entity',
	subject: 'subject',
	body: 'body',
	location: 'location-lat',
	files: 'files-input'
};
