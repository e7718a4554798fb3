/** A submission becomes a case: routed (citizen's choice or the category table), given a
 * reference number and an SLA clock that starts now. */
import { resolveRoute } from '../../../src/lib/domain/routing.js';
import { startSla } from '../../../src/lib/domain/sla.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { caseDocId, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { authorOf, type Rule } from './types.js';

/** The earliest time a photo's clock is believed: before it, the camera's clock was never set. */
const OBSERVED_SINCE = Date.UTC(2000, 0, 1);

/** A time the problem was seen is kept only when it is before the case reached the server (server
 * time decides): a camera with a wrong clock must not date a problem in the future. */
function seenBefore(observedAt: string | undefined, at: Date): observedAt is string {
	const ms = observedAt ? Date.parse(observedAt) : NaN;
	return Number.isFinite(ms) && ms >= OBSERVED_SINCE && ms <= at.getTime();
}

export const openCase: Rule = {
	name: 'open-case',
	filter: (work) => work.action.kind === 'submit',
	apply(work, ctx) {
		const { action, at } = work;
		const route = resolveRoute({ entity_id: action.entity_id, category_id: action.category_id }, ctx.catalogue);
		if (!route.ok) {
			work.fields = [{ field: route.field, code: route.code }];
			throw new TawasulError(422, route.code, work.fields);
		}
		const { case_type: caseType, subject, body } = action;
		// The validate rule refuses a submission without them.
		if (!caseType || subject === undefined || body === undefined) throw new Error(`submission ${action._id} reached open-case without its type or text`);
		const iso = at.toISOString();
		// A category may keep who filed from its staff (issue 14, identity levels): no label then.
		const identity = ctx.catalogue.categories.get(route.category_id)?.identity;
		const contactHidden = identity === 'contact_hidden' || identity === 'anonymous';
		work.after = {
			_id: caseDocId(action.case_key),
			type: DOC_TYPES.CASE,
			case_key: action.case_key,
			ref: ctx.reference(at),
			case_type: caseType,
			status: 'open',
			entity_id: route.entity_id,
			category_id: route.category_id,
			subject: subject.trim(),
			body: body.trim(),
			location: action.location ?? null,
			...(seenBefore(action.observed_at, at) ? { observed_at: new Date(action.observed_at).toISOString() } : {}),
			locale: action.locale === 'en' ? 'en' : 'ar',
			citizen_id: authorOf(action).user_id,
			...(action.citizen_label && !contactHidden ? { citizen_label: action.citizen_label } : {}),
			...(contactHidden ? { contact_hidden: true as const } : {}),
			...(identity === 'anonymous' ? { anonymous: true as const } : {}),
			...(action.kiosk ? { kiosk: action.kiosk } : {}),
			created_at: iso,
			routed_at: iso,
			updated_at: iso,
			sla: startSla(at, ctx.catalogue.settings.response_days, ctx.catalogue.calendar),
			timeline: [],
			applied: [],
			rejected: [],
			version: 0,
			// Asked of a suggestion's proposer only: whether they may be named once it is published.
			...(action.case_type === 'suggestion' && action.name_consent === true ? { name_consent: true } : {})
		};
	}
};
