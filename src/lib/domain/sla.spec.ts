import { describe, it, expect } from 'vitest';
import { makeCalendar } from './calendar';
import type { SlaState } from './doc-types';
import { daysToReply, isOverdue, msLeft, pauseSla, repliedWithinPeriod, restartSla, resumeSla, slaPhase, startSla, stopSla } from './sla';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
/** Asia/Bahrain (UTC+3), Friday–Saturday weekend, optional holidays. */
const bahrain = (...dates: string[]) =>
	makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, [{ _id: 'holidays:2026', type: 'holidays', year: 2026, days: dates.map((date) => ({ date, name_ar: 'ع', name_en: 'H' })) }]);
const cal = bahrain();

/** Routed Sunday 2026-03-15 10:00 local with 5 working days: due end of Sunday 2026-03-22 local. */
const routed = () => startSla(at('2026-03-15T07:00:00Z'), 5, cal);

describe('startSla', () => {
	it('starts at routing with the period in working days', () => {
		expect(routed()).toEqual({
			started_at: '2026-03-15T07:00:00.000Z',
			due_at: '2026-03-22T20:59:59.999Z',
			paused_at: null,
			stopped_at: null,
			paused_ms: 0
		});
	});

	it('skips the weekend and a Sunday holiday for a case routed on Thursday 2026-03-19', () => {
		const sla = startSla(at('2026-03-19T09:00:00Z'), 5, bahrain('2026-03-22'));
		expect(sla.due_at).toBe('2026-03-29T20:59:59.999Z');
	});
});

describe('pause and resume', () => {
	it('gives back the working time of a pause across the weekend', () => {
		// paused Thursday 12:00 local, resumed Sunday 12:00 local: 12 h + 12 h of working time
		const paused = pauseSla(routed(), at('2026-03-19T09:00:00Z'));
		expect(slaPhase(paused)).toBe('paused');
		const resumed = resumeSla(paused, at('2026-03-22T09:00:00Z'), cal);
		expect(resumed).toMatchObject({ paused_at: null, paused_ms: 24 * HOUR, due_at: '2026-03-23T20:59:59.999Z' });
	});

	it('gives back nothing for a pause inside the weekend', () => {
		const paused = pauseSla(routed(), at('2026-03-20T09:00:00Z'));
		const resumed = resumeSla(paused, at('2026-03-21T15:00:00Z'), cal);
		expect(resumed).toMatchObject({ paused_ms: 0, due_at: '2026-03-22T20:59:59.999Z' });
	});

	it('adds up successive pauses', () => {
		let sla = routed();
		sla = resumeSla(pauseSla(sla, at('2026-03-16T07:00:00Z')), at('2026-03-16T09:00:00Z'), cal);
		sla = resumeSla(pauseSla(sla, at('2026-03-17T07:00:00Z')), at('2026-03-17T10:00:00Z'), cal);
		expect(sla.paused_ms).toBe(5 * HOUR);
		expect(sla.due_at).toBe('2026-03-23T01:59:59.999Z'); // Monday 04:59:59.999 local
	});

	it.each<[string, SlaState]>([
		['already paused', { ...routed(), paused_at: '2026-03-16T07:00:00.000Z' }],
		['stopped', { ...routed(), stopped_at: '2026-03-16T07:00:00.000Z' }]
	])('pausing is a no-op when %s', (_name, sla) => {
		expect(pauseSla(sla, at('2026-03-17T07:00:00Z'))).toBe(sla);
	});

	it.each<[string, SlaState]>([
		['running', routed()],
		['stopped while paused', { ...routed(), paused_at: '2026-03-16T07:00:00.000Z', stopped_at: '2026-03-17T07:00:00.000Z' }]
	])('resuming is a no-op when %s', (_name, sla) => {
		expect(resumeSla(sla, at('2026-03-18T07:00:00Z'), cal)).toBe(sla);
	});
});

describe('stopSla and its measures', () => {
	it('records the first reply only', () => {
		const once = stopSla(routed(), at('2026-03-18T07:00:00Z'));
		expect(once.stopped_at).toBe('2026-03-18T07:00:00.000Z');
		expect(stopSla(once, at('2026-03-19T07:00:00Z'))).toBe(once);
		expect(daysToReply(once)).toBe(3);
		expect(repliedWithinPeriod(once)).toBe(true);
	});

	it('a late reply is not within the period', () => {
		const late = stopSla(routed(), at('2026-03-22T21:00:00Z'));
		expect(repliedWithinPeriod(late)).toBe(false);
		expect(msLeft(late, at('2026-04-01T00:00:00Z'))).toBe(-1);
	});

	it('a reply while paused is judged at the pause: waiting for the citizen is not the entity’s delay', () => {
		const paused = pauseSla(routed(), at('2026-03-19T09:00:00Z'));
		const replied = stopSla(paused, at('2026-03-25T09:00:00Z'));
		expect(slaPhase(replied)).toBe('stopped');
		expect(repliedWithinPeriod(replied)).toBe(true);
		expect(isOverdue(replied, at('2026-03-30T00:00:00Z'))).toBe(false);
		expect(daysToReply(replied)).toBeCloseTo(10.0833, 3);
	});

	it('has no answer before the reply', () => {
		expect(repliedWithinPeriod(routed())).toBeNull();
		expect(daysToReply(routed())).toBeNull();
	});
});

describe('isOverdue and msLeft', () => {
	const due = '2026-03-22T20:59:59.999Z';
	it.each<[string, SlaState, string, boolean, number]>([
		['running, a day early', routed(), '2026-03-21T20:59:59.999Z', false, 24 * HOUR],
		['running, exactly at due', routed(), due, false, 0],
		['running, a millisecond late', routed(), '2026-03-22T21:00:00.000Z', true, -1],
		['paused before due, now after: frozen', { ...routed(), paused_at: '2026-03-22T19:59:59.999Z' }, '2026-03-30T00:00:00Z', false, HOUR],
		['stopped on time', { ...routed(), stopped_at: '2026-03-22T18:59:59.999Z' }, '2026-03-30T00:00:00Z', false, 2 * HOUR]
	])('%s', (_name, sla, now, overdue, left) => {
		expect(isOverdue(sla, at(now))).toBe(overdue);
		expect(msLeft(sla, at(now))).toBe(left);
	});
});

describe('restartSla', () => {
	it('gives the receiving entity a full period from the transfer, pauses forgotten', () => {
		const paused = { ...routed(), paused_at: '2026-03-16T07:00:00.000Z', paused_ms: HOUR };
		const restarted = restartSla(paused, at('2026-03-19T09:00:00Z'), 5, bahrain('2026-03-22'));
		expect(restarted).toEqual({
			started_at: '2026-03-19T09:00:00.000Z',
			due_at: '2026-03-29T20:59:59.999Z',
			paused_at: null,
			stopped_at: null,
			paused_ms: 0
		});
	});

	it('leaves a clock already stopped by a reply as it was', () => {
		const replied = stopSla(routed(), at('2026-03-18T07:00:00Z'));
		expect(restartSla(replied, at('2026-03-19T09:00:00Z'), 5, cal)).toBe(replied);
	});
});
