/** A polling loop's pause that a kick cuts short (the SMS and push senders): new work is sent at
 * once instead of at the next poll, and a kick that comes while the loop is busy makes its next
 * pause return at once, so no kick is lost. */
export class Wakeup {
	private kicked = false;
	private wake: (() => void) | null = null;

	kick(): void {
		this.kicked = true;
		this.wake?.();
	}

	/** Waits `ms`, or until the next kick; returns at once after a kick it has not seen yet. */
	pause(ms: number): Promise<void> {
		if (this.kicked) {
			this.kicked = false;
			return Promise.resolve();
		}
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.wake = () => {
				this.wake = null;
				this.kicked = false;
				done();
			};
		});
	}
}
