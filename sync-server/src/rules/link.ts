/** Duplicates (issue 13). Staff link a case to a primary case of their entity (`link` on the
 * duplicate, naming the primary); the server then records the link on the primary too, with an
 * action of its own (`duplicate_added`), since an action changes only its own case. The entity's
 * managers undo a link (`unlink`, then `duplicate_removed` on the primary). The primary's final
 * reply lists the cases it answers (`answers`), and the server copies it onto each of them as a
 * reply of its own id: each linked case is closed with that reply and its citizen is invited to
 * rate it like any other reply, once, since the copy's id is fixed by the reply and the case.
 *
 * Merged suggestions (issue 14) follow their primary the same way: each step a manager takes on
 * the primary (`suggestion_status`) is copied onto every merged suggestion by an action of the
 * server's, and a suggestion merged into one already decided is given the primary's current step,
 * so every proposer hears of every decision once.
 *
 * The primary's list is rebuilt from the duplicate's own state whenever the server's action
 * comes, so a late or repeated `duplicate_added` after an unlink leaves the list right. */
import { linkRefusal, withDuplicate } from '../../../src/lib/domain/duplicates.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import type { SuggestionDetails } from '../../../src/lib/domain/suggestion.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { isServerActionId, serverActionId } from '../gate/action-ids.js';
import { caseAfter, type Rule, type SideEffect, type Work } from './types.js';

const LINK_KINDS = new Set(['link', 'unlink', 'duplicate_added', 'duplicate_removed']);

/** A reply the server copied from a primary onto a linked case; a device's reply never is one. */
function isCopiedReply(action: ActionDoc): boolean {
	return action.kind === 'reply' && !!action.primary_key && isServerActionId(action._id);
}

export const link: Rule = {
	name: 'link',
	filter: (work) => work.after !== null && (LINK_KINDS.has(work.action.kind) || work.action.kind === 'reply' || work.action.kind === 'transfer' || work.action.kind === 'suggestion_status'),
	apply(work, ctx) {
		const after = caseAfter(work);
		const { action } = work;
		switch (action.kind) {
			case 'link': {
				const primary = ctx.caseOf(action.primary_key ?? '');
				const refusal = linkRefusal(after, primary, action.author);
				if (refusal) throw new TawasulError(refusal === 'case_not_found' ? 404 : refusal === 'not_allowed' ? 403 : 409, refusal);
				// linkRefusal already refuses a primary that does not exist.
				if (!primary) throw new TawasulError(404, 'case_not_found');
				after.linked_to = { case_key: primary.case_key, ref: primary.ref };
				work.entry = { primary_key: primary.case_key, linked_ref: primary.ref };
				return;
			}
			case 'unlink':
				if (!after.linked_to) throw new TawasulError(409, 'not_linked');
				work.entry = { primary_key: after.linked_to.case_key, linked_ref: after.linked_to.ref };
				delete after.linked_to;
				return;
			case 'duplicate_added':
			case 'duplicate_removed':
				reconcile(work, ctx.caseOf(action.duplicate_key ?? ''));
				return;
			case 'reply':
				reply(work, ctx.caseOf(action.primary_key ?? ''));
				return;
			case 'suggestion_status':
				suggestionStep(work, ctx.caseOf(action.primary_key ?? ''));
				return;
			case 'transfer':
				// A linked case stays with its entity: the link would cross entities otherwise.
				if (after.linked_to || after.duplicates?.length) throw new TawasulError(409, 'case_linked');
				return;
		}
	},
	effects(action, caseDoc): SideEffect[] {
		const entry = caseDoc.timeline.find((e) => e.action_id === action._id);
		if (!entry) return [];
		if ((action.kind === 'link' || action.kind === 'unlink') && entry.primary_key) {
			const kind = action.kind === 'link' ? 'duplicate_added' : 'duplicate_removed';
			return [serverAction(action, kind, entry.primary_key, entry.at, { duplicate_key: caseDoc.case_key })];
		}
		if (action.kind === 'reply' && entry.answers?.length) {
			return entry.answers.map((key) => serverAction(action, 'reply', key, entry.at, { primary_key: caseDoc.case_key, body: entry.body }));
		}
		if (action.kind === 'suggestion_status' && entry.answers?.length) {
			return entry.answers.map((key) => serverAction(action, 'suggestion_status', key, entry.at, { primary_key: caseDoc.case_key, ...stepOf(action) }));
		}
		const { suggestion } = caseDoc;
		const duplicateKey = action.duplicate_key;
		const merged = action.kind === 'duplicate_added' && duplicateKey !== undefined && caseDoc.duplicates?.some((d) => d.case_key === duplicateKey);
		// Under the id the step's own copy would have: merged, unmerged and merged again, or merged
		// as the step is taken, the proposer still hears of the step once.
		const step = [...caseDoc.timeline].reverse().find((e) => e.kind === 'suggestion_status' && !e.primary_key);
		if (merged && suggestion && step) return [serverAction(action, 'suggestion_status', duplicateKey, entry.at, { primary_key: caseDoc.case_key, ...detailsAsStep(suggestion) }, step.action_id)];
		return [];
	}
};

