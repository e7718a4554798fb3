/** An SMSC for tests and the benchmark, on loopback, built with the same `smpp` package: it
 * accepts binds, answers submit_sm with message ids, keeps what it received (surviving the
 * crash of the server under test, since it runs in the test's process), sends delivery receipts,
 * and can send a reply from a phone (MO) such as STOP. */
import { smpp, type SmppPdu, type SmppSession } from '../../sync-server/src/sms/smpp-client.js';
import { decodeUcs2 } from '../../sync-server/src/sms/encoding.js';

interface ReceivedPart {
	message_id: string;
	to: string;
	from: string;
	data_coding: number;
	/** Concatenation header fields when the message was split. */
	concat: { ref: number; total: number; seq: number } | null;
	text: string;
	/** The raw short_message bytes after the UDH. */
	bytes: Buffer;
}

export interface TestSmsc {
	port: number;
	url: string;
	parts: ReceivedPart[];
	binds: string[];
	/** Whole messages, joined from their parts in order. */
	messages(): { to: string; text: string; parts: number; data_coding: number }[];
	sendMo(from: string, text: string): Promise<void>;
	/** Makes the next `n` submits fail with this command_status (0x58 throttled, …). */
	failNext(n: number, status: number): void;
	close(): Promise<void>;
}

export interface TestSmscOptions {
	receipts?: boolean;
	receiptDelayMs?: number;
	/** Receipt state for every message (2 delivered, 5 undeliverable). */
	receiptState?: number;
	/** Delay before each submit_sm_resp, to keep messages in flight. */
	answerDelayMs?: number;
}

function split(pdu: SmppPdu): { udh: Buffer | null; body: Buffer } {
	const sm = pdu.short_message;
	// Decoded by the package: re-read the raw bytes so the test sees exactly what came over the wire.
	if (Buffer.isBuffer(sm)) return { udh: null, body: sm };
	const udh = sm?.udh?.length ? Buffer.concat(sm.udh) : null;
	const message = sm?.message;
	if (Buffer.isBuffer(message)) return { udh, body: message };
	const text = message ?? '';
	return { udh, body: pdu.data_coding === 8 ? Buffer.from(text, 'utf16le').swap16() : Buffer.from(text, 'latin1') };
}

export async function startTestSmsc(options: TestSmscOptions = {}): Promise<TestSmsc> {
	const parts: ReceivedPart[] = [];
	const binds: string[] = [];
	const receivers = new Set<SmppSession>();
	let counter = 0;
	let failures = { left: 0, status: 0 };

	const server = smpp.createServer((session) => {
		const bind = (kind: string) => (pdu: SmppPdu) => {
			binds.push(kind);
			if (kind !== 'transmitter') receivers.add(session);
			session.send(pdu.response({ system_id: 'test-smsc' }));
		};
		session.on('bind_transceiver', bind('transceiver'));
		session.on('bind_transmitter', bind('transmitter'));
		session.on('bind_receiver', bind('receiver'));
		session.on('enquire_link', (pdu: SmppPdu) => session.send(pdu.response()));
		session.on('unbind', (pdu: SmppPdu) => {
			session.send(pdu.response());
			session.close();
		});
		session.on('close', () => receivers.delete(session));
		session.on('error', () => receivers.delete(session));
		session.on('submit_sm', (pdu: SmppPdu) => {
			const answer = () => {
				if (failures.left > 0) {
					failures.left--;
					return session.send(pdu.response({ command_status: failures.status }));
				}
				const id = `m${++counter}`;
				const { udh, body } = split(pdu);
				// The package hands the UDH's information elements without the length byte: 00 03 ref total seq.
				const concat = udh && udh[0] === 0x00 && udh[1] === 0x03 ? { ref: udh[2], total: udh[3], seq: udh[4] } : null;
				const text = pdu.data_coding === 8 ? decodeUcs2(body) : body.toString('latin1');
				parts.push({ message_id: id, to: pdu.destination_addr ?? '', from: (pdu as { source_addr?: string }).source_addr ?? '', data_coding: pdu.data_coding ?? 0, concat, text, bytes: body });
				session.send(pdu.response({ message_id: id }));
				if (options.receipts && pdu.registered_delivery) {
					setTimeout(() => sendReceipt(id, pdu.destination_addr ?? ''), options.receiptDelayMs ?? 20).unref();
				}
			};
			if (options.answerDelayMs) setTimeout(answer, options.answerDelayMs).unref();
			else answer();
		});
	});

	function anyReceiver(): SmppSession | undefined {
		return [...receivers].find((s) => s.socket.writable);
	}

	function sendReceipt(id: string, to: string) {
		const state = options.receiptState ?? 2;
		const stat = state === 2 ? 'DELIVRD' : 'UNDELIV';
		anyReceiver()?.deliver_sm({
			source_addr: to,
			destination_addr: 'Tawasul',
			esm_class: 0x04,
			short_message: `id:${id} sub:001 dlvrd:${state === 2 ? '001' : '000'} submit date:2601010000 done date:2601010000 stat:${stat} err:000 text:`,
			receipted_message_id: id,
			message_state: state
		});
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;

	return {
		port,
		url: `smpp://127.0.0.1:${port}`,
		parts,
		binds,
		messages() {
			const whole: { to: string; text: string; parts: number; data_coding: number }[] = [];
			const pending = new Map<string, ReceivedPart[]>();
			for (const part of parts) {
				if (!part.concat) {
					whole.push({ to: part.to, text: part.text, parts: 1, data_coding: part.data_coding });
					continue;
				}
				const key = `${part.to}:${part.concat.ref}:${part.concat.total}`;
				const list = [...(pending.get(key) ?? []), part];
				if (list.length === part.concat.total) {
					list.sort((a, b) => a.concat!.seq - b.concat!.seq);
					whole.push({ to: part.to, text: list.map((p) => p.text).join(''), parts: list.length, data_coding: part.data_coding });
					pending.delete(key);
				} else pending.set(key, list);
			}
			return whole;
		},
		sendMo(from, text) {
			return new Promise((resolve, reject) => {
				const session = anyReceiver();
				if (!session) return reject(new Error('no receiver bound'));
				session.deliver_sm({ source_addr: from.replace(/^\+/, ''), destination_addr: 'Tawasul', esm_class: 0, short_message: text }, () => resolve());
			});
		},
		failNext(n, status) {
			failures = { left: n, status };
		},
		close() {
			return new Promise((resolve) => {
				for (const session of server.sessions ?? []) session.destroy();
				server.close(() => resolve());
			});
		}
	};
}
