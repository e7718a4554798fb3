import { describe, expect, it } from 'vitest';
import { attentionItem, type AttentionValue } from './warnings.js';

const base = { ref: '26-000001-3', subject: 'Pothole', case_type: 'complaint', category_id: 'works-potholes', status: 'answered', at: '2026-01-06T06:00:00.000Z' } as const;

describe('attentionItem', () => {
	const low: AttentionValue = { ...base, kind: 'low_rating', scores: { handling: 1, clarity: 3, courtesy: 2, ease_of_use: 5 }, min_score: 1, comment: 'Slow' };

	it.each([
		[
			'the criteria at or below the threshold',
			2,
			[
				['handling', 1],
				['courtesy', 2]
			]
		],
		[
			'more of them under a higher threshold',
			3,
			[
				['handling', 1],
				['clarity', 3],
				['courtesy', 2]
			]
		],
		['the lowest when the threshold was lowered since the rating', 0, [['handling', 1]]]
	])('shows %s', (_label, threshold, expected) => {
		const item = attentionItem('case:k1', low, threshold as number);
		expect(item).toMatchObject({ kind: 'low_rating', case_key: 'k1', comment: 'Slow' });
		expect(item.low_criteria).toEqual((expected as [string, number][]).map(([criterion, score]) => ({ criterion, score })));
	});

	it('shows the reason and count of a reopening, and no criteria', () => {
		const item = attentionItem('case:k2', { ...base, status: 'open', kind: 'reopened', reason: 'Still broken', reopened: 2 }, 2);
		expect(item).toEqual({ ...base, status: 'open', kind: 'reopened', case_key: 'k2', reason: 'Still broken', reopened: 2 });
	});
});
