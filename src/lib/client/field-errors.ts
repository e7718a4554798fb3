import type { FieldError } from '$lib/domain/errors';
import { errorMessage } from './api';
import { i18n } from './i18n.svelte';

/** A field error as text; byte limits are shown as sizes ("10 MB"), not raw numbers. */
export function fieldErrorMessage(error: FieldError): string {
	const params: Record<string, string | number> = { ...(error.params ?? {}) };
	if (error.code === 'file_too_large' && typeof params.max === 'number') params.max = i18n.fileSize(params.max);
	return errorMessage(error.code, params);
}

/** The first error of each field, keyed by field name, for `aria-describedby` wiring. */
export function errorsByField(errors: FieldError[]): Record<string, FieldError> {
	const out: Record<string, FieldError> = {};
	for (const error of errors) {
		const field = error.field.startsWith('_attachments') ? 'files' : error.field;
		out[field] ??= error;
	}
	return out;
}
