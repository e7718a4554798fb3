/** The rules, in the order they run. Rules are listed here, never loaded by a name that came
 * from input or configuration. */
import { citizenNotice } from './citizen-notice.js';
import { follow } from './follow.js';
import { link } from './link.js';
import { openCase } from './open-case.js';
import { publicPhoto } from './public-photo.js';
import { rate } from './rate.js';
import { ratingInvite } from './rating-invite.js';
import { record } from './record.js';
import { reopen } from './reopen.js';
import { suggestion } from './suggestion.js';
import { suggestionPublish } from './suggestion-publish.js';
import { sla } from './sla.js';
import { transfer } from './transfer.js';
import { transition } from './transition.js';
import type { Rule, RuleContext, SideEffect, Work } from './types.js';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { validate } from './validate.js';

// `follow` before `transition`: a case of a private category is refused as missing before its status shows.
export const RULES: readonly Rule[] = [validate, follow, transition, link, publicPhoto, openCase, transfer, reopen, rate, suggestion, sla, ratingInvite, citizenNotice, suggestionPublish, record];

/** Checks a configured list of rule names (RULES env) against the known ones. */
export function selectRules(names: string[] | null): readonly Rule[] {
	if (!names) return RULES;
	const unknown = names.filter((name) => !RULES.some((rule) => rule.name === name));
	if (unknown.length > 0) throw new Error(`Unknown rule(s) in configuration: ${unknown.join(', ')}`);
	return RULES.filter((rule) => names.includes(rule.name));
}

/** A rule that broke on an action: its name and what it threw. */
export interface RuleFailure {
	rule: string;
	error: string;
}

/**
 * Runs the rules in order on one action and returns the rules that broke (empty when all went
 * well). A TawasulError is a decision, not a fault: it refuses the action at once. Any other
 * error is recorded against its rule and the remaining rules still run, so one report names
 * every rule that breaks on this action instead of hiding the later ones behind the first. The
 * rules are pure, so running them again would break the same way: the caller does not retry.
 * After a failure the case in `work` is not to be saved (a later rule may have built on a
 * half-made change), and a refusal by a later rule is recorded as a failure too, since it may
 * follow from the earlier fault rather than from the action.
 */
export function runRules(rules: readonly Rule[], work: Work, ctx: RuleContext): RuleFailure[] {
	const failures: RuleFailure[] = [];
	for (const rule of rules) {
		try {
			if (rule.filter(work)) rule.apply(work, ctx);
		} catch (error) {
			if (error instanceof TawasulError && failures.length === 0) throw error;
			failures.push({ rule: rule.name, error: describe(error) });
		}
	}
	return failures;
}

/** The side effects the rules ask of an action its case has applied (see Rule.effects). A rule
 * whose `effects` throws is reported through `onFailure` and the other rules' effects still
 * come: the case is saved, and one broken notice must not cost the citizen another. */
export function collectEffects(
	rules: readonly Rule[],
	action: ActionDoc,
	caseDoc: CaseDoc,
	onFailure: (failure: RuleFailure) => void = (failure) => {
		throw new Error(`${failure.rule}: ${failure.error}`);
	}
): SideEffect[] {
	return rules.flatMap((rule) => {
		try {
			return rule.effects?.(action, caseDoc) ?? [];
		} catch (error) {
			onFailure({ rule: rule.name, error: describe(error) });
			return [];
		}
	});
}

function describe(error: unknown): string {
	if (error instanceof TawasulError) return `refused (${error.code}) after an earlier rule failed`;
	return error instanceof Error ? error.message : String(error);
}

export type { Rule, RuleContext, SideEffect, Work } from './types.js';
