/** The kiosk's identity on the device (issue 12): its id and its non-extractable key, kept in an
 * IndexedDB database of its own (`tawasul-kiosk`) as CryptoKey objects, so the key survives a
 * reload while no script can read its bytes. Nothing of a citizen is stored here in the clear:
 * the same database holds the outbox of filings made offline, each sealed for the server alone
 * (kiosk-outbox.ts), which the wipe after each citizen keeps. And the kiosk API, each call signed
 * by that key. */
import { ClientError } from './api';
import { generateKioskKey, kioskFetch, publicJwk, type KioskKey } from './kiosk-signer';
import type { ErrorCode, FieldError } from '../domain/errors';
import type { KioskOutboxKey } from '../domain/kiosk-outbox';

export const DEVICE_DB_NAME = 'tawasul-kiosk';
const STORE = 'device';
const RECORD = 'device';
/** Filings waiting for the network, sealed, by filing id (version 2). */
export const OUTBOX_STORE = 'outbox';

export interface KioskDevice {
	kiosk_id: string;
	key: KioskKey;
	name: string;
	centre: string;
	/** The server's key that offline filings are sealed to; from enrolment and each heartbeat. */
	outbox_key?: KioskOutboxKey | null;
}

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(DEVICE_DB_NAME, 2);
		// Each version adds its store; a device enrolled at version 1 keeps its key.
		request.onupgradeneeded = (event) => {
			if (event.oldVersion < 1) request.result.createObjectStore(STORE);
			if (event.oldVersion < 2) request.result.createObjectStore(OUTBOX_STORE);
		};
		request.onsuccess = () => {
			resolve(request.result);
		};
		request.onerror = () => {
			reject(request.error ?? new Error('the kiosk database did not open'));
		};
	});
}

/** One request on one store of the kiosk's database. */
export async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>, storeName = STORE): Promise<T> {
	const db = await open();
	try {
		return await new Promise<T>((resolve, reject) => {
			const request = work(db.transaction(storeName, mode).objectStore(storeName));
			request.onsuccess = () => {
				resolve(request.result);
			};
			request.onerror = () => {
				reject(request.error ?? new Error('a request on the kiosk database failed'));
			};
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
	const { kiosk, outbox_key } = (await response.json()) as { kiosk: { kiosk_id: string; name: string; centre: string }; outbox_key: KioskOutboxKey | null };
	const device: KioskDevice = { kiosk_id: kiosk.kiosk_id, key, name: kiosk.name, centre: kiosk.centre, outbox_key };
	await saveDevice(device);
	return device;
}

/** Keeps the device's record (its key, and the outbox key the server last gave). */
export async function saveDevice(device: KioskDevice): Promise<void> {
	// A plain copy: the screen's reactive copy of the record cannot be cloned into IndexedDB.
	const { kiosk_id, key, name, centre, outbox_key } = device;
	const record: KioskDevice = {
		kiosk_id,
		key: { privateKey: key.privateKey, publicKey: key.publicKey },
		name,
		centre,
		outbox_key: outbox_key ? { kid: outbox_key.kid, x: outbox_key.x, y: outbox_key.y } : null
	};
	await run('readwrite', (store) => store.put(record, RECORD));
}

/** One signed call; a refusal becomes a ClientError with the server's code. */
export async function kioskCall<T>(device: KioskDevice, method: string, path: string, body?: unknown): Promise<T> {
	const response = await kioskFetch('', device.kiosk_id, device.key, method, path, body);
	if (!response.ok) throw await failure(response);
	return (await response.json()) as T;
}
