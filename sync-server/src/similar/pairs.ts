/** Measuring the production similarity on labelled pairs (issue 13): read a
 * `label<TAB>text_a<TAB>text_b` file, score every pair with `similarity`, and count precision,
 * recall and F1 at a threshold (the production one unless a bench tunes another on its own part). */
import { similarity, SIMILAR_THRESHOLD } from '../../../src/lib/domain/similar.js';

export interface LabelledPair {
	same: boolean;
	a: string;
	b: string;
}

export class PairsFormatError extends Error {}

/** Parses the file's text. The header must be `label<TAB>text_a<TAB>text_b`; every other
 * non-blank line must have a label 0 or 1 and two texts. */
export function parsePairs(text: string): LabelledPair[] {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	const header = lines.at(0)?.trim().split('\t');
	if (!header || header.join('\t') !== 'label\ttext_a\ttext_b') throw new PairsFormatError('the first line must be the header label<TAB>text_a<TAB>text_b');
	const pairs: LabelledPair[] = [];
	for (let i = 1; i < lines.length; i++) {
		if (lines[i].trim() === '') continue;
		const fields = lines[i].split('\t');
		if (fields.length !== 3 || !/^[01]$/.test(fields[0].trim())) throw new PairsFormatError(`line ${i + 1}: expected a label 0 or 1 and two texts separated by tabs`);
		pairs.push({ same: fields[0].trim() === '1', a: fields[1], b: fields[2] });
	}
	return pairs;
}

export interface PairScores {
	same: boolean;
	score: number;
}

export function scorePairs(pairs: LabelledPair[]): PairScores[] {
	return pairs.map((p) => ({ same: p.same, score: similarity(p.a, p.b) }));
}

export interface PairMeasure {
	pairs: number;
	precision: number;
	recall: number;
	f1: number;
	threshold: number;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function measure(scores: PairScores[], threshold: number = SIMILAR_THRESHOLD): PairMeasure {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	for (const { same, score } of scores) {
		if (score >= threshold) {
			if (same) tp++;
			else fp++;
		} else if (same) fn++;
	}
	const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
	const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
	const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
	return { pairs: scores.length, precision: round(precision), recall: round(recall), f1: round(f1), threshold };
}

/** The threshold, on a grid of hundredths, that gives the best F1 on these scores (ties go to the
 * lower one). Used only on a tuning part, never on the pairs the result is reported on. */
export function bestThreshold(scores: PairScores[]): number {
	let best = { threshold: SIMILAR_THRESHOLD, f1: -1 };
	for (let t = 5; t <= 95; t++) {
		const { f1 } = measure(scores, t / 100);
		if (f1 > best.f1) best = { threshold: t / 100, f1 };
	}
	return best.threshold;
}
