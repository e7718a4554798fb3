import { instantOfLocalTime, isWorkingDay, localDateOf, type WorkCalendar } from './calendar';
import type { AttentionItem, WarningCase } from './sla-warning';

/** The managers' daily digest (issue 16, part 2): once per working day, at a set time of the
 * national calendar's day, what an entity manager has to chase — late cases, cases due within the
 * warning period, low ratings and reopened cases waiting in the queue. The same warnings the
 * inbox shows; the digest only gathers them into one message a day. */

/** Local time of day the digest is made, 'HH:MM' in the national time zone. */
export const DEFAULT_DIGEST_TIME = '07:00';
/** Cases a digest lists per kind; the counts stay exact beyond it. */
const DIGEST_LIST_LIMIT = 10;

const HOUR_MS = 3_600_000;

/** 'HH:MM' (00:00–23:59) → milliseconds after local midnight; null when it is not a time. */
export function parseDigestTime(text: string): number | null {
	const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
	return m ? Number(m[1]) * HOUR_MS + Number(m[2]) * 60_000 : null;
}

/** The local day whose digest is due at `now`: today in the calendar's time zone, once the clock
 * there has passed the digest's time, and only on a working day (no digest on a weekend or a
 * public holiday). Null when no digest is due. A server that was down at the set time makes the
 * day's digest when it comes back, the same day; a day that has passed is not made up. */
export function digestDayAt(now: Date, msOfDay: number, cal: WorkCalendar): string | null {
	const day = localDateOf(now, cal.timeZone);
	if (!isWorkingDay(day, cal)) return null;
	return now.getTime() >= instantOfLocalTime(day, msOfDay, cal.timeZone).getTime() ? day : null;
}

export interface DigestCounts {
	late: number;
	due_soon: number;
	low_ratings: number;
	reopened: number;
}

/** What a digest says: the counts, and the first cases of each list (oldest date first for the
 * clocks, newest first for the queue, as the full lists order them). */
export interface DigestContent {
	counts: DigestCounts;
	late: WarningCase[];
	due_soon: WarningCase[];
	attention: AttentionItem[];
	/** More cases than the server reads for one list: the counts are at least these. */
	truncated: boolean;
}

/** One manager's digest of one day (GET /api/sla/digest). */
export interface DailyDigest extends DigestContent {
	day: string;
	entity_id: string;
	manager_id: string;
	made_at: string;
	working_days: number;
}

export function digestContent(cases: readonly WarningCase[], attention: readonly AttentionItem[], truncated: boolean, limit = DIGEST_LIST_LIMIT): DigestContent {
	const late = cases.filter((c) => c.warning === 'late');
	const dueSoon = cases.filter((c) => c.warning === 'due_soon');
	const low = attention.filter((a) => a.kind === 'low_rating');
	return {
		counts: { late: late.length, due_soon: dueSoon.length, low_ratings: low.length, reopened: attention.length - low.length },
		late: late.slice(0, limit),
		due_soon: dueSoon.slice(0, limit),
		attention: attention.slice(0, limit),
		truncated
	};
}

/** Nothing to chase: the digest is still made (the manager sees that all is in order), but
 * no SMS is sent for it. */
export const isQuietDigest = (counts: DigestCounts) => counts.late + counts.due_soon + counts.low_ratings + counts.reopened === 0;

/** The values of the digest's SMS text (`sms_template:manager_digest`). */
export function digestSmsValues(counts: DigestCounts, day: string, link: string): Record<string, string> {
	return {
		day,
		late: String(counts.late),
		due_soon: String(counts.due_soon),
		low_ratings: String(counts.low_ratings),
		reopened: String(counts.reopened),
		link
	};
}
