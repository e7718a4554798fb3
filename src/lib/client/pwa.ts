import type { Workbox } from 'workbox-window';
import { flushAll } from './flush';

/** The service worker (built by scripts/build-sw.js into /sw.js). A new version waits until the
 * person chooses to update from the banner; nothing is forced on them mid-task. */
let workbox: Workbox | null = null;

/** Registers /sw.js in production builds only (in dev it would cache stale modules).
 * `onUpdateWaiting` runs when a new version is installed and waiting. */
export async function registerServiceWorker(onUpdateWaiting: () => void): Promise<void> {
	if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	const { Workbox } = await import('workbox-window');
	workbox = new Workbox('/sw.js');
	workbox.addEventListener('waiting', onUpdateWaiting);
	try {
		await workbox.register();
	} catch (error) {
		console.warn('service worker registration failed', error);
	}
}

/** Saves what is being typed, then lets the waiting worker take over and reloads once it does. */
export async function applyUpdate(): Promise<void> {
	if (!workbox) return;
	await flushAll();
	workbox.addEventListener('controlling', () => {
		location.reload();
	});
	workbox.messageSkipWaiting();
}
