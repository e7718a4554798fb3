import { describe, expect, it } from 'vitest';
import { coarse, PUBLIC_PHOTOS_PER_AREA, summariseReports, type PublicReport } from './public-reports';

const report = (lat: number, lng: number, status: PublicReport['status'], extra: Partial<PublicReport> = {}): PublicReport => ({
	category_id: 'works-potholes',
	entity_id: 'works',
	status,
	lat,
	lng,
	supporters: 0,
	...extra
});

describe('summariseReports', () => {
	it('counts waiting and answered reports by area of about a kilometre and by category, the most reported first', () => {
		const summary = summariseReports(
			[
				report(26.2235, 50.5876, 'open', { supporters: 2 }),
				report(26.2241, 50.5881, 'awaiting_citizen'),
				report(26.15, 50.62, 'answered'),
				report(26.1501, 50.6203, 'closed', { category_id: 'works-street-lights' }),
				report(26.2233, 50.5879, 'closed', { category_id: 'works-street-lights' })
			],
			'2026-09-08',
			false
		);
		expect(summary).toMatchObject({ since: '2026-09-08', total: 5, waiting: 2, answered: 3, supporters: 2, truncated: false });
		expect(summary.areas).toEqual([
			{ lat: 26.22, lng: 50.59, waiting: 2, answered: 1, supporters: 2, photos: [] },
			{ lat: 26.15, lng: 50.62, waiting: 0, answered: 2, supporters: 0, photos: [] }
		]);
		expect(summary.categories.map((c) => [c.category_id, c.waiting, c.answered])).toEqual([
			['works-potholes', 2, 1],
			['works-street-lights', 0, 2]
		]);
	});

	it('gives the same page for the same reports in any order, and nothing for none', () => {
		const reports = [report(26.1, 50.5, 'open'), report(26.2, 50.6, 'open'), report(26.3, 50.4, 'answered')];
		expect(summariseReports(reports, 'd', false)).toEqual(summariseReports([...reports].reverse(), 'd', false));
		expect(summariseReports([], 'd', true)).toEqual({ since: 'd', total: 0, waiting: 0, answered: 0, supporters: 0, areas: [], categories: [], truncated: true });
	});

	it('lists the photos chosen for the public beside their area, a few per area, the same in any order', () => {
		const photo = (id: string, category = 'works-potholes') => report(26.2235, 50.5876, 'open', { photo: id, category_id: category });
		const reports = [photo('e'), photo('a', 'works-street-lights'), photo('d'), photo('c'), photo('b'), report(26.2236, 50.5877, 'open'), report(26.15, 50.62, 'answered')];
		const summary = summariseReports(reports, 'd', false);
		expect(summary.areas[0].photos).toEqual([
			{ id: 'a', category_id: 'works-street-lights' },
			{ id: 'b', category_id: 'works-potholes' },
			{ id: 'c', category_id: 'works-potholes' },
			{ id: 'd', category_id: 'works-potholes' }
		]);
		expect(summary.areas[0].photos).toHaveLength(PUBLIC_PHOTOS_PER_AREA);
		expect(summary.areas[1].photos).toEqual([]);
		expect(summariseReports([...reports].reverse(), 'd', false)).toEqual(summary);
	});

	it('keeps places to two decimals', () => {
		expect(coarse(26.22351)).toBe(26.22);
		expect(coarse(50.58762)).toBe(50.59);
	});
});
