/**
 * An in-memory sliding-window counter. It lives in one process, so with several instances
 * behind a load balancer each allows its own quota: acceptable for the per-IP limit, which is
 * only a brake on one noisy client. Limits that must hold everywhere (codes per phone) are kept
 * in the store instead.
 */
export class SlidingWindow {
	private readonly hits = new Map<string, number[]>();

	constructor(
		readonly max: number,
		readonly windowMs: number,
		/** Bounds memory under a flood of distinct keys. */
		private readonly maxKeys = 100_000
	) {}

	/** Records a hit for `key` and says whether it is within the limit; over-limit hits are not recorded. */
	hit(key: string, now: number): boolean {
		const recent = (this.hits.get(key) ?? []).filter((at) => at > now - this.windowMs);
		if (recent.length >= this.max) {
			this.hits.set(key, recent);
			return false;
		}
		recent.push(now);
		this.hits.set(key, recent);
		if (this.hits.size > this.maxKeys) this.sweep(now);
		return true;
	}

	/** Whether `key` is at its limit now, without recording anything. */
	full(key: string, now: number): boolean {
		return (this.hits.get(key) ?? []).filter((at) => at > now - this.windowMs).length >= this.max;
	}

	private sweep(now: number): void {
		for (const [key, times] of this.hits) {
			if (times.every((at) => at <= now - this.windowMs)) this.hits.delete(key);
		}
		// Still too many live keys: forget the oldest rather than grow without bound.
		for (const key of this.hits.keys()) {
			if (this.hits.size <= this.maxKeys) break;
			this.hits.delete(key);
		}
	}
}
