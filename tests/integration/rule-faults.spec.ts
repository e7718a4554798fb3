/** A rule that throws (a bug, not a refusal) fails only the action it broke on: every broken rule
 * is named in one dead letter, the rules are not run again (they are pure: a retry breaks the
 * same way and took a reference number each time), the number it took is given to the next case,
 * and a rule whose side effects break leaves the case applied and the other effects done. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { RulesEngine } from '../../sync-server/src/engine/engine.js';
import { RULES, type Rule, type SideEffect } from '../../sync-server/src/rules/index.js';
import { submitAction, waitFor } from './harness.js';
import { seededEngineStore } from './engine-store.js';

const lane = seededEngineStore('tawasul-rule-faults-');

const marked = (subject: string) => (work: { action: { subject?: string } }) => (work.action.subject ?? '').includes(subject);

describe('rules engine: a rule that breaks', () => {
	it('fails that action once, names every broken rule, keeps numbering whole and the other effects', async () => {
		let brokenRuns = 0;
		const broken: Rule = {
			name: 'broken',
			filter: marked('BREAK'),
			apply() {
				brokenRuns++;
				throw new TypeError('cannot read properties of undefined');
			}
		};
		const alsoBroken: Rule = {
			name: 'also-broken',
			filter: marked('BREAK'),
			apply() {
				throw new RangeError('invalid time value');
			}
		};
		const brokenEffects: Rule = {
			name: 'broken-effects',
			filter: () => false,
			apply() {},
			effects(action) {
				if ((action.subject ?? '').includes('NOEFFECT')) throw new Error('template missing');
				return [];
			}
		};
		// After open-case, which takes the reference number, and before record.
		const rules = [...RULES.slice(0, -1), broken, alsoBroken, brokenEffects, RULES.at(-1)!];

		const now = Date.now();
		const at = (i: number) => new Date(now + i).toISOString();
		const first = submitAction({ subject: 'Pothole one', received_at: at(0), author: { user_id: 'cfault0001', role: 'citizen' } });
		const failing = submitAction({ subject: 'Pothole BREAK', received_at: at(1), author: { user_id: 'cfault0001', role: 'citizen' } });
		const next = submitAction({ subject: 'Pothole two', received_at: at(2), author: { user_id: 'cfault0002', role: 'citizen' } });
		// Filed offline (made 10 minutes before it arrived): its reference comes by SMS.
		const offline = submitAction({
			subject: 'Pothole NOEFFECT',
			client_time: new Date(now - 10 * 60_000).toISOString(),
			received_at: at(3),
			author: { user_id: 'cfault0003', role: 'citizen' }
		});
		await lane.store.use(DB.INTAKE).bulk({ docs: [first, failing, next, offline] as never[] });
		const { update_seq: lastSeq } = (await lane.store.dbInfo(DB.INTAKE))!;

		const effects: SideEffect[] = [];
		const engine = new RulesEngine(lane.store, {
			rules,
			batchSize: 10,
			instanceId: `faults-${randomUUID()}`,
			pollTimeoutMs: 500,
			onEffects: async (list) => {
				effects.push(...list);
			}
		});
		engine.start();
		try {
			const position = (seq: string | number) => String(seq).split('-')[0];
			await waitFor(async () => (position(engine.status().last_seq) === position(lastSeq) ? true : undefined), 60_000, 'checkpoint at the end of the feed');
		} finally {
			await engine.stop();
		}

		expect(brokenRuns).toBe(1);
		expect(engine.status()).toMatchObject({ processed: 3, dead_letters: 1 });

		const engineDb = lane.store.use<{ error: string; rule?: string }>(DB.ENGINE);
		const dead = await engineDb.get(`dead:${failing._id}`);
		expect(dead.error).toContain('broken: cannot read properties of undefined');
		expect(dead.error).toContain('also-broken: invalid time value');

		const cases = (await lane.store.use<CaseDoc>(DB.CASES).list({ include_docs: true })).rows.map((r) => r.doc!).filter((c) => c.type === 'case');
		const caseOf = (action: { case_key: string }) => cases.find((c) => c.case_key === action.case_key);
		expect(caseOf(failing)).toBeUndefined();
		const number = (ref: string | undefined) => Number(ref!.split('-')[1]);
		expect(number(caseOf(next)!.ref)).toBe(number(caseOf(first)!.ref) + 1);
		expect(number(caseOf(offline)!.ref)).toBe(number(caseOf(first)!.ref) + 2);

		// The broken effects did not cost the offline filer the SMS with the reference.
		expect(effects.filter((e) => e.action_id === offline._id).map((e) => e.kind === 'citizen_notice' && e.notice)).toEqual(['reference_issued']);
		const effectsDead = await engineDb.get(`dead:effects:broken-effects:${offline._id}`);
		expect(effectsDead).toMatchObject({ rule: 'broken-effects', error: 'effects: template missing' });
	}, 90_000);
});
