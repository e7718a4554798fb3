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
