/** npm run similar:fit: fits the weights of the production similarity (src/lib/domain/similar.ts)
 * and writes them to src/lib/domain/similar-model.ts. Run it again after changing the features,
 * the folding or the stemming, then `npm run bench similar` to measure the result.
 *
 * Fitted only on tuning pairs: the four fifths of the Arabic Q2Q pairs that `bench/similar.ts`
 * does not report on (`HELD_BACK`), and the Bahraini complaint pairs written for tuning
 * (tests/fixtures/similar/bahrain-tuning-pairs.tsv, each counted `BAHRAIN_WEIGHT` times: they are
 * few, and complaints are what the score is for). Never on the held-back fifth, nor on
 * tests/fixtures/similar/bahrain-complaint-pairs.tsv.
 *
 * - inverse document frequencies: from the tuning texts, each question or complaint one document;
 *   words seen in fewer than `IDF_MIN_DF` texts share the rare words' value;
 * - a logistic regression (Adam, full batch, L2) over the dense features of `pairFeatures` and the
 *   sparse ones seen at least `SPARSE_MIN_COUNT` times whose word is in at least
 *   `SPARSE_MIN_DF` tuning texts (common words, not topics);
 * - the threshold: the logit with the best F1 on the Q2Q tuning pairs, written as
 *   `LOGIT_AT_THRESHOLD` so that the production threshold stays 0.5.
 * `npm run similar:fit -- --check` fits without one more fifth and prints the F1 on it. */
import fs from 'node:fs';
import path from 'node:path';
import { pairFeatures, prepareText, type PairFeatures } from '../src/lib/domain/similar.js';
import { parsePairs, type LabelledPair } from '../sync-server/src/similar/pairs.js';
import { HELD_BACK, Q2Q, readQ2q } from './similar.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BAHRAIN_TUNING = path.join(ROOT, 'tests/fixtures/similar/bahrain-tuning-pairs.tsv');
const OUT = path.join(ROOT, 'src/lib/domain/similar-model.ts');
const BAHRAIN_WEIGHT = 10;
const IDF_MIN_DF = 5;
const SPARSE_MIN_COUNT = 5;
const SPARSE_MIN_DF = 10;
const L2 = 1e-4;
const ITERATIONS = 1000;
const LEARNING_RATE = 0.05;

/** With --check, one more fifth (every fifth row from the fifth) is left out of the fit and the
 * F1 on it printed, and nothing is written: to compare changes without looking at the held-back
 * fifth. */
const CHECK = process.argv.includes('--check');
const CHECK_PART = 4;
const q2qAll = readQ2q(Q2Q);
const inCheck = (i: number) => CHECK && i % HELD_BACK === CHECK_PART;
const q2q = q2qAll.filter((_, i) => i % HELD_BACK !== 0 && !inCheck(i));
const bahrain = parsePairs(fs.readFileSync(BAHRAIN_TUNING, 'utf8'));
const prepared = (pairs: LabelledPair[]) => pairs.map((p) => ({ same: p.same, a: prepareText(p.a), b: prepareText(p.b) }));
const tuneQ2q = prepared(q2q);
const tuneBahrain = prepared(bahrain);

const df = new Map<string, number>();
let documents = 0;
for (const { a, b } of [...tuneQ2q, ...tuneBahrain]) {
	for (const text of [a, b]) {
		documents++;
		for (const word of text.words) df.set(word, (df.get(word) ?? 0) + 1);
	}
}
const idfOfCount = (count: number) => Math.log((documents + 1) / (count + 1));
const idfRare = idfOfCount(IDF_MIN_DF - 1);
const idf = new Map([...df].filter(([, count]) => count >= IDF_MIN_DF).map(([word, count]) => [word, round(idfOfCount(count))]));
const idfOf = (word: string) => idf.get(word) ?? idfRare;

const rows = [...tuneQ2q.map((p) => ({ ...p, weight: 1 })), ...tuneBahrain.map((p) => ({ ...p, weight: BAHRAIN_WEIGHT }))].map((p) => ({
	same: p.same,
	weight: p.weight,
	features: pairFeatures(p.a, p.b, idfOf)
}));
/** The sparse features of a pair: `u:` and each unmatched word, `q:` and the two questions. */
const sparseOf = (features: PairFeatures) => [...new Set(features.unmatched.map((word) => `u:${word}`)), ...(features.questionPair === null ? [] : [`q:${features.questionPair}`])];
const counts = new Map<string, number>();
for (const { features } of rows) for (const key of sparseOf(features)) counts.set(key, (counts.get(key) ?? 0) + 1);
const isCommon = (key: string) => key.startsWith('q:') || ((df.get(key.slice(2)) ?? 0) >= SPARSE_MIN_DF && !/^\p{N}+$/u.test(key.slice(2)));
const sparseKeys = [...counts].filter(([key, count]) => count >= SPARSE_MIN_COUNT && isCommon(key)).map(([key]) => key);
const sparseIndex = new Map(sparseKeys.map((key, i) => [key, i]));
const denseCount = rows[0].features.dense.length;
const indexed = rows.map((r) => ({ ...r, sparse: sparseOf(r.features).flatMap((key) => sparseIndex.get(key) ?? []) }));

