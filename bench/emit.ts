import { STORE } from './store.js';

/** One JSON object per line: name, value, unit, the store it was measured on, and whatever context
 * the figure needs. */
export function emit(figure: { name: string; value: number; unit: string; [key: string]: unknown }): void {
	process.stdout.write(JSON.stringify({ ...figure, store: STORE }) + '\n');
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, index)];
}

/** A small deterministic generator (mulberry32): the same seed gives the same numbers in [0, 1)
 * on every run, so two runs measure the same generated data. */
export function seededRandom(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), 1 | s);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}
