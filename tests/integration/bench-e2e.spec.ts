/** `npm run bench e2e` stays runnable: a few submissions, photos among them, from a citizen's
 * outbox through the gate and the engine into an agent's inbox, on the bench's own path. */
import { afterEach, describe, expect, it, vi } from 'vitest';

process.env.BENCH_E2E_SUBMISSIONS = '6';
const { benchEndToEnd } = await import('../../bench/e2e.js');

afterEach(() => {
	vi.restoreAllMocks();
});

describe('npm run bench e2e', () => {
	it('sees every submission, photos included, reach the agent and prints its figure', async () => {
		const lines: string[] = [];
		vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
			if (typeof chunk === 'string' && chunk.startsWith('{"name"')) lines.push(chunk);
			return true;
		});
		await benchEndToEnd();
		const figure = lines.map((line) => JSON.parse(line)).find((f) => f.name === 'e2e.submit_to_inbox_p95_ms');
		expect(figure).toMatchObject({ samples: 6, photos: 2, unit: 'ms' });
		expect(figure.value).toBeGreaterThan(0);
	}, 150_000);
});