// Weights: dense first, then the intercept, then the sparse ones.
const size = denseCount + 1 + sparseKeys.length;
const w = new Float64Array(size);
const m = new Float64Array(size);
const v = new Float64Array(size);
const totalWeight = indexed.reduce((s, r) => s + r.weight, 0);
const z = (features: PairFeatures, sparse: number[]) => {
	let sum = w[denseCount];
	features.dense.forEach((x, i) => (sum += w[i] * x));
	for (const k of sparse) sum += w[denseCount + 1 + k];
	return sum;
};
for (let t = 1; t <= ITERATIONS; t++) {
	const gradient = new Float64Array(size);
	for (const r of indexed) {
		const error = r.weight * (1 / (1 + Math.exp(-z(r.features, r.sparse))) - (r.same ? 1 : 0));
		r.features.dense.forEach((x, i) => (gradient[i] += error * x));
		gradient[denseCount] += error;
		for (const k of r.sparse) gradient[denseCount + 1 + k] += error;
	}
	for (let j = 0; j < size; j++) {
		const g = gradient[j] / totalWeight + (j === denseCount ? 0 : L2 * w[j]);
		m[j] = 0.9 * m[j] + 0.1 * g;
		v[j] = 0.999 * v[j] + 0.001 * g * g;
		w[j] -= (LEARNING_RATE * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
	}
}

// The threshold: the logit with the best F1 on the Q2Q tuning pairs.
const q2qLogits = indexed.filter((r) => r.weight === 1).map((r) => ({ same: r.same, z: z(r.features, r.sparse) }));
const positives = q2qLogits.filter((r) => r.same).length;
let best = { f1: -1, at: 0 };
const sorted = [...q2qLogits].sort((a, b) => b.z - a.z);
let tp = 0;
sorted.forEach((r, i) => {
	if (r.same) tp++;
	const f1 = (2 * tp) / (i + 1 + positives);
	if (f1 > best.f1 && (i + 1 === sorted.length || sorted[i + 1].z < r.z)) best = { f1, at: r.z };
});

// The score maps the logit linearly between the threshold and two texts with the same words.
const logitOfSame = w[denseCount] + w[0] + w[1] + w[2] + w[3] + w[9];
if (!(logitOfSame > best.at)) throw new Error(`texts with the same words (logit ${logitOfSame}) must score above the threshold (${best.at})`);

if (CHECK) {
	const checked = prepared(q2qAll.filter((_, i) => inCheck(i)));
	let truePositives = 0;
	let predicted = 0;
	let actual = 0;
	for (const p of checked) {
		const features = pairFeatures(p.a, p.b, idfOf);
		const same =
			z(
				features,
				sparseOf(features).flatMap((key) => sparseIndex.get(key) ?? [])
			) >= best.at;
		if (same) predicted++;
		if (p.same) actual++;
		if (same && p.same) truePositives++;
	}
	process.stdout.write(JSON.stringify({ check_pairs: checked.length, check_f1: round((2 * truePositives) / (predicted + actual)), tuning_f1: round(best.f1) }) + '\n');
	process.exit(0);
}

function round(x: number): number {
	return Math.round(x * 1000) / 1000;
}
const entries = (pairs: [string, number][]) => pairs.map(([key, value]) => `\t[${JSON.stringify(key.replace(/^[uq]:/, ''))}, ${value}]`).join(',\n');
const sparseWeights = sparseKeys.map((key, i) => [key, round(w[denseCount + 1 + i])] as [string, number]).filter(([, weight]) => Math.abs(weight) >= 0.05);
const lines = [
	'/** Written by `npm run similar:fit` (bench/similar-fit.ts) from the tuning pairs only; see',
	' * src/lib/domain/similar.ts for what each weight multiplies. Fit again rather than edit. */',
	'',
	`export const INTERCEPT = ${round(w[denseCount])};`,
	`export const DENSE_WEIGHTS: readonly number[] = [${Array.from(w.slice(0, denseCount), round).join(', ')}];`,
	`/** The logit with the best F1 on the Q2Q tuning pairs (${round(best.f1)}): it maps to the threshold. */`,
	`export const LOGIT_AT_THRESHOLD = ${round(best.at)};`,
	`/** The inverse document frequency of a word seen in fewer than ${IDF_MIN_DF} of the ${documents} tuning texts. */`,
	`export const IDF_RARE = ${round(idfRare)};`,
	`export const IDF = new Map<string, number>([\n${entries([...idf].sort(([a], [b]) => (a < b ? -1 : 1)))}\n]);`,
	'/** Weights of a common word left unmatched by the other text. */',
	`export const UNMATCHED = new Map<string, number>([\n${entries(sparseWeights.filter(([key]) => key.startsWith('u:')))}\n]);`,
	'/** Weights of two texts asking different questions. */',
	`export const QUESTION_PAIRS = new Map<string, number>([\n${entries(sparseWeights.filter(([key]) => key.startsWith('q:')))}\n]);`,
	''
];
fs.writeFileSync(OUT, lines.join('\n'));
process.stdout.write(
	JSON.stringify({ written: path.relative(ROOT, OUT), q2q_pairs: tuneQ2q.length, bahrain_pairs: tuneBahrain.length, idf_words: idf.size, sparse: sparseWeights.length, tuning_f1: round(best.f1) }) +
		'\n'
);
