import { describe, expect, it } from 'vitest';
import { addDays, isDay, nextPeriod, periodBounds, planRange, runsOf, trendPoints, weekOf, weekStartDay } from './periods.js';

const plan = (from: string, to: string) => planRange(from, to).map((p) => `${p.level}:${p.period}`);

describe('periods', () => {
	it.each([
		[[5, 6], 0, 'Friday–Saturday weekend: the week starts on Sunday'],
		[[6, 0], 1, 'Saturday–Sunday weekend: Monday'],
		[[5], 6, 'Friday only: Saturday'],
		[[], 1, 'no weekend: Monday']
	])('week start for weekend %j is %i (%s)', (weekend, start) => {
		expect(weekStartDay(weekend)).toBe(start);
	});

	it.each([
		['2019-01-01', 0, '2018-12-30'],
		['2019-01-05', 0, '2018-12-30'],
		['2019-01-06', 0, '2019-01-06'],
		['2019-01-06', 1, '2018-12-31'],
		['2020-03-01', 1, '2020-02-24']
	])('the week of %s starting on day %i begins %s', (day, start, expected) => {
		expect(weekOf(day, start)).toBe(expected);
	});

	it.each([
		['m', '2020-02', '2020-02-01', '2020-02-29'],
		['m', '2019-02', '2019-02-01', '2019-02-28'],
		['m', '2019-12', '2019-12-01', '2019-12-31'],
		['y', '2019', '2019-01-01', '2019-12-31'],
		['w', '2019-12-29', '2019-12-29', '2020-01-04']
	] as const)('%s %s runs from %s to %s', (level, period, from, to) => {
		expect(periodBounds(level, period)).toEqual({ from, to });
	});

	it.each([
		['a whole year', '2019-01-01', '2019-12-31', ['y:2019']],
		['five whole years', '2019-01-01', '2023-12-31', ['y:2019', 'y:2020', 'y:2021', 'y:2022', 'y:2023']],
		['whole months', '2019-03-01', '2019-04-30', ['m:2019-03', 'm:2019-04']],
		['ragged edges', '2019-01-30', '2019-03-02', ['d:2019-01-30', 'd:2019-01-31', 'm:2019-02', 'd:2019-03-01', 'd:2019-03-02']],
		['one day', '2019-05-05', '2019-05-05', ['d:2019-05-05']],
		['across a new year', '2019-12-01', '2020-01-31', ['m:2019-12', 'm:2020-01']]
	])('covers %s exactly', (_label, from, to, expected) => {
		expect(plan(from, to)).toEqual(expected);
	});

	it('covers every day of a range once, whatever the range', () => {
		for (const [from, to] of [
			['2018-11-17', '2021-02-03'],
			['2020-02-28', '2020-03-01'],
			['2019-06-01', '2019-06-30']
		]) {
			const days: string[] = [];
			for (const p of planRange(from, to)) {
				const b = periodBounds(p.level, p.period);
				for (let d = b.from; d <= b.to; d = addDays(d, 1)) days.push(d);
			}
			const expected: string[] = [];
			for (let d = from; d <= to; d = addDays(d, 1)) expected.push(d);
			expect(days).toEqual(expected);
		}
	});

	it('refuses impossible dates and backwards ranges', () => {
		expect(isDay('2019-02-29')).toBe(false);
		expect(isDay('2020-02-29')).toBe(true);
		expect(() => planRange('2019-02-31', '2019-03-01')).toThrow(/no such date/);
		expect(() => planRange('2019-03-02', '2019-03-01')).toThrow(/ends before/);
	});

	it('gives monthly points that read whole months from their document and cut ones from days', () => {
		const points = trendPoints('m', '2019-01-15', '2019-03-31', 0);
		expect(points.map((p) => [p.period, p.from, p.to])).toEqual([
			['2019-01', '2019-01-15', '2019-01-31'],
			['2019-02', '2019-02-01', '2019-02-28'],
			['2019-03', '2019-03-01', '2019-03-31']
		]);
		expect(points[0].plan).toHaveLength(17);
		expect(points[1].plan).toEqual([{ level: 'm', period: '2019-02' }]);
	});

	it('gives weekly points named by their first day', () => {
		const points = trendPoints('w', '2019-01-01', '2019-01-19', 0);
		expect(points.map((p) => p.period)).toEqual(['2018-12-30', '2019-01-06', '2019-01-13']);
		expect(points[0].plan.map((p) => p.level)).toEqual(['d', 'd', 'd', 'd', 'd']);
		expect(points[1].plan).toEqual([{ level: 'w', period: '2019-01-06' }]);
	});

	it.each([
		['d', '2019-12-31', '2020-01-01'],
		['w', '2019-12-29', '2020-01-05'],
		['m', '2019-12', '2020-01'],
		['m', '2020-02', '2020-03'],
		['y', '2019', '2020']
	] as const)('after %s %s comes %s', (level, period, next) => {
		expect(nextPeriod(level, period)).toBe(next);
	});

	it('reads a ragged range and its monthly trend as a few contiguous runs', () => {
		const plan = [...planRange('2019-01-30', '2021-03-02'), ...trendPoints('m', '2019-01-30', '2021-03-02', 0).flatMap((p) => p.plan)];
		expect(runsOf(plan)).toEqual([
			{ level: 'd', first: '2019-01-30', last: '2019-01-31' },
			{ level: 'd', first: '2021-03-01', last: '2021-03-02' },
			{ level: 'm', first: '2019-02', last: '2021-02' },
			{ level: 'y', first: '2020', last: '2020' }
		]);
	});
});
