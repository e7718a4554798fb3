import { describe, expect, it } from 'vitest';
import { addFigures, emptyFigures, factFigures, figuresByEntity, summarise } from './figures.js';

const rating = (entity_id: string, s: [number, number, number, number], low = false) => ({
	fact: 'rating' as const,
	entity_id,
	scores: { handling: s[0], clarity: s[1], courtesy: s[2], ease_of_use: s[3] },
	low
});
const invitation = (entity_id: string) => ({ fact: 'invitation' as const, entity_id });

describe('rating figures', () => {
	it('averages per criterion, counts the distribution and the response rate, per entity', () => {
		const facts = [invitation('works'), invitation('works'), invitation('works'), invitation('works'), rating('works', [5, 4, 2, 5], true), rating('works', [3, 4, 4, 5]), invitation('health')];
		const byEntity = figuresByEntity(facts);
		const works = summarise(byEntity.get('works')!);
		expect(works).toMatchObject({ invitations: 4, ratings: 2, low: 1, response_rate: 0.5 });
		expect(works.average).toEqual({ handling: 4, clarity: 4, courtesy: 3, ease_of_use: 5 });
		expect(works.distribution.handling).toEqual([0, 0, 1, 0, 1]);
		expect(works.distribution.ease_of_use).toEqual([0, 0, 0, 0, 2]);
		expect(summarise(byEntity.get('health')!)).toMatchObject({ invitations: 1, ratings: 0, response_rate: 0, average: { handling: null } });
	});

	it('is additive: folding facts one by one equals summing the groups', () => {
		const facts = [invitation('x'), rating('x', [1, 2, 3, 4]), invitation('x'), rating('x', [5, 5, 5, 5])];
		const folded = facts.map(factFigures).reduce(addFigures, emptyFigures());
		const split = addFigures(facts.slice(0, 2).map(factFigures).reduce(addFigures, emptyFigures()), facts.slice(2).map(factFigures).reduce(addFigures, emptyFigures()));
		expect(split).toEqual(folded);
	});

	it('has no rate without invitations and ignores a malformed score', () => {
		expect(summarise(emptyFigures()).response_rate).toBeNull();
		const odd = factFigures({ fact: 'rating', scores: { handling: 9, clarity: 3, courtesy: 3, ease_of_use: 3 } });
		expect(odd.sum.handling).toBe(0);
		expect(odd.distribution.clarity).toEqual([0, 0, 1, 0, 0]);
	});
});
