/** Refuses malformed actions before anything else looks at them. The gate already checked the
 * shape on the way in; this runs the same domain checks again because the engine is the judge,
 * and adds the one limit only the case knows: all its files together (limits.ts). */
import { validateAction } from '../../../src/lib/domain/validation.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import type { Rule } from './types.js';

/** Bytes of the files the case holds already, from its timeline (sizes as stored). */
function caseFileBytes(caseDoc: CaseDoc | null): number {
	let total = 0;
	for (const entry of caseDoc?.timeline ?? []) for (const file of entry.attachments ?? []) total += file.size;
	return total;
}

function actionFileBytes(action: ActionDoc): number {
	return Object.values(action._attachments ?? {}).reduce((sum, file) => sum + (file.length ?? 0), 0);
}

export const validate: Rule = {
	name: 'validate',
	filter: () => true,
	apply(work) {
		// The device wrote the author: its role may be missing whatever the type says.
		const role: unknown = work.action.author?.role;
		if (!work.action.author?.user_id || !role) {
			throw new TawasulError(403, 'not_allowed');
		}
		const errors = validateAction(work.action);
		if (errors.length > 0) {
			work.fields = errors;
			throw new TawasulError(422, errors[0].code, errors);
		}
		const adding = actionFileBytes(work.action);
		if (adding > 0 && caseFileBytes(work.before) + adding > LIMITS.CASE_FILE_BYTES_MAX) {
			work.fields = [{ field: '_attachments', code: 'payload_too_large', params: { max: LIMITS.CASE_FILE_BYTES_MAX } }];
			throw new TawasulError(422, 'payload_too_large', work.fields);
		}
	}
};
