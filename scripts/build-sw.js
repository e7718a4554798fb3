// Builds build/sw.js after `vite build`: precaches the whole app shell so every route opens
// offline, and answers navigations with index.html (the SPA fallback) except server paths.
// A new worker waits (skipWaiting: false) until the person presses "Update" in the app.
import { generateSW } from 'workbox-build';

const { count, size, warnings } = await generateSW({
	globDirectory: 'build',
	globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,json}'],
	swDest: 'build/sw.js',
	// Hashed files under _app/immutable change name when they change; no cache-busting needed.
	dontCacheBustURLsMatching: /^_app\/immutable\//,
	navigateFallback: '/index.html',
	navigateFallbackDenylist: [/^\/api\//, /^\/db\//, /^\/healthz/, /^\/r\//],
	skipWaiting: false,
	clientsClaim: true,
	cleanupOutdatedCaches: true,
	// The largest precached file is PouchDB's chunk; keep the default guard well above it.
	maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
	sourcemap: false,
	mode: 'production'
});

for (const warning of warnings) console.warn(warning);
console.log(`service worker: ${count} files precached, ${(size / 1024).toFixed(0)} KB`);
