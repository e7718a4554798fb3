import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** The PWA is a client-rendered single-page app: every route works offline from the
 * service worker's precache, and the sync-server serves `index.html` for deep links. */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
		serviceWorker: { register: false },
		alias: { $messages: 'messages' }
	}
};

export default config;
