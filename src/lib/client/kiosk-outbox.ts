/** The offline kiosk's outbox (issue 12, step 5; the design is in domain/kiosk-outbox.ts): a
 * filing the network could not take is sealed to the server's outbox key and kept in the kiosk's
 * own database, which the wipe after each citizen leaves in place; when the network is back the
 * kiosk sends each one, signed as the kiosk, and deletes it once the server has it. Sending is
 * idempotent (the filing id), so a connection lost mid-send only means sending it again.
 */
import { KIOSK_OUTBOX_MAX, kioskReceiptCode, type FilingPlaintext, type SealedFiling } from '../domain/kiosk-outbox';
import { ClientError, toClientError } from './api';
import { kioskCall, OUTBOX_STORE, run, type KioskDevice } from './kiosk-device';
import { sealFiling } from './kiosk-seal';

/** One filing waiting on the device: nothing of it readable but its code and time. */
interface OutboxRecord {
	filing_id: string;
	receipt_code: string;
	queued_at: string;
	sealed: SealedFiling;
}

async function outboxRecords(): Promise<OutboxRecord[]> {
	return (await run('readonly', (store) => store.getAll(), OUTBOX_STORE)) as OutboxRecord[];
}

export async function outboxLength(): Promise<number> {
	return run('readonly', (store) => store.count(), OUTBOX_STORE);
}

/** Seals and keeps a filing the network did not take; returns its receipt code. Refused (as
 * `storage_full`) when the kiosk already holds KIOSK_OUTBOX_MAX unsent filings. */
export async function queueFiling(device: KioskDevice, filingId: string, plaintext: FilingPlaintext): Promise<string> {
	// A kiosk that never heard the server's key cannot seal: the citizen hears the network is down.
	if (!device.outbox_key) throw new ClientError(0, 'network');
	if ((await outboxLength()) >= KIOSK_OUTBOX_MAX) throw new ClientError(507, 'storage_full');
	const record: OutboxRecord = {
		filing_id: filingId,
		receipt_code: kioskReceiptCode(filingId),
		queued_at: new Date().toISOString(),
		sealed: await sealFiling(device.outbox_key, device.kiosk_id, filingId, plaintext)
	};
	// Written in one transaction: the filing is either queued whole or not at all.
	await run('readwrite', (store) => store.put(record, filingId), OUTBOX_STORE);
	return record.receipt_code;
}

/** What the kiosk met since its last heartbeat, for the fleet view (at most ten, short). */
const problems: string[] = [];
export function reportProblem(message: string): void {
	problems.push(message.slice(0, 300));
	problems.splice(0, Math.max(0, problems.length - 10));
}
export function takeProblems(): string[] {
	return problems.splice(0, problems.length);
}

/** Whether the server refused the filing for good (it will never take it as it is). */
function refusedForGood(status: number, code: string): boolean {
	return status === 400 || status === 409 || (status === 403 && code !== 'kiosk_revoked');
}

async function deliver(device: KioskDevice): Promise<number> {
	let sent = 0;
	const records = (await outboxRecords()).sort((a, b) => a.queued_at.localeCompare(b.queued_at));
	for (const record of records) {
		try {
			await kioskCall(device, 'POST', '/api/kiosk/outbox', { filing_id: record.filing_id, sealed: record.sealed });
		} catch (caught) {
			const error = toClientError(caught);
			// Offline again, refused as a device, or the server busy: the rest waits for later.
			if (!refusedForGood(error.status, error.code)) {
				if (error.status !== 0) reportProblem(`outbox ${record.receipt_code}: ${error.code}`);
				return sent;
			}
			reportProblem(`outbox ${record.receipt_code} refused: ${error.code}`);
		}
		await run('readwrite', (store) => store.delete(record.filing_id), OUTBOX_STORE);
		sent++;
	}
	return sent;
}

let delivering: Promise<number> | null = null;

/** Sends what waits, one filing at a time, oldest first; returns how many left the device. One
 * delivery at a time: a second call while one runs joins it. */
export function flushOutbox(device: KioskDevice): Promise<number> {
	delivering ??= deliver(device).finally(() => (delivering = null));
	return delivering;
}
