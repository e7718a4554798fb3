/** The kiosk's identity on the device (issue 12): its id and its non-extractable key, kept in an
 * IndexedDB database of its own (`tawasul-kiosk`) as CryptoKey objects, so the key survives a
 * reload while no script can read its bytes. Nothing of a citizen is ever stored here. And the
 * kiosk API, each call signed by that key. */
import { ClientError } from './api';
import { generateKioskKey, kioskFetch, publicJwk, type KioskKey } from './kiosk-signer';
import type { ErrorCode, FieldError } from '../domain/errors';

export const DEVICE_DB_NAME = 'tawasul-kiosk';
const STORE = 'device';
const RECORD = 'device';

export interface KioskDevice {
	kiosk_id: string;
	key: KioskKey;
	name: string;
	centre: string;
}

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(DEVICE_DB_NAME, 1);
		request.onupgradeneeded = () => request.result.createObjectStore(STORE);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const db = await open();
	try {
		return await new Promise<T>((resolve, reject) => {
			const request = work(db.transaction(STORE, mode).objectStore(STORE));
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
	} finally {
		db.close();
	}
}

export async function loadDevice(): Promise<KioskDevice | null> {
	return ((await run('readonly', (store) => store.get(RECORD))) as KioskDevice | undefined) ?? null;
}

/** Forgets the device's key: after a revocation, before enrolling again. */
export async function forgetDevice(): Promise<void> {
	await run('readwrite', (store) => store.delete(RECORD));
}

async function failure(response: Response): Promise<ClientError> {
	const body = (await response.json().catch(() => null)) as { error?: { code: ErrorCode; fields?: FieldError[]; message_key?: string } } | null;
	return new ClientError(response.status, body?.error?.code ?? 'server', body?.error?.fields ?? [], body?.error?.message_key);
}

/** Binds this browser to the kiosk the code names: a new key, its public half sent once. */
export async function enrol(code: string, appVersion: string): Promise<KioskDevice> {
	const key = await generateKioskKey();
	const response = await fetch('/api/kiosk/enrol', {
		method: 'POST',
		credentials: 'omit',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ code, public_key: await publicJwk(key), app_version: appVersion })
	});
	if (!response.ok) throw await failure(response);
	const { kiosk } = (await response.json()) as { kiosk: { kiosk_id: string; name: string; centre: string } };
	const device: KioskDevice = { kiosk_id: kiosk.kiosk_id, key, name: kiosk.name, centre: kiosk.centre };
	await run('readwrite', (store) => store.put(device, RECORD));
	return device;
}

/** One signed call; a refusal becomes a ClientError with the server's code. */
export async function kioskCall<T>(device: KioskDevice, method: string, path: string, body?: unknown): Promise<T> {
	const response = await kioskFetch('', device.kiosk_id, device.key, method, path, body);
	if (!response.ok) throw await failure(response);
	return (await response.json()) as T;
}
