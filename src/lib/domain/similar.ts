/** How alike two case texts are (issue 13), as one deterministic score in [0, 1]: the mean of
 * - the Dice overlap of their stemmed word sets (`matchTokens`), and
 * - the cosine of their character 3-gram profiles over the folded text (`foldForMatch`), which
 *   catches the spelling variants and affixes the stemmer misses.
 * Two texts that both name numbers (street, road, block, house) but share none are about two
 * places: their score is scaled down. `SIMILAR_THRESHOLD` is the production cut-off, chosen on the
 * tuning part of the Arabic Q2Q pairs (see docs/similar.md) and never on the pairs it is judged on. */
import { foldForMatch, foldedTokens } from './match-text.js';

export const SIMILAR_THRESHOLD = 0.5;
/** Weight of the word score; the 3-gram score gets the rest. */
const WORD_WEIGHT = 0.5;
/** Factor for two texts whose numbers are all different. */
const NUMBER_MISMATCH = 0.5;
const GRAM = 3;
/** Texts are compared on their first 4,000 characters: a case body is limited well below that,
 * and an oversized input must not cost more. */
const MAX_CHARS = 4000;

export interface PreparedText {
	words: Set<string>;
	numbers: Set<string>;
	grams: Map<string, number>;
	gramNorm: number;
}

export function prepareText(text: string): PreparedText {
	const clipped = typeof text === 'string' ? text.slice(0, MAX_CHARS) : '';
	const words = new Set<string>();
	const numbers = new Set<string>();
	// Folded once: the tokens and the 3-grams both start from the folded text.
	const folded = foldForMatch(clipped);
	for (const token of foldedTokens(folded)) {
		if (token.kind === 'number') numbers.add(token.key);
		words.add(token.key);
	}
	const grams = new Map<string, number>();
	for (const word of folded.split(' ')) {
		if (!word) continue;
		const padded = ` ${word} `;
		if (padded.length <= GRAM) {
			grams.set(padded, (grams.get(padded) ?? 0) + 1);
			continue;
		}
		for (let i = 0; i + GRAM <= padded.length; i++) {
			const gram = padded.slice(i, i + GRAM);
			grams.set(gram, (grams.get(gram) ?? 0) + 1);
		}
	}
	let sum = 0;
	for (const count of grams.values()) sum += count * count;
	return { words, numbers, grams, gramNorm: Math.sqrt(sum) };
}

function wordDice(a: PreparedText, b: PreparedText): number {
	if (a.words.size === 0 || b.words.size === 0) return 0;
	let shared = 0;
	for (const word of a.words) if (b.words.has(word)) shared++;
	return (2 * shared) / (a.words.size + b.words.size);
}

function gramCosine(a: PreparedText, b: PreparedText): number {
	if (a.gramNorm === 0 || b.gramNorm === 0) return 0;
	const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
	let dot = 0;
	for (const [gram, count] of small.grams) dot += count * (large.grams.get(gram) ?? 0);
	return dot / (a.gramNorm * b.gramNorm);
}

/** The similarity of two texts (or texts already prepared), in [0, 1]; 0 when either has nothing
 * to compare (empty, only emoji or punctuation). Symmetric and deterministic. */
export function similarity(a: string | PreparedText, b: string | PreparedText): number {
	const pa = typeof a === 'string' ? prepareText(a) : a;
	const pb = typeof b === 'string' ? prepareText(b) : b;
	let score = WORD_WEIGHT * wordDice(pa, pb) + (1 - WORD_WEIGHT) * gramCosine(pa, pb);
	if (pa.numbers.size > 0 && pb.numbers.size > 0 && ![...pa.numbers].some((n) => pb.numbers.has(n))) score *= NUMBER_MISMATCH;
	// Rounded so that the same pair gives the same score whatever the order of summation.
	return Math.round(Math.min(1, Math.max(0, score)) * 1e6) / 1e6;
}

/** Whether two texts are taken to be about the same case, at the production threshold. */
export function isSameCase(a: string | PreparedText, b: string | PreparedText): boolean {
	return similarity(a, b) >= SIMILAR_THRESHOLD;
}
