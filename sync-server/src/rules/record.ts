/** Writes the action into the case: its timeline entry, the new status and the bookkeeping
 * that makes a replay of the same action a no-op. Runs last. */
import type { ActionDoc, AttachmentRef, TimelineEntry } from '../../../src/lib/domain/doc-types.js';
import { attachmentDocId } from '../../../src/lib/domain/doc-types.js';
import { authorOf, caseAfter, type Rule } from './types.js';

function attachmentRefs(action: ActionDoc): AttachmentRef[] {
	return Object.entries(action._attachments ?? {}).map(([name, stub]) => ({
		id: attachmentDocId(action._id, name),
		name,
		content_type: stub.content_type,
		size: stub.length ?? 0
	}));
}

export const record: Rule = {
	name: 'record',
	filter: (work) => work.after !== null,
	apply(work) {
		const { action } = work;
		const after = caseAfter(work);
		const entry: TimelineEntry = {
			action_id: action._id,
			kind: action.kind,
			at: work.at.toISOString(),
			author_role: authorOf(action).role,
			author_id: authorOf(action).user_id
		};
		if (action.kind !== 'submit' && action.body) entry.body = action.body.trim();
		if (action.kind === 'transfer') {
			// The transition rule refuses a transfer of a case that does not exist.
			if (!work.before) throw new Error(`transfer ${action._id} reached record without the case it moves`);
			entry.from_entity_id = work.before.entity_id;
			entry.to_entity_id = after.entity_id;
			entry.reason = action.reason?.trim();
		}
		if (action.kind === 'reopen') entry.reason = action.reason?.trim();
		if (action.kind === 'reply' && action.interim) entry.interim = true;
		if (action.kind === 'suggestion_status') {
			entry.suggestion_state = action.suggestion_state;
			// What the citizen's timeline shows of the step: its plan, its change, its reason.
			const details = after.suggestion;
			if (details?.target_date) entry.target_date = details.target_date;
			if (details?.implemented_on) entry.implemented_on = details.implemented_on;
			if (details?.link) entry.link = details.link;
			if (details?.reason) entry.reason = details.reason;
		}
		if (work.entry) Object.assign(entry, work.entry);
		const attachments = attachmentRefs(action);
		if (attachments.length > 0) entry.attachments = attachments;
		after.timeline.push(entry);
		after.status = work.next ?? after.status;
		after.applied.push(action._id);
		after.updated_at = entry.at;
		after.version += 1;
	}
};
