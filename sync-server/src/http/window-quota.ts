/** A per-person count of requests in the current fixed window (a minute, an hour) for routes
 * whose work is costly. The map is emptied when the window turns, so it holds at most one
 * window's callers. One process's count: with several gate instances each counts its own. */
export function windowQuota(perWindow: number, windowMs: number, now: () => number): (userId: string) => boolean {
	let window = -1;
	const counts = new Map<string, number>();
	return (userId) => {
		const current = Math.floor(now() / windowMs);
		if (current !== window) {
			window = current;
			counts.clear();
		}
		const count = (counts.get(userId) ?? 0) + 1;
		counts.set(userId, count);
		return count <= perWindow;
	};
}
