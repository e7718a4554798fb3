import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from './doc-types';
import { canReopen, checkRating, isLowRating, lowCriteria, isWithinWindow, lastReply, ratingExpiresAt, RATING_WINDOW_MS } from './rating';

const REACHED = '2026-03-01T09:30:00.000Z';
const at = (ms: number) => new Date(Date.parse(REACHED) + ms);
const SECOND = 1000;

describe('the 14-day window', () => {
	it.each([
		['just after the reply reached the citizen', 0, true],
		['14 days less a second', RATING_WINDOW_MS - SECOND, true],
		['exactly 14 days', RATING_WINDOW_MS, true],
		['14 days and a second', RATING_WINDOW_MS + SECOND, false],
		['a month later', 30 * 86_400_000, false],
		['a second before the reply existed (a broken clock)', -SECOND, false]
	])('%s → %s', (_label, offset, open) => {
		expect(isWithinWindow(REACHED, at(offset))).toBe(open);
	});

	it('is the same instant whatever zone the reply time is written in', () => {
		// 12:30 in Bahrain (+03:00), 04:30 in New York (-05:00) and 09:30 UTC are one instant.
		for (const written of ['2026-03-01T12:30:00+03:00', '2026-03-01T04:30:00-05:00', REACHED]) {
			expect(ratingExpiresAt(written).toISOString()).toBe('2026-03-15T09:30:00.000Z');
			expect(isWithinWindow(written, at(RATING_WINDOW_MS - SECOND))).toBe(true);
			expect(isWithinWindow(written, at(RATING_WINDOW_MS + SECOND))).toBe(false);
		}
	});

	it('counts 14 × 24 hours even across a daylight-saving change (absolute time, not wall time)', () => {
		// Europe/London moves its clocks on 29 March 2026; the window is still 336 hours.
		expect(ratingExpiresAt('2026-03-20T10:00:00Z').getTime() - Date.parse('2026-03-20T10:00:00Z')).toBe(336 * 3_600_000);
	});

	it('takes no device time: only the server instant passed in decides', () => {
		// A phone three days fast or slow changes nothing, because nothing from it is read.
		const serverNow = at(RATING_WINDOW_MS + SECOND);
		expect(isWithinWindow(REACHED, serverNow)).toBe(false);
		expect(isWithinWindow(REACHED, new Date(serverNow.getTime()))).toBe(false);
	});

	it('refuses an unreadable start', () => {
		expect(isWithinWindow('not a date', at(0))).toBe(false);
	});
});

describe('checkRating', () => {
	const full = { handling: 5, clarity: '4', courtesy: 3, ease_of_use: ' 2 ' };

	it('accepts four whole scores as numbers or digits and trims the comment', () => {
		expect(checkRating({ scores: full, comment: '  thanks  ' })).toEqual({
			ok: true,
			scores: { handling: 5, clarity: 4, courtesy: 3, ease_of_use: 2 },
			comment: 'thanks'
		});
	});

	it.each<[string, Record<string, unknown>, unknown, string[]]>([
		['a missing criterion', { ...full, clarity: undefined }, undefined, ['scores.clarity:required']],
		['zero', { ...full, handling: 0 }, undefined, ['scores.handling:invalid_format']],
		['six', { ...full, handling: '6' }, undefined, ['scores.handling:invalid_format']],
		['a fraction', { ...full, courtesy: 2.5 }, undefined, ['scores.courtesy:invalid_format']],
		['a word', { ...full, courtesy: 'five' }, undefined, ['scores.courtesy:invalid_format']],
		['everything missing', {}, undefined, ['scores.handling:required', 'scores.clarity:required', 'scores.courtesy:required', 'scores.ease_of_use:required']],
		['a comment of 2,001 characters', full, 'x'.repeat(2001), ['comment:too_long']],
		['a comment that is not text', full, { evil: true }, ['comment:invalid_format']]
	])('refuses %s', (_label, scores, comment, expected) => {
		const result = checkRating({ scores, comment });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.map((e) => `${e.field}:${e.code}`)).toEqual(expected);
	});

	it('counts characters, not UTF-16 units: 2,000 Arabic letters with emoji are fine', () => {
		const comment = '😀'.repeat(1000) + 'ش'.repeat(1000);
		expect(checkRating({ scores: full, comment }).ok).toBe(true);
	});

	it("keeps script in a comment as plain text (escaping is the page's job)", () => {
		const result = checkRating({ scores: full, comment: '<script>alert(1)</script>' });
		expect(result.ok && result.comment).toBe('<script>alert(1)</script>');
	});
});

describe('low ratings and reopening', () => {
	it.each([
		[{ handling: 3, clarity: 3, courtesy: 3, ease_of_use: 3 }, 2, false],
		[{ handling: 3, clarity: 2, courtesy: 5, ease_of_use: 5 }, 2, true],
		[{ handling: 3, clarity: 3, courtesy: 5, ease_of_use: 5 }, 3, true],
		[{ handling: 1, clarity: 5, courtesy: 5, ease_of_use: 5 }, 0, false]
	])('%o with threshold %i → %s', (scores, threshold, low) => {
		expect(isLowRating(scores, threshold)).toBe(low);
	});

	it.each([
		[{ handling: 3, clarity: 3, courtesy: 3, ease_of_use: 3 }, 2, []],
		[{ handling: 1, clarity: 2, courtesy: 5, ease_of_use: 2 }, 2, ['handling', 'clarity', 'ease_of_use']],
		[{ handling: 3, clarity: 4, courtesy: 3, ease_of_use: 5 }, 3, ['handling', 'courtesy']]
	])('low criteria of %o with threshold %i: %o', (scores, threshold, criteria) => {
		expect(lowCriteria(scores, threshold)).toEqual(criteria);
	});

	const entry = (kind: TimelineEntry['kind'], at: string): TimelineEntry => ({ action_id: `act:${kind}${at}`, kind, at, author_role: 'agent', author_id: 's1' });
	const timeline = [entry('submit', '2026-02-20T09:00:00Z'), entry('reply', '2026-02-25T09:00:00Z'), entry('reply', REACHED), entry('note', '2026-03-02T09:00:00Z')];

	it('measures from the latest reply', () => {
		expect(lastReply(timeline)?.at).toBe(REACHED);
		expect(canReopen({ status: 'answered', timeline }, at(RATING_WINDOW_MS))).toBe(true);
		expect(canReopen({ status: 'closed', timeline }, at(RATING_WINDOW_MS + SECOND))).toBe(false);
	});

	it('only from answered or closed, and only after a reply', () => {
		expect(canReopen({ status: 'open', timeline }, at(SECOND))).toBe(false);
		expect(canReopen({ status: 'closed', timeline: [entry('submit', REACHED)] }, at(SECOND))).toBe(false);
	});
});
