/** Moves a case to another entity. The clock keeps running unless the coordinator's policy
 * (settings.transfer_restarts_clock) says a transfer starts a new period. */
import { restartSla } from '../../../src/lib/domain/sla.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { caseAfter, type Rule } from './types.js';

export const transfer: Rule = {
	name: 'transfer',
	filter: (work) => work.action.kind === 'transfer',
	apply(work, ctx) {
		const target = ctx.catalogue.entities.get(work.action.to_entity_id ?? '');
		if (!target || !target.active) {
			work.fields = [{ field: 'to_entity_id', code: 'unknown_entity' }];
			throw new TawasulError(422, 'unknown_entity', work.fields);
		}
		const after = caseAfter(work);
		if (target.entity_id === after.entity_id) throw new TawasulError(409, 'same_entity');
		after.entity_id = target.entity_id;
		const { settings, calendar } = ctx.catalogue;
		if (settings.transfer_restarts_clock && !after.sla.stopped_at) {
			after.sla = restartSla(after.sla, work.at, settings.response_days, calendar);
		}
	}
};
