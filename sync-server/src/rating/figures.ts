/** Rating figures per entity for the dashboard (ARCHITECTURE §1, minister's office): average per
 * criterion, the distribution of scores, low ratings, and the response rate (ratings ÷
 * invitations). Pure and additive: `factFigures` turns one fact into figures, `addFigures` sums
 * any two, so the statistics can fold facts in as they arrive, per entity, day or year, and
 * `summarise` gives the averages and the rate. Facts carry no personal data (docs.ts). */
import { RATING_CRITERIA, SCORE_MAX, type RatingCriterion } from '../../../src/lib/domain/rating.js';
import type { RatingFactDoc } from './docs.js';

export interface RatingFigures {
	invitations: number;
	ratings: number;
	low: number;
	/** Per criterion: the sum of scores, and counts of 1…5 at indexes 0…4. */
	sum: Record<RatingCriterion, number>;
	distribution: Record<RatingCriterion, number[]>;
}

export interface RatingSummary {
	invitations: number;
	ratings: number;
	low: number;
	/** null until there are invitations. */
	response_rate: number | null;
	/** null per criterion until there are ratings; two decimals. */
	average: Record<RatingCriterion, number | null>;
	distribution: Record<RatingCriterion, number[]>;
}

const perCriterion = <T>(make: () => T) => Object.fromEntries(RATING_CRITERIA.map((c) => [c, make()])) as Record<RatingCriterion, T>;

export function emptyFigures(): RatingFigures {
	return { invitations: 0, ratings: 0, low: 0, sum: perCriterion(() => 0), distribution: perCriterion(() => Array(SCORE_MAX).fill(0)) };
}

/** One fact as figures: an invitation counts one invitation; a rating one rating and its scores. */
export function factFigures(fact: Pick<RatingFactDoc, 'fact' | 'scores' | 'low'>): RatingFigures {
	const figures = emptyFigures();
	if (fact.fact === 'invitation') {
		figures.invitations = 1;
		return figures;
	}
	figures.ratings = 1;
	figures.low = fact.low ? 1 : 0;
	for (const criterion of RATING_CRITERIA) {
		const score = fact.scores?.[criterion];
		if (!Number.isInteger(score) || score! < 1 || score! > SCORE_MAX) continue;
		figures.sum[criterion] = score!;
		figures.distribution[criterion][score! - 1] = 1;
	}
	return figures;
}

export function addFigures(a: RatingFigures, b: RatingFigures): RatingFigures {
	return {
		invitations: a.invitations + b.invitations,
		ratings: a.ratings + b.ratings,
		low: a.low + b.low,
		sum: (Object.fromEntries(RATING_CRITERIA.map((c) => [c, a.sum[c] + b.sum[c]])) as Record<RatingCriterion, number>),
		distribution: Object.fromEntries(RATING_CRITERIA.map((c) => [c, a.distribution[c].map((n, i) => n + b.distribution[c][i])])) as Record<RatingCriterion, number[]>
	};
}

export function summarise(figures: RatingFigures): RatingSummary {
	const round = (n: number) => Math.round(n * 100) / 100;
	return {
		invitations: figures.invitations,
		ratings: figures.ratings,
		low: figures.low,
		response_rate: figures.invitations > 0 ? round(figures.ratings / figures.invitations) : null,
		average: (Object.fromEntries(RATING_CRITERIA.map((c) => [c, figures.ratings > 0 ? round(figures.sum[c] / figures.ratings) : null])) as Record<RatingCriterion, number | null>),
		distribution: figures.distribution
	};
}

/** Facts grouped by entity, summed: what a per-entity table shows. */
export function figuresByEntity(facts: Iterable<Pick<RatingFactDoc, 'fact' | 'entity_id' | 'scores' | 'low'>>): Map<string, RatingFigures> {
	const byEntity = new Map<string, RatingFigures>();
	for (const fact of facts) byEntity.set(fact.entity_id, addFigures(byEntity.get(fact.entity_id) ?? emptyFigures(), factFigures(fact)));
	return byEntity;
}
