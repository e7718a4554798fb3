/** One JSON object per line: name, value, unit, and whatever context the figure needs. */
export function emit(figure: { name: string; value: number; unit: string; [key: string]: unknown }): void {
	process.stdout.write(JSON.stringify(figure) + '\n');
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, index)];
}
