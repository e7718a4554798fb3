import type { GeoPoint } from '$lib/domain/doc-types';
import type { FieldError } from '$lib/domain/errors';
import { resolveRoute, type Catalogue } from '$lib/domain/routing';
import { LIMITS, validateDraftFields } from '$lib/domain/validation';
import type { DraftRecord } from './local-db';

/** The same checks the server makes on a `submit` action, plus the location as typed and the
 * number of files, so the person learns of a problem before anything is queued. */
export function validateSubmission(
	draft: Pick<DraftRecord, 'case_type' | 'entity_id' | 'category_id' | 'subject' | 'body'>,
	location: GeoPoint | null | 'invalid',
	files: unknown[],
	/** When config has synced: the routing checks the server will make (unknown or mismatched). */
	catalogue?: Catalogue
): FieldError[] {
	const errors = validateDraftFields({
		case_type: draft.case_type,
		entity_id: draft.entity_id || undefined,
		category_id: draft.category_id,
		subject: draft.subject,
		body: draft.body,
		location: location === 'invalid' ? null : location
	});
	if (location === 'invalid') errors.push({ field: 'location', code: 'invalid_location' });
	if (catalogue && catalogue.categories.size && !errors.some((e) => e.field === 'category_id' || e.field === 'entity_id')) {
		const route = resolveRoute({ entity_id: draft.entity_id || undefined, category_id: draft.category_id, case_type: draft.case_type }, catalogue);
		if (!route.ok) errors.push({ field: route.field, code: route.code });
	}
	if (files.length > LIMITS.FILES_MAX) errors.push({ field: 'files', code: 'too_many_files', params: { max: LIMITS.FILES_MAX } });
	return errors;
}
