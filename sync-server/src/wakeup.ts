import { log } from './log.js';

/** A polling loop's pause that a kick cuts short (the SMS and push senders): new work is sent at
 * once instead of at the next poll, and a kick that comes while the loop is busy makes its next
 * pause return at once, so no kick is lost. */
class Wakeup {
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

export interface PollingLoopSteps {
	/** Names the loop in the log: "<name> recovery failed", "<name> sender failed, will retry". */
	name: string;
	pollMs: number;
	/** Once, before the first round; a failure is logged and the loop runs all the same. */
	recover(): Promise<void>;
	/** One round: whether it found work. Without work the loop pauses `pollMs` or until a kick. */
	round(): Promise<boolean>;
	/** Told each failure's message before it is logged (a sender's last error). */
	failed?(message: string): void;
}

/** The start/stop loop of the SMS and push senders: recovery once, then rounds until stopped; a
 * round that fails is tried again after a pause that doubles from 250 ms up to 10 s. */
export class PollingLoop {
	private active = false;
	private loop: Promise<void> | null = null;
	private readonly wakeup = new Wakeup();

	constructor(private readonly steps: PollingLoopSteps) {}

	get running(): boolean {
		return this.active;
	}

	start(): void {
		if (this.active) return;
		this.active = true;
		this.loop = this.run();
	}

	async stop(): Promise<void> {
		this.active = false;
		this.kick();
		await this.loop;
	}

	/** Something was queued: look now instead of at the next poll. */
	kick(): void {
		this.wakeup.kick();
	}

	private async run(): Promise<void> {
		let backoff = 250;
		try {
			await this.steps.recover();
		} catch (error) {
			this.report(`${this.steps.name} recovery failed`, error);
		}
		while (this.active) {
			try {
				if (!(await this.steps.round())) await this.wakeup.pause(this.steps.pollMs);
				backoff = 250;
			} catch (error) {
				// stop() may have run while the round was awaited.
				if (!this.running) break;
				this.report(`${this.steps.name} sender failed, will retry`, error);
				await new Promise((resolve) => setTimeout(resolve, backoff));
				backoff = Math.min(backoff * 2, 10_000);
			}
		}
	}

	private report(message: string, error: unknown): void {
		const text = (error as Error).message;
		this.steps.failed?.(text);
		log.error(message, { error: text });
	}
}
