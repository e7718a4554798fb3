import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	server: { proxy: { '/api': 'http://127.0.0.1:3000', '/db': 'http://127.0.0.1:3000' } },
	test: {
		include: ['src/**/*.spec.ts', 'sync-server/**/*.spec.ts', 'tests/integration/**/*.spec.ts'],
		environment: 'node',
		testTimeout: 30000,
		hookTimeout: 60000
	}
});
