// Browser tests: the built PWA (npm run build) served by the real sync-server, driven by the
// machine's Chromium through playwright-core. Kept apart from vite.config.ts so the SvelteKit
// plugin is not loaded for Node-only test code.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: path.resolve(import.meta.dirname, '../..'),
	test: {
		include: ['tests/e2e/**/*.spec.ts'],
		environment: 'node',
		// One file at a time: each starts a server and a browser, and the machine has two cores.
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 90_000
	}
});
