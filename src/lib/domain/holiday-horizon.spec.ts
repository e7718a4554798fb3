import { describe, expect, it } from 'vitest';
import { holidayHorizon } from './holiday-horizon';

describe('holidayHorizon', () => {
	it.each([
		// Far away: no warning.
		['2027-12-17', '2026-12-06', null],
		// Exactly 60 days left is still in time; 59 is not.
		['2027-02-04', '2026-12-06', null],
		['2027-02-03', '2026-12-06', { ends: '2027-02-03', daysLeft: 59 }],
		// The last holiday is today, or already passed.
		['2026-12-06', '2026-12-06', { ends: '2026-12-06', daysLeft: 0 }],
		['2026-12-17', '2027-01-10', { ends: '2026-12-17', daysLeft: -24 }]
	])('last holiday %s, today %s → %j', (last, today, expected) => {
		expect(holidayHorizon(last, today)).toEqual(expected);
	});

	it('warns when no holiday is kept at all', () => {
		expect(holidayHorizon(null, '2026-12-06')).toEqual({ ends: null, daysLeft: null });
	});

	it('takes another warning period', () => {
		expect(holidayHorizon('2027-01-05', '2026-12-06', 31)).toEqual({ ends: '2027-01-05', daysLeft: 30 });
		expect(holidayHorizon('2027-01-05', '2026-12-06', 30)).toBeNull();
	});
});
