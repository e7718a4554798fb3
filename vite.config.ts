/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// pouchdb-browser imports Node's `events`; the browser build gets a small local implementation.
// Not under vitest: Node code there (sync-server, integration tests) must get the real module.
const browserAliases: Record<string, string> = process.env.VITEST ? {} : { events: fileURLToPath(new URL('./src/lib/client/events-shim.js', import.meta.url)) };

export default defineConfig({
	plugins: [sveltekit()],
	resolve: { alias: browserAliases },
	// Some PouchDB code paths still reference Node's `global`.
	define: process.env.VITEST ? {} : { global: 'globalThis' },
	server: { proxy: { '/api': 'http://127.0.0.1:3000', '/db': 'http://127.0.0.1:3000' } },
	test: {
		include: ['src/**/*.spec.ts', 'sync-server/**/*.spec.ts', 'tests/integration/**/*.spec.ts', 'tests/security/**/*.spec.ts'],
		environment: 'node',
		testTimeout: 30000,
		hookTimeout: 60000
	}
});
