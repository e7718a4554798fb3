import { describe, expect, it } from 'vitest';
import { makeCalendar } from './calendar';
import type { CaseStatus, SlaState } from './doc-types';
import { pauseSla, resumeSla, startSla, stopSla } from './sla';
import { slaWarning, warningHorizon } from './sla-warning';

/** Asia/Bahrain (UTC+3, no DST), Friday–Saturday weekend; 2026-01-04 is a Sunday. */
const calendar = (...dates: string[]) =>
	makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, [{ _id: 'holidays:2026', type: 'holidays', year: 2026, days: dates.map((date) => ({ date, name_ar: 'ع', name_en: 'H' })) }]);
/** A local Bahrain time as an instant. */
const local = (s: string) => new Date(`${s}+03:00`);
const endOfLocal = (day: string) => local(`${day}T23:59:59.999`);

describe('warningHorizon', () => {
	it.each([
		['a Sunday, one working day: end of Monday', '2026-01-04T10:00', 1, [], '2026-01-05'],
		['a Thursday, one working day: the weekend is skipped', '2026-01-08T10:00', 1, [], '2026-01-11'],
		['a Thursday before a Sunday holiday', '2026-01-08T10:00', 1, ['2026-01-11'], '2026-01-12'],
		['a Friday (rest day), one working day', '2026-01-09T12:00', 1, [], '2026-01-11'],
		['zero working days: the end of today', '2026-01-06T09:00', 0, [], '2026-01-06'],
		['two working days across the weekend and a holiday', '2026-01-07T15:00', 2, ['2026-01-11'], '2026-01-12']
	])('%s', (_label, now, days, holidays, endDay) => {
		expect(warningHorizon(local(now), days, calendar(...holidays)).toISOString()).toBe(endOfLocal(endDay).toISOString());
	});

	it('counts from the local day in Bahrain, not the UTC one', () => {
		// 22:30 UTC on Wednesday is 01:30 on Thursday in Bahrain: Thursday's end, not Wednesday's.
		expect(warningHorizon(new Date('2026-01-07T22:30:00Z'), 0, calendar()).toISOString()).toBe(endOfLocal('2026-01-08').toISOString());
		expect(warningHorizon(new Date('2026-01-07T22:30:00Z'), 1, calendar()).toISOString()).toBe(endOfLocal('2026-01-11').toISOString());
	});
});

describe('slaWarning', () => {
	const cal = calendar();
	// Routed on Sunday 4 January with four working days (the day of routing never counts): due at
	// the end of Thursday 8 January.
	const routed = startSla(local('2026-01-04T09:00'), 4, cal);
	const at = (now: string, sla: SlaState = routed, status: CaseStatus = 'open', days = 1) => {
		const instant = local(now);
		return slaWarning({ status, sla }, instant, warningHorizon(instant, days, cal));
	};

	it('sets the due date the test relies on', () => {
		expect(routed.due_at).toBe(endOfLocal('2026-01-08').toISOString());
	});

	it.each([
		['two working days before: not yet', '2026-01-06T10:00', 1, null],
		['two working days before, warned two days ahead', '2026-01-06T10:00', 2, 'due_soon'],
		['the working day before', '2026-01-07T10:00', 1, 'due_soon'],
		['the day itself', '2026-01-08T23:00', 1, 'due_soon'],
		['the day itself, warned for today only', '2026-01-08T08:00', 0, 'due_soon'],
		['a minute after the end of the day', '2026-01-09T00:01', 1, 'late'],
		['a week later', '2026-01-15T10:00', 1, 'late']
	])('%s', (_label, now, days, expected) => {
		expect(at(now, routed, 'open', days)).toBe(expected);
	});

	it('the weekend brings a Sunday date within one working day on Thursday', () => {
		const dueSunday = startSla(local('2026-01-06T09:00'), 3, cal);
		expect(dueSunday.due_at).toBe(endOfLocal('2026-01-11').toISOString());
		expect(at('2026-01-07T10:00', dueSunday)).toBeNull();
		expect(at('2026-01-08T10:00', dueSunday)).toBe('due_soon');
	});

	it('a holiday pushes the horizon, so a date after it is due soon one working day ahead', () => {
		const withHoliday = calendar('2026-01-11');
		const dueMonday = startSla(local('2026-01-06T09:00'), 3, withHoliday);
		expect(dueMonday.due_at).toBe(endOfLocal('2026-01-12').toISOString());
		const thursday = local('2026-01-08T10:00');
		expect(slaWarning({ status: 'open', sla: dueMonday }, thursday, warningHorizon(thursday, 1, withHoliday))).toBe('due_soon');
		expect(slaWarning({ status: 'open', sla: dueMonday }, thursday, warningHorizon(thursday, 1, cal))).toBeNull();
	});

	it('leaves out a case waiting for the citizen, even past its date, and counts it again with its new date', () => {
		const paused = pauseSla(routed, local('2026-01-07T10:00'));
		expect(at('2026-01-07T12:00', paused, 'awaiting_citizen')).toBeNull();
		expect(at('2026-01-12T12:00', paused, 'awaiting_citizen')).toBeNull();
		// The citizen answered on Monday 12 January: three working days waited (Wednesday 10:00 to
		// Monday 10:00 over the weekend), so the date moved from Thursday to Tuesday 13 January.
		const resumed = resumeSla(paused, local('2026-01-12T10:00'), cal);
		expect(resumed.due_at).toBe(endOfLocal('2026-01-13').toISOString());
		expect(at('2026-01-12T10:00', routed)).toBe('late');
		expect(at('2026-01-12T10:00', resumed)).toBe('due_soon');
		expect(at('2026-01-14T00:01', resumed)).toBe('late');
	});

	it('leaves out replied and closed cases', () => {
		expect(at('2026-01-15T10:00', stopSla(routed, local('2026-01-05T10:00')), 'answered')).toBeNull();
		expect(at('2026-01-15T10:00', stopSla(routed, local('2026-01-12T10:00')), 'answered')).toBeNull();
		expect(at('2026-01-15T10:00', routed, 'closed')).toBeNull();
		expect(slaWarning({ status: 'open', sla: null }, local('2026-01-15T10:00'), local('2026-01-16T00:00'))).toBeNull();
	});
});
