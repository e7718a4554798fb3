/** How alike two case texts are (issue 13), as one deterministic score in [0, 1]. A logistic
 * regression over a few features of the pair (`pairFeatures`) gives a logit:
 * - the overlap of their stemmed word sets (`matchTokens`): Dice, the same weighted by inverse
 *   document frequency, and the smaller share of either text's weight that the other covers;
 * - the cosine of their character 3-gram profiles over the folded text (`foldForMatch`), which
 *   catches the spelling variants and affixes the stemmer misses;
 * - what is left unmatched: how many words (on the side with more, and in all), the rarest of them,
 *   and for the common words of the tuning texts a weight of their own (a different "kind",
 *   "cause" or "place" word changes what is asked; a different "meaning" word does not);
 * - different question words (when / who / how many…), and numbers named on both sides but shared
 *   by neither.
 * The logit is mapped linearly so that the fitted decision boundary is `SIMILAR_THRESHOLD` (0.5)
 * and two texts with the same words score 1; below, the score reaches 0.
 * Two texts that both name numbers (street, road, block, house) but share none are about two
 * places: their score is scaled down under the threshold (`NUMBER_MISMATCH_CEILING`).
 * The weights are in `similar-model.ts`, fitted by `npm run similar:fit` on the tuning part of the
 * Arabic Q2Q pairs and on tests/fixtures/similar/bahrain-tuning-pairs.tsv, never on the pairs the
 * score is judged on (docs/similar.md). */
import { foldForMatch, foldedTokens } from './match-text.js';
import { DENSE_WEIGHTS, IDF, IDF_RARE, INTERCEPT, LOGIT_AT_THRESHOLD, QUESTION_PAIRS, UNMATCHED } from './similar-model.js';

export const SIMILAR_THRESHOLD = 0.5;
/** Factor for two texts whose numbers are all different: even a score of 1 ends under the
 * threshold, so clusters need not score a case against texts naming other numbers. */
export const NUMBER_MISMATCH_CEILING = 0.45;
const GRAM = 3;
/** Texts are compared on their first 4,000 characters: a case body is limited well below that,
 * and an oversized input must not cost more. */
const MAX_CHARS = 4000;
/** Unmatched words counted up to this many: beyond, a text is simply longer. */
const UNMATCHED_CAP = 4;

/** Question words (after folding) and the question each asks; a pair asking two different ones
 * is seldom the same question. */
const QUESTION_WORDS: Record<string, string> = {
	ما: 'what',
	ماذا: 'what',
	ماهو: 'what',
	ماهي: 'what',
	شنو: 'what',
	من: 'who',
	متي: 'when',
	اين: 'where',
	وين: 'where',
	كم: 'many',
	كيف: 'how',
	شلون: 'how',
	لماذا: 'why',
	ليش: 'why',
	هل: 'yes-no',
	اي: 'which'
};

export interface PreparedText {
	words: Set<string>;
	numbers: Set<string>;
	grams: Map<string, number>;
	gramNorm: number;
	/** The kinds of question asked. */
	questions: Set<string>;
	/** The same, sorted and joined ('' when none). */
	questionKey: string;
}

