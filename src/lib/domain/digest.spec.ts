import { describe, expect, it } from 'vitest';
import { makeCalendar } from './calendar';
import { digestContent, digestDayAt, digestSmsValues, isQuietDigest, parseDigestTime } from './digest';
import type { AttentionItem, WarningCase } from './sla-warning';

/** Friday–Saturday weekend; 2026-01-04 is a Sunday. */
const calendar = (timeZone: string, ...holidays: string[]) =>
	makeCalendar({ time_zone: timeZone, weekend: [5, 6] }, [{ _id: 'holidays:2026', type: 'holidays', year: 2026, days: holidays.map((date) => ({ date, name_ar: 'ع', name_en: 'H' })) }]);
const SEVEN = parseDigestTime('07:00')!;

describe('parseDigestTime', () => {
	it.each([
		['07:00', 7 * 3_600_000],
		['00:00', 0],
		['23:59', 23 * 3_600_000 + 59 * 60_000],
		['7:00', null],
		['24:00', null],
		['12:60', null],
		['0700', null],
		['', null]
	])('%s', (text, expected) => {
		expect(parseDigestTime(text)).toBe(expected);
	});
});

describe('digestDayAt', () => {
	const bahrain = calendar('Asia/Bahrain', '2026-01-12');
	it.each([
		['a Sunday, after 07:00 in Bahrain', '2026-01-04T04:00:00Z', '2026-01-04'],
		['a Sunday, one minute before 07:00 in Bahrain', '2026-01-04T03:59:00Z', null],
		['a Sunday at exactly 07:00 in Bahrain', '2026-01-04T04:00:00Z', '2026-01-04'],
		['late on a Thursday evening', '2026-01-08T20:00:00Z', '2026-01-08'],
		// 22:30 UTC on Thursday is already Friday 01:30 in Bahrain: a rest day, and before 07:00.
		['Thursday in UTC but Friday in Bahrain', '2026-01-08T22:30:00Z', null],
		['a Friday (weekend)', '2026-01-09T08:00:00Z', null],
		['a Saturday (weekend)', '2026-01-10T08:00:00Z', null],
		['a public holiday', '2026-01-12T08:00:00Z', null],
		['the working day after the holiday', '2026-01-13T08:00:00Z', '2026-01-13'],
		// 21:30 UTC on Saturday is Sunday 00:30 in Bahrain: Sunday, but before 07:00.
		['Saturday night in UTC, Sunday small hours in Bahrain', '2026-01-10T21:30:00Z', null],
		['Sunday 06:59:59 in Bahrain', '2026-01-11T03:59:59Z', null]
	])('%s', (_label, now, expected) => {
		expect(digestDayAt(new Date(now), SEVEN, bahrain)).toBe(expected);
	});

	it("reads the day and the hour in the calendar's time zone, not the server's", () => {
		// 23:30 UTC on Sunday: Monday 02:30 in Riyadh (before the digest), Sunday 15:30 in Los Angeles.
		const at = new Date('2026-01-04T23:30:00Z');
		expect(digestDayAt(at, SEVEN, calendar('Asia/Riyadh'))).toBeNull();
		expect(digestDayAt(at, SEVEN, calendar('America/Los_Angeles'))).toBe('2026-01-04');
		expect(digestDayAt(at, SEVEN, calendar('UTC'))).toBe('2026-01-04');
	});

	it('keeps the local hour across a daylight-saving change', () => {
		// Europe/London moves from UTC+0 to UTC+1 on Sunday 29 March 2026.
		const london = makeCalendar({ time_zone: 'Europe/London', weekend: [] }, []);
		expect(digestDayAt(new Date('2026-03-29T05:59:00Z'), SEVEN, london)).toBeNull();
		expect(digestDayAt(new Date('2026-03-29T06:00:00Z'), SEVEN, london)).toBe('2026-03-29');
		expect(digestDayAt(new Date('2026-03-28T06:59:00Z'), SEVEN, london)).toBeNull();
		expect(digestDayAt(new Date('2026-03-28T07:00:00Z'), SEVEN, london)).toBe('2026-03-28');
	});
});

const warning = (n: number, kind: 'late' | 'due_soon'): WarningCase => ({
	case_key: `k${n}`,
	ref: `26-000000${n}-0`,
	subject: `Case ${n}`,
	case_type: 'complaint',
	category_id: 'works-potholes',
	status: 'open',
	due_at: new Date(Date.UTC(2026, 0, n)).toISOString(),
	warning: kind,
	handler: null,
	reopened: 0
});
const attention = (n: number, kind: AttentionItem['kind']): AttentionItem => ({
	kind,
	case_key: `a${n}`,
	ref: `26-100000${n}-0`,
	subject: `Flag ${n}`,
	case_type: 'complaint',
	category_id: 'works-potholes',
	status: 'answered',
	at: new Date(Date.UTC(2026, 0, 20 - n)).toISOString()
});

describe('digestContent', () => {
	it('counts every case and lists the first of each kind in the order given', () => {
		const cases = [warning(1, 'late'), warning(2, 'late'), warning(3, 'due_soon'), warning(4, 'late'), warning(5, 'due_soon')];
		const queue = [attention(1, 'low_rating'), attention(2, 'reopened'), attention(3, 'low_rating')];
		const content = digestContent(cases, queue, false, 2);
		expect(content.counts).toEqual({ late: 3, due_soon: 2, low_ratings: 2, reopened: 1 });
		expect(content.late.map((c) => c.case_key)).toEqual(['k1', 'k2']);
		expect(content.due_soon.map((c) => c.case_key)).toEqual(['k3', 'k5']);
		expect(content.attention.map((a) => a.case_key)).toEqual(['a1', 'a2']);
		expect(content.truncated).toBe(false);
		expect(isQuietDigest(content.counts)).toBe(false);
	});

	it("is quiet with nothing to chase, and says when the server's lists were cut", () => {
		const content = digestContent([], [], true);
		expect(content.counts).toEqual({ late: 0, due_soon: 0, low_ratings: 0, reopened: 0 });
		expect(isQuietDigest(content.counts)).toBe(true);
		expect(content.truncated).toBe(true);
		expect(isQuietDigest({ late: 0, due_soon: 0, low_ratings: 0, reopened: 1 })).toBe(false);
	});

	it('gives the SMS its values as text', () => {
		expect(digestSmsValues({ late: 3, due_soon: 0, low_ratings: 1, reopened: 2 }, '2026-01-04', 'https://t.example/staff')).toEqual({
			day: '2026-01-04',
			late: '3',
			due_soon: '0',
			low_ratings: '1',
			reopened: '2',
			link: 'https://t.example/staff'
		});
	});
});
