// Runs after `vite build`:
// 1. moves the inline scripts of build/index.html (SvelteKit's boot script and the early locale
//    script from src/app.html) into content-hashed files, so the server can send a strict
//    `Content-Security-Policy: script-src 'self'` without hashes or nonces;
// 2. builds build/sw.js with Workbox: precaches the whole app shell so every route opens offline,
//    and answers navigations with index.html (the SPA fallback) except server paths. The public
//    pages (/public…) are the server's: fetched from the network first, and kept so a page once
//    visited opens offline too.
// 3. writes the Web Push handlers (scripts/sw-push.js) with their texts, imported by the worker.
//    A new worker waits (skipWaiting: false) until the person presses "Update" in the app.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateSW } from 'workbox-build';
import { installPushHandlers } from './sw-push.js';

const INDEX = 'build/index.html';

function externalizeInlineScripts() {
	const html = readFileSync(INDEX, 'utf8');
	let moved = 0;
	const out = html.replace(/<script>([\s\S]*?)<\/script>/g, (_, code) => {
		const hash = createHash('sha256').update(code).digest('hex').slice(0, 10);
		const name = `boot-${hash}.js`;
		writeFileSync(`build/${name}`, code.trim() + '\n');
		moved++;
		// A classic, blocking script keeps what the inline one relied on: it runs in place, before
		// the rest of the page, and `document.currentScript` is the element SvelteKit mounts next to.
		return `<script src="/${name}"></script>`;
	});
	writeFileSync(INDEX, out);
	return moved;
}

const moved = externalizeInlineScripts();
console.log(`index.html: ${moved} inline scripts moved to files`);

/** build/sw-push-<hash>.js: the push and notification-click handlers with their texts in both
 * languages; its name changes with them, so a new text reaches devices as a new worker. */
function writePushHandlers() {
	const texts = {};
	for (const locale of ['ar', 'en']) {
		const { push } = JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));
		texts[locale] = { title: push.title, body: push.body };
	}
	const code = `(${installPushHandlers.toString()})(${JSON.stringify(texts)});\n`;
	const name = `sw-push-${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`;
	writeFileSync(`build/${name}`, code);
	return name;
}

const pushHandlers = writePushHandlers();

const { count, size, warnings } = await generateSW({
	globDirectory: 'build',
	globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,json}'],
	globIgnores: ['sw.js', 'workbox-*.js', 'sw-push-*.js'],
	importScripts: [`/${pushHandlers}`],
	swDest: 'build/sw.js',
	// Hashed files under _app/immutable change name when they change; no cache-busting needed.
	dontCacheBustURLsMatching: /^_app\/immutable\//,
	navigateFallback: '/index.html',
	navigateFallbackDenylist: [/^\/api\//, /^\/db\//, /^\/healthz/, /^\/r\//, /^\/public(\/|$)/, /^\/open311\//, /^\/sitemap\.xml$/],
	runtimeCaching: [
		{
			urlPattern: ({ url, sameOrigin }) => sameOrigin && /^\/public(\/|$)/.test(url.pathname),
			handler: 'NetworkFirst',
			options: { cacheName: 'public-pages', networkTimeoutSeconds: 5, expiration: { maxEntries: 20 } }
		}
	],
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
