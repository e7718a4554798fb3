import { describe, expect, it } from 'vitest';
import { onceUntilFailed, SerialQueue } from './once.js';

describe('onceUntilFailed', () => {
	it('runs the setup once for callers that overlap or follow, and again after it failed', async () => {
		let calls = 0;
		let fail = true;
		const ready = onceUntilFailed(async () => {
			calls++;
			await new Promise((r) => setTimeout(r, 5));
			if (fail) throw new Error('store down');
		});
		const both = await Promise.allSettled([ready(), ready()]);
		expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(calls).toBe(1);
		fail = false;
		await ready();
		await ready();
		expect(calls).toBe(2);
	});
});

describe('SerialQueue', () => {
	it('runs work in the order asked, one at a time, and a failure fails only its caller', async () => {
		const queue = new SerialQueue();
		const log: string[] = [];
		let running = 0;
		const piece = (name: string, ms: number, fail = false) =>
			queue.run(async () => {
				running++;
				expect(running).toBe(1);
				log.push(`start ${name}`);
				await new Promise((r) => setTimeout(r, ms));
				log.push(`end ${name}`);
				running--;
				if (fail) throw new Error(name);
				return name;
			});
		const results = await Promise.allSettled([piece('a', 20), piece('b', 1, true), piece('c', 5)]);
		expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b', 'c']);
		expect(results[1].status).toBe('rejected');
		expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
		await queue.idle();
	});

	it('idle settles after the work asked for so far, even when it failed', async () => {
		const queue = new SerialQueue();
		let done = false;
		void queue
			.run(async () => {
				await new Promise((r) => setTimeout(r, 10));
				done = true;
				throw new Error('x');
			})
			.catch(() => undefined);
		await queue.idle();
		expect(done).toBe(true);
	});
});
