/** Similar cases (issue 13), measured on labelled pairs:
 * - similar.q2q_f1: F1 on the held-back fifth of the Arabic Q2Q pairs (../shared/data/arabic_q2q,
 *   or BENCH_Q2Q), every fifth row from the first; the threshold is the best one on the other four
 *   fifths, which is also where the production SIMILAR_THRESHOLD was chosen;
 * - similar.bahrain_f1: F1 of the production threshold on the Bahraini complaint paraphrases in
 *   tests/fixtures/similar;
 * - similar.pair_us: mean time to score one pair from raw texts. */
import fs from 'node:fs';
import path from 'node:path';
import { SIMILAR_THRESHOLD } from '../src/lib/domain/similar.js';
import { bestThreshold, measure, parsePairs, scorePairs, type LabelledPair } from '../sync-server/src/similar/pairs.js';
import { emit } from './emit.js';

const ROOT = path.resolve(import.meta.dirname, '..');
export const Q2Q = process.env.BENCH_Q2Q ?? path.resolve(ROOT, '../shared/data/arabic_q2q/q2q_similarity_workshop_v2.1.tsv');
const BAHRAIN = path.join(ROOT, 'tests/fixtures/similar/bahrain-complaint-pairs.tsv');
/** Every HELD_BACK-th row (0, 5, 10, …) is reported on; the rest is tuned on. Fixed here. */
export const HELD_BACK = 5;

/** The Q2Q file's columns are question1, question2, label. */
export function readQ2q(file: string): LabelledPair[] {
	return fs
		.readFileSync(file, 'utf8')
		.split(/\r?\n/)
		.slice(1)
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const [a, b, label] = line.split('\t');
			return { same: label.trim() === '1', a, b };
		});
}

export async function benchSimilar(): Promise<void> {
	if (fs.existsSync(Q2Q)) {
		const pairs = readQ2q(Q2Q);
		const tune = pairs.filter((_, i) => i % HELD_BACK !== 0);
		const held = pairs.filter((_, i) => i % HELD_BACK === 0);
		const threshold = bestThreshold(scorePairs(tune));
		const started = performance.now();
		const heldScores = scorePairs(held);
		const elapsed = performance.now() - started;
		const result = measure(heldScores, threshold);
		emit({
			name: 'similar.q2q_f1',
			value: result.f1,
			unit: 'f1',
			pairs: result.pairs,
			precision: result.precision,
			recall: result.recall,
			threshold,
			production_threshold: SIMILAR_THRESHOLD,
			production_f1: measure(heldScores, SIMILAR_THRESHOLD).f1,
			target: 0.85
		});
		emit({ name: 'similar.pair_us', value: Math.round((elapsed * 1000) / held.length), unit: 'µs', pairs: held.length });
	} else {
		process.stdout.write(JSON.stringify({ name: 'similar.q2q_f1', skipped: `${Q2Q} is absent (set BENCH_Q2Q)` }) + '\n');
	}
	const bahrain = measure(scorePairs(parsePairs(fs.readFileSync(BAHRAIN, 'utf8'))));
	emit({ name: 'similar.bahrain_f1', value: bahrain.f1, unit: 'f1', pairs: bahrain.pairs, precision: bahrain.precision, recall: bahrain.recall, threshold: bahrain.threshold, target: 0.85 });
}