/** What a step carries, as the manager sent it. */
function stepOf(action: ActionDoc): Partial<ActionDoc> {
	const { suggestion_state, body, reason, target_date, implemented_on, link } = action;
	return Object.fromEntries(Object.entries({ suggestion_state, body, reason, target_date, implemented_on, link }).filter(([, value]) => value !== undefined));
}

/** The step that put the primary where it stands, for a suggestion merged into it afterwards. */
function detailsAsStep(details: SuggestionDetails): Partial<ActionDoc> {
	const { state, note, reason, target_date, implemented_on, link } = details;
	return stepOf({ suggestion_state: state, body: note, reason, target_date, implemented_on, link } as ActionDoc);
}

/** A step on a primary suggestion names the merged suggestions it reaches; a copy of it is taken
 * only by a suggestion still merged into that primary. */
function suggestionStep(work: Work, primary: CaseDoc | null): void {
	const { action } = work;
	const after = caseAfter(work);
	if (action.primary_key) {
		if (!isServerActionId(action._id)) throw new TawasulError(403, 'not_allowed');
		const linked = after.linked_to;
		if (!linked || linked.case_key !== action.primary_key) throw new TawasulError(409, 'not_linked');
		work.entry = { primary_key: linked.case_key, linked_ref: primary?.ref ?? linked.ref };
		return;
	}
	const answers = (after.duplicates ?? []).map((d) => d.case_key);
	if (answers.length > 0) work.entry = { answers };
}

/** The primary's list follows the duplicate: in it while the duplicate is linked to this case. */
function reconcile(work: Work, duplicate: CaseDoc | null): void {
	const after = caseAfter(work);
	if (!isServerActionId(work.action._id)) throw new TawasulError(403, 'not_allowed');
	if (!duplicate) throw new TawasulError(404, 'case_not_found');
	const linked = duplicate.linked_to?.case_key === after.case_key;
	after.duplicates = withDuplicate(after.duplicates, { case_key: duplicate.case_key, ref: duplicate.ref }, linked);
	if (after.duplicates.length === 0) delete after.duplicates;
	work.entry = { duplicate_key: duplicate.case_key, linked_ref: duplicate.ref };
}

/** A final reply on a primary answers its duplicates; a copy of it closes the duplicate it names,
 * if that case is still linked to the primary (a link undone in between leaves it alone). */
function reply(work: Work, primary: CaseDoc | null): void {
	const { action } = work;
	const after = caseAfter(work);
	if (isCopiedReply(action)) {
		const linked = after.linked_to;
		if (!linked || linked.case_key !== action.primary_key) throw new TawasulError(409, 'not_linked');
		work.next = 'closed';
		work.entry = { primary_key: linked.case_key, linked_ref: primary?.ref ?? linked.ref };
		return;
	}
	if (action.primary_key) throw new TawasulError(403, 'not_allowed');
	if (action.interim) return;
	// A duplicate an earlier final reply answered has its answer: staff reply on it directly after that.
	const answered = new Set(after.timeline.flatMap((e) => e.answers ?? []));
	const answers = (after.duplicates ?? []).map((d) => d.case_key).filter((key) => !answered.has(key));
	if (answers.length > 0) work.entry = { answers };
}

/** The server's action of `kind` on `caseKey` for `source`, under an id fixed by the action it
 * follows (`idOf`, the source unless said otherwise) and the case. */
function serverAction(source: ActionDoc, kind: ActionDoc['kind'], caseKey: string, at: string, fields: Partial<ActionDoc>, idOf = source._id): SideEffect {
	const action: ActionDoc = {
		_id: serverActionId(`${kind}:${idOf}:${caseKey}`),
		type: 'action',
		kind,
		case_key: caseKey,
		client_time: at,
		device_id: 'server',
		author: source.author,
		received_at: at,
		...fields
	};
	return { kind: 'server_action', key: `server-action:${action._id}`, action_id: source._id, case_key: caseKey, action };
}
