import type { FieldError } from '$lib/domain/errors';
import { ClientError, errorMessage } from './api';
import { i18n } from './i18n.svelte';

/** A field error as text; byte limits are shown as sizes ("10 MB"), not raw numbers. Given the
 * field's label, a missing value names the field, so a list of errors says which is which. */
export function fieldErrorMessage(error: FieldError, label?: string): string {
	if (error.code === 'required' && label) return i18n.t('errors.required_field', { field: label });
	const params: Record<string, string | number> = { ...(error.params ?? {}) };
	if (error.code === 'file_too_large' && typeof params.max === 'number') params.max = i18n.fileSize(params.max);
	return errorMessage(error.code, params);
}

/** The first error of each field, keyed by field name, for `aria-describedby` wiring; a field
 * without an error has no entry. */
export function errorsByField(errors: FieldError[]): Partial<Record<string, FieldError>> {
	const out: Partial<Record<string, FieldError>> = {};
	for (const error of errors) {
		const field = error.field.startsWith('_attachments') ? 'files' : error.field;
		out[field] ??= error;
	}
	return out;
}

/** The message of each field a server error names (first error per field), for forms that show
 * them beside their inputs; empty for an error without fields. */
export function fieldMessages(error: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!(error instanceof ClientError)) return out;
	for (const field of error.fields) out[field.field] ??= fieldErrorMessage(field);
	return out;
}