export function prepareText(text: string): PreparedText {
	const clipped = typeof text === 'string' ? text.slice(0, MAX_CHARS) : '';
	const words = new Set<string>();
	const numbers = new Set<string>();
	// Folded once: the tokens, the question words and the 3-grams all start from the folded text.
	const folded = foldForMatch(clipped);
	for (const token of foldedTokens(folded)) {
		if (token.kind === 'number') numbers.add(token.key);
		words.add(token.key);
	}
	const grams = new Map<string, number>();
	const questions = new Set<string>();
	for (const word of folded.split(' ')) {
		if (!word) continue;
		if (Object.hasOwn(QUESTION_WORDS, word)) questions.add(QUESTION_WORDS[word]);
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
	return { words, numbers, grams, gramNorm: Math.sqrt(sum), questions, questionKey: [...questions].sort().join('+') };
}

function gramCosine(a: PreparedText, b: PreparedText): number {
	if (a.gramNorm === 0 || b.gramNorm === 0) return 0;
	const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
	let dot = 0;
	for (const [gram, count] of small.grams) dot += count * (large.grams.get(gram) ?? 0);
	return dot / (a.gramNorm * b.gramNorm);
}

/** What the model is given about a word: its inverse document frequency (rare words say more). */
export type IdfOf = (word: string) => number;

const idfOf: IdfOf = (word) => IDF.get(word) ?? IDF_RARE;

export interface PairFeatures {
	/** In the order of `DENSE_WEIGHTS`. */
	dense: number[];
	/** The words of either text that the other lacks. */
	unmatched: string[];
	/** When the two texts ask different questions, the two (`what|who`), else null. */
	questionPair: string | null;
}

/** What one text's words give against another's: counted in `tally`. */
interface Tally {
	counted: number;
	weight: number;
	shared: number;
	sharedWeight: number;
	unmatched: number;
	rarestUnmatched: number;
	rarest: number;
}

function tallySide(self: PreparedText, other: PreparedText, numbersCompared: boolean, idf: IdfOf, unmatchedWords: string[]): Tally {
	const tally: Tally = { counted: 0, weight: 0, shared: 0, sharedWeight: 0, unmatched: 0, rarestUnmatched: 0, rarest: 0 };
	for (const word of self.words) {
		if (!numbersCompared && self.numbers.has(word)) continue;
		const weight = idf(word);
		tally.counted++;
		tally.weight += weight;
		if (weight > tally.rarest) tally.rarest = weight;
		if (other.words.has(word)) {
			tally.shared++;
			tally.sharedWeight += weight;
			continue;
		}
		tally.unmatched++;
		if (weight > tally.rarestUnmatched) tally.rarestUnmatched = weight;
		unmatchedWords.push(word);
	}
	return tally;
}

/** The pair's features. Symmetric: the same for (a, b) and (b, a). */
export function pairFeatures(a: PreparedText, b: PreparedText, idf: IdfOf = idfOf): PairFeatures {
	const unmatchedWords: string[] = [];
	// A number named by one text only is a detail the other left out, not a difference: numbers
	// are compared only when both texts name some.
	const numbersCompared = a.numbers.size > 0 && b.numbers.size > 0;
	const ta = tallySide(a, b, numbersCompared, idf, unmatchedWords);
	const tb = tallySide(b, a, numbersCompared, idf, unmatchedWords);
	const sizes = ta.counted + tb.counted;
	const dice = sizes === 0 ? 0 : (2 * ta.shared) / sizes;
	const weights = ta.weight + tb.weight;
	const weightedDice = weights === 0 ? 0 : (2 * ta.sharedWeight) / weights;
	const covered = ta.weight === 0 || tb.weight === 0 ? 0 : Math.min(ta.sharedWeight / ta.weight, ta.sharedWeight / tb.weight);
	const rarest = Math.max(ta.rarest, tb.rarest);
	const rarestUnmatched = Math.max(ta.rarestUnmatched, tb.rarestUnmatched);
	const grams = gramCosine(a, b);
	let questionsDiffer = a.questions.size > 0 && b.questions.size > 0;
	for (const q of a.questions) if (b.questions.has(q)) questionsDiffer = false;
	let questionPair: string | null = null;
	if (a.questionKey !== b.questionKey) {
		const [first, second] = [a.questionKey || '-', b.questionKey || '-'].sort();
		questionPair = `${first}|${second}`;
	}
	// Numbers are left out: 1205 is no spelling of 1250.
	const near = nearness(
		unmatchedWords.slice(0, ta.unmatched).filter((word) => !a.numbers.has(word)),
		unmatchedWords.slice(ta.unmatched).filter((word) => !b.numbers.has(word))
	);
	const most = Math.min(Math.max(ta.unmatched, tb.unmatched), UNMATCHED_CAP) / UNMATCHED_CAP;
	const total = Math.min(ta.unmatched + tb.unmatched, 2 * UNMATCHED_CAP) / (2 * UNMATCHED_CAP);
	return {
		dense: [
			dice,
			weightedDice,
			covered,
			grams,
			questionsDiffer ? 1 : 0,
			numbersCompared && numbersAllDiffer(a, b) ? 1 : 0,
			most,
			total,
			rarest === 0 ? 0 : rarestUnmatched / rarest,
			dice * grams,
			near
		],
		unmatched: unmatchedWords,
		questionPair
	};
}

interface Bigrams {
	counts: Map<string, number>;
	total: number;
}

const bigramCache = new Map<string, Bigrams>();

function bigramsOf(word: string): Bigrams {
	const cached = bigramCache.get(word);
	if (cached) return cached;
	const counts = new Map<string, number>();
	for (let i = 0; i + 2 <= word.length; i++) {
		const gram = word.slice(i, i + 2);
		counts.set(gram, (counts.get(gram) ?? 0) + 1);
	}
	const bigrams = { counts, total: Math.max(0, word.length - 1) };
	// Bounded: a stream of hostile one-off words must not grow the cache without end.
	if (bigramCache.size > 50_000) bigramCache.clear();
	bigramCache.set(word, bigrams);
	return bigrams;
}

function bigramDice(x: Bigrams, y: Bigrams): number {
	if (x.total === 0 || y.total === 0) return 0;
	let shared = 0;
	for (const [gram, count] of x.counts) {
		const other = y.counts.get(gram);
		if (other !== undefined) shared += Math.min(count, other);
	}
	return (2 * shared) / (x.total + y.total);
}

/** How near the words one text left unmatched are to the other's: the mean, over them all, of the
 * best bigram Dice with a word of the other side (a spelling or form the stemmer did not join). */
function nearness(left: string[], right: string[]): number {
	if (left.length === 0 || right.length === 0) return 0;
	const l = left.map(bigramsOf);
	const r = right.map(bigramsOf);
	// Each pair of words is compared once; the best for each word on either side is kept.
	const bestRight = new Array<number>(r.length).fill(0);
	let sum = 0;
	for (const x of l) {
		let bestLeft = 0;
		for (let j = 0; j < r.length; j++) {
			const dice = bigramDice(x, r[j]);
			if (dice > bestLeft) bestLeft = dice;
			if (dice > bestRight[j]) bestRight[j] = dice;
		}
		sum += bestLeft;
	}
	for (const best of bestRight) sum += best;
	return sum / (left.length + right.length);
}

function numbersAllDiffer(a: PreparedText, b: PreparedText): boolean {
	if (a.numbers.size === 0 || b.numbers.size === 0) return false;
	for (const n of a.numbers) if (b.numbers.has(n)) return false;
	return true;
}

/** The model's logit for a pair's features, with the committed weights. */
function logit(features: PairFeatures): number {
	let z = INTERCEPT;
	for (let i = 0; i < features.dense.length; i++) z += DENSE_WEIGHTS[i] * features.dense[i];
	for (const word of features.unmatched) z += UNMATCHED.get(word) ?? 0;
	if (features.questionPair !== null) z += QUESTION_PAIRS.get(features.questionPair) ?? 0;
	return z;
}

/** The logit of two texts with the same words: all overlaps 1, nothing unmatched. */
const LOGIT_OF_SAME = INTERCEPT + DENSE_WEIGHTS[0] + DENSE_WEIGHTS[1] + DENSE_WEIGHTS[2] + DENSE_WEIGHTS[3] + DENSE_WEIGHTS[9];

/** The similarity of two texts (or texts already prepared), in [0, 1]; 0 when either has nothing
 * to compare (empty, only emoji or punctuation). Symmetric and deterministic. */
export function similarity(a: string | PreparedText, b: string | PreparedText): number {
	const pa = typeof a === 'string' ? prepareText(a) : a;
	const pb = typeof b === 'string' ? prepareText(b) : b;
	if (pa.words.size === 0 || pb.words.size === 0) return 0;
	const z = logit(pairFeatures(pa, pb));
	let score = SIMILAR_THRESHOLD + ((1 - SIMILAR_THRESHOLD) * (z - LOGIT_AT_THRESHOLD)) / (LOGIT_OF_SAME - LOGIT_AT_THRESHOLD);
	score = Math.min(1, Math.max(0, score));
	if (numbersAllDiffer(pa, pb)) score *= NUMBER_MISMATCH_CEILING;
	// Rounded so that the same pair gives the same score whatever the order of summation.
	return Math.round(score * 1e6) / 1e6;
}

/** Whether two texts are taken to be about the same case, at the production threshold. */
export function isSameCase(a: string | PreparedText, b: string | PreparedText): boolean {
	return similarity(a, b) >= SIMILAR_THRESHOLD;
}
