import { describe, expect, it } from 'vitest';
import { localToday, niceMax, overviewParams, pouchReader, ranked, type Headline } from './dashboard';

const h = (within_period_pct: number | null, cases: number) => ({ within_period_pct, cases }) as Headline;

describe('dashboard helpers', () => {
	it('ranks by % answered within the period, nulls last', () => {
		const order = ranked([
			{ id: 'a', headline: h(null, 9) },
			{ id: 'b', headline: h(50, 1) },
			{ id: 'c', headline: h(90, 1) },
			{ id: 'd', headline: h(50, 5) }
		]).map((g) => g.id);
		expect(order).toEqual(['c', 'd', 'b', 'a']);
	});

	it('builds the API query string', () => {
		const q = overviewParams({ scope: 'works', from: '2026-01-01', to: '2026-03-31', trend: 'm', case_types: ['complaint'], conventions: { noDue: 'on_time', unrepliedPastDue: 'late' } });
		expect(new URLSearchParams(q).get('scope')).toBe('works');
		expect(new URLSearchParams(q).get('no_due')).toBe('on_time');
		expect(new URLSearchParams(q).get('case_types')).toBe('complaint');
	});

	it('rounds chart scales up', () => {
		expect([0, 3, 7, 12, 180, 1000].map(niceMax)).toEqual([1, 5, 10, 20, 200, 1000]);
	});

	it('knows today in a time zone', () => {
		expect(localToday('Asia/Bahrain', new Date('2026-01-01T22:00:00Z'))).toBe('2026-01-02');
	});

	it('reads a PouchDB by id ranges, stats documents only', async () => {
		const reader = pouchReader({
			allDocs: async (options: object) => {
				expect(options).toMatchObject({ startkey: 'y:_all:2026', endkey: 'y:_all:2026', include_docs: true });
				return {
					rows: [
						{ id: 'y:_all:2026', doc: { _id: 'y:_all:2026', type: 'stats', cells: {} } },
						{ id: 'x', doc: { type: 'other' } }
					]
				};
			}
		});
		expect(await reader.range('y:_all:2026', 'y:_all:2026')).toHaveLength(1);
	});
});
