import { request } from './api';

/** Web Push on this device (issue 16): the server's VAPID key, the browser's subscription, and
 * its registration with the server. Push needs the service worker (production builds), the Push
 * API and notifications; without any of them, or without keys on the server, it is not offered. */
export type PushState = 'unavailable' | 'unsupported' | 'denied' | 'off' | 'on';

interface PushKey {
	enabled: boolean;
	public_key?: string;
}

function pushSupported(): boolean {
	return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The app's service worker once active: on a first visit it is still installing, and in a
 * development build (no worker) this never settles, so push is simply not offered there. */
async function registration(): Promise<ServiceWorkerRegistration | null> {
	if (!pushSupported()) return null;
	return navigator.serviceWorker.ready;
}

/** The server's key, or null when push is off there. Online only: offline, push is not offered. */
export async function pushKey(): Promise<string | null> {
	const key = await request<PushKey>('GET', '/api/push/key');
	return key.enabled && key.public_key ? key.public_key : null;
}

/** Where this device stands, given the server's key (null: push off on the server). */
export async function pushState(publicKey: string | null): Promise<PushState> {
	if (!publicKey) return 'unavailable';
	const worker = await registration();
	if (!worker) return 'unsupported';
	if (Notification.permission === 'denied') return 'denied';
	const subscription = await worker.pushManager.getSubscription();
	if (subscription && !sameKey(subscription.options.applicationServerKey, keyBytes(publicKey))) {
		// Made with keys the server no longer signs with: its pushes would be refused. Off, so the
		// person can allow notifications again with the new key.
		await subscription.unsubscribe();
		return 'off';
	}
	return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

function sameKey(key: ArrayBuffer | null, expected: Uint8Array): boolean {
	if (!key) return true;
	const bytes = new Uint8Array(key);
	return bytes.length === expected.length && bytes.every((byte, i) => byte === expected[i]);
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
	const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** Asks for permission, subscribes with the server's key and registers the device in `locale`. */
export async function enablePush(publicKey: string, locale: 'ar' | 'en'): Promise<PushState> {
	const worker = await registration();
	if (!worker) return 'unsupported';
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
	const subscription = (await worker.pushManager.getSubscription()) ?? (await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
	const { endpoint, keys, expirationTime } = subscription.toJSON();
	await request('PUT', '/api/push/subscription', { endpoint, keys, expirationTime: expirationTime ?? null, locale });
	return 'on';
}

/** Tells the server first (a device it no longer knows gets nothing), then drops the subscription. */
export async function disablePush(): Promise<PushState> {
	const subscription = await (await registration())?.pushManager.getSubscription();
	if (!subscription) return 'off';
	await request('DELETE', '/api/push/subscription', { endpoint: subscription.endpoint });
	await subscription.unsubscribe();
	return 'off';
}
