// The cluster lane (scripts/couchdb-lane.mjs cluster): a three-node Apache CouchDB on loopback.
// Kept apart from vite.config.ts so the other lanes never run these without a cluster.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: path.resolve(import.meta.dirname, '../..'),
	test: {
		include: ['tests/cluster/**/*.spec.ts'],
		environment: 'node',
		// The files share one cluster and one of them stops a node: one file at a time.
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 90_000
	}
});
