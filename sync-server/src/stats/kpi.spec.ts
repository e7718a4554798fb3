import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { BucketSet } from './buckets.js';
import { caseFacts } from './facts.js';
import { headline } from '../../../src/lib/domain/stats/kpi.js';
import { DEFAULT_CONVENTIONS, zeroTotals, type Conventions, type Totals } from '../../../src/lib/domain/stats/model.js';
import { addDays } from '../../../src/lib/domain/stats/periods.js';
import { entityDrillDown, nationalOverview, type StatsReader } from '../../../src/lib/domain/stats/query.js';
import { makeCase, replied } from '../../../tests/support/stats-cases.js';

const ctx = { timeZone: 'Asia/Bahrain', weekStart: 0, now: new Date('2021-01-01T00:00:00.000Z') };

function totals(fields: Partial<Totals>): Totals {
	return { ...zeroTotals(), ...fields };
}

function memoryReader(buckets: BucketSet): StatsReader & { reads: number } {
	const reader = {
		reads: 0,
		async range(first: string, last: string) {
			reader.reads++;
			return [...buckets.docs.values()].filter((d) => d._id >= first && d._id <= last).sort((a, b) => a._id.localeCompare(b._id));
		}
	};
	return reader;
}

describe('headline', () => {
	const t = totals({ received: 8, within: 3, late: 1, expired: 1, no_due: 2, replied: 4, reply_seconds: 4 * 86_400 * 2.5 });
	it.each<[string, Conventions, number]>([
		['cases without a due date left out, unreplied late ones count', DEFAULT_CONVENTIONS, 60],
		['cases without a due date on time (city)', { noDue: 'on_time', unrepliedPastDue: 'late' }, (100 * 5) / 7],
		['only replies judged', { noDue: 'excluded', unrepliedPastDue: 'pending' }, 75]
	])('%% within the period with %s', (_label, conventions, expected) => {
		const h = headline(t, null, conventions);
		expect(h.within_period_pct).toBeCloseTo(expected, 10);
		expect(h.avg_days_to_reply).toBe(2.5);
	});

	it('shows both no-due conventions side by side', () => {
		const h = headline(t, null, DEFAULT_CONVENTIONS);
		expect(h.within_period_pct_due_only).toBe(60);
		expect(h.within_period_pct_no_due_on_time).toBeCloseTo((100 * 5) / 7, 10);
	});

	it('says null, not 0 or NaN, where there is nothing to judge or rate', () => {
		const h = headline(totals({ received: 2 }), null, DEFAULT_CONVENTIONS);
		expect(h.within_period_pct).toBeNull();
		expect(h.avg_days_to_reply).toBeNull();
		expect(h.satisfaction).toBeNull();
		expect(h.rating_response_rate_pct).toBeNull();
	});

	it('averages each rating criterion over the ratings given', () => {
		const h = headline(totals({ rated: 2, rating_invited: 4, rating_sum_handling: 9, rating_sum_clarity: 8, rating_sum_courtesy: 7, rating_sum_ease_of_use: 6 }), null, DEFAULT_CONVENTIONS);
		expect(h.satisfaction).toEqual({ handling: 4.5, clarity: 4, courtesy: 3.5, ease_of_use: 3 });
		expect(h.rating_response_rate_pct).toBe(50);
	});
});

describe('overview and drill-down', () => {
	// Two years of cases, one every 3 days, alternating entities and types.
	const cases: CaseDoc[] = [];
	for (let i = 0, day = '2019-01-01'; day <= '2020-12-31'; i++, day = addDays(day, 3)) {
		const base = makeCase({
			at: `${day}T08:00:00.000Z`,
			entity_id: i % 2 ? 'works' : 'health',
			category_id: i % 2 ? 'works-potholes' : 'health-general',
			case_type: (['inquiry', 'complaint', 'suggestion'] as const)[i % 3]
		});
		cases.push(i % 4 === 0 ? base : replied(base, new Date(Date.parse(base.created_at) + (i % 7) * 86_400_000).toISOString()));
	}
	const buckets = new BucketSet();
	for (const c of cases) buckets.add(caseFacts(c, ctx));
	const inRange = (from: string, to: string, entity?: string) => cases.filter((c) => c.created_at.slice(0, 10) >= from && c.created_at.slice(0, 10) <= to && (!entity || c.entity_id === entity));

	it.each([
		['2019-01-01', '2020-12-31'],
		['2019-02-14', '2020-03-03'],
		['2020-02-29', '2020-02-29']
	])('counts every case received from %s to %s once, nationally and per entity', async (from, to) => {
		const reader = memoryReader(buckets);
		const national = await nationalOverview(reader, { from, to, trend: 'm' });
		expect(national.headline.cases).toBe(inRange(from, to).length);
		expect(national.groups.map((g) => [g.id, g.headline.cases])).toEqual(['health', 'works'].map((e) => [e, inRange(from, to, e).length]).filter(([, n]) => n !== 0));
		expect(national.trend.reduce((sum, p) => sum + p.headline.cases, 0)).toBe(national.headline.cases);
		const works = await entityDrillDown(reader, 'works', { from, to, trend: 'w', weekStart: 0 });
		expect(works.headline.cases).toBe(inRange(from, to, 'works').length);
		expect(works.headline.replied).toBe(inRange(from, to, 'works').filter((c) => c.sla.stopped_at).length);
		expect(works.trend.reduce((sum, p) => sum + p.headline.cases, 0)).toBe(works.headline.cases);
		// A handful of contiguous ranges, never one request per document.
		expect(reader.reads).toBeLessThanOrEqual(10);
	});

	it('reads a handful of documents for aligned years', async () => {
		const national = await nationalOverview(memoryReader(buckets), { from: '2019-01-01', to: '2020-12-31' });
		expect(national.documents).toBe(2);
		expect(national.by_type.suggestion.cases + national.by_type.inquiry.cases + national.by_type.complaint.cases).toBe(cases.length);
	});

	it('filters by case type and category', async () => {
		const works = await entityDrillDown(memoryReader(buckets), 'works', { from: '2019-01-01', to: '2020-12-31', filter: { case_types: ['complaint'], subs: ['works-potholes'] } });
		expect(works.headline.cases).toBe(cases.filter((c) => c.entity_id === 'works' && c.case_type === 'complaint').length);
		expect(works.headline.suggestions).toBe(0);
	});
});
