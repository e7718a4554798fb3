/** The rules, in the order they run. Rules are listed here, never loaded by a name that came
 * from input or configuration. */
import { citizenNotice } from './citizen-notice.js';
import { openCase } from './open-case.js';
import { rate } from './rate.js';
import { ratingInvite } from './rating-invite.js';
import { record } from './record.js';
import { reopen } from './reopen.js';
import { suggestion } from './suggestion.js';
import { sla } from './sla.js';
import { transfer } from './transfer.js';
import { transition } from './transition.js';
import type { Rule, RuleContext, SideEffect, Work } from './types.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { validate } from './validate.js';

export const RULES: readonly Rule[] = [validate, transition, openCase, transfer, reopen, rate, suggestion, sla, ratingInvite, citizenNotice, record];

/** Checks a configured list of rule names (RULES env) against the known ones. */
export function selectRules(names: string[] | null): readonly Rule[] {
	if (!names) return RULES;
	const unknown = names.filter((name) => !RULES.some((rule) => rule.name === name));
	if (unknown.length > 0) throw new Error(`Unknown rule(s) in configuration: ${unknown.join(', ')}`);
	return RULES.filter((rule) => names.includes(rule.name));
}

/** Runs the rules in order on one action; a TawasulError from any of them refuses it. */
export function runRules(rules: readonly Rule[], work: Work, ctx: RuleContext): void {
	for (const rule of rules) {
		if (rule.filter(work)) rule.apply(work, ctx);
	}
}

/** The side effects the rules ask of an action its case has applied (see Rule.effects). */
export function collectEffects(rules: readonly Rule[], action: ActionDoc, caseDoc: CaseDoc): SideEffect[] {
	return rules.flatMap((rule) => rule.effects?.(action, caseDoc) ?? []);
}

export type { Rule, RuleContext, SideEffect, Work } from './types.js';
