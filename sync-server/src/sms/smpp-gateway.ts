/** The 'smpp' gateway: SMPP 3.4 to an operator's SMSC. Binds as transceiver (sends, and receives
 * delivery receipts and replies on the same link) or as transmitter (sends; a second bind as
 * receiver brings receipts and replies). Reconnects with backoff; keeps the link alive with
 * enquire_link. Arabic goes as UCS-2 in concatenated parts (encoding.ts). */
import { createHash } from 'node:crypto';
import { log } from '../log.js';
import { encodeSms } from './encoding.js';
import { SmsSendError, type DeliveryState, type GatewayEvents, type SmsGateway, type SmsMessage } from './gateway.js';
import { isDeliveryReceipt, RETRYABLE_STATUS, smpp, type SmppPdu, type SmppSession } from './smpp-client.js';

export interface SmppConfig {
	/** smpp://host:port */
	url: string;
	systemId: string;
	password: string;
	systemType: string;
	bind: 'transmitter' | 'transceiver';
	/** The sender shown on the phone: an alphanumeric name or a number. */
	sender: string;
	enquireLinkMs: number;
	/** How long a submit may wait for the SMSC's answer. */
	timeoutMs: number;
}

type BindMode = 'transceiver' | 'transmitter' | 'receiver';

/** One bound session that comes back by itself after a drop. */
class Link {
	private session: SmppSession | null = null;
	private bound: Promise<SmppSession> | null = null;
	private closed = false;
	private retryMs = 500;

	constructor(
		private readonly config: SmppConfig,
		private readonly mode: BindMode,
		private readonly onDeliver: (pdu: SmppPdu) => void
	) {}

	/** The bound session, connecting if needed; refuses after `timeoutMs` without one. */
	ready(timeoutMs: number): Promise<SmppSession> {
		if (this.closed) return Promise.reject(new SmsSendError('gateway closed', true));
		this.bound ??= this.connect();
		return Promise.race([
			this.bound,
			new Promise<SmppSession>((_, reject) => {
				setTimeout(() => {
					reject(new SmsSendError('SMSC not reachable', true));
				}, timeoutMs).unref();
			})
		]);
	}

	private connect(): Promise<SmppSession> {
		return new Promise((resolve, reject) => {
			const url = new URL(this.config.url);
			const session = smpp.connect({ host: url.hostname, port: Number(url.port) || 2775, auto_enquire_link_period: this.config.enquireLinkMs });
			this.session = session;
			let settled = false;
			const fail = (error: Error) => {
				if (!settled) {
					settled = true;
					reject(error);
				}
				this.drop(session);
			};
			session.on('error', (error: Error) => {
				fail(new SmsSendError(`SMSC link: ${error.message}`, true));
			});
			session.on('close', () => {
				fail(new SmsSendError('SMSC link closed', true));
			});
			session.on('connect', () => {
				const bind = `bind_${this.mode}` as const;
				session[bind]({ system_id: this.config.systemId, password: this.config.password, system_type: this.config.systemType }, (pdu) => {
					if (pdu.command_status !== 0) {
						fail(new SmsSendError(`bind refused (status ${pdu.command_status})`, true));
						return;
					}
					settled = true;
					this.retryMs = 500;
					log.info('SMSC bound', { mode: this.mode });
					resolve(session);
				});
			});
			session.on('deliver_sm', (pdu: SmppPdu) => {
				session.send(pdu.response());
				this.onDeliver(pdu);
			});
			session.on('enquire_link', (pdu: SmppPdu) => {
				session.send(pdu.response());
			});
			session.on('unbind', (pdu: SmppPdu) => {
				session.send(pdu.response());
				session.close();
			});
		}).catch((error: unknown) => {
			this.bound = null;
			throw error;
		}) as Promise<SmppSession>;
	}

	/** Forget a dead session and, for a receiver, come back after a pause (senders reconnect on demand). */
	private drop(session: SmppSession): void {
		if (this.session !== session) return;
		this.session = null;
		this.bound = null;
		session.destroy();
		if (this.closed || this.mode === 'transmitter') return;
		const wait = this.retryMs;
		this.retryMs = Math.min(this.retryMs * 2, 30_000);
		setTimeout(() => {
			if (!this.closed && !this.bound) {
				this.ready(wait + 5000).catch((e: unknown) => {
					log.warn('smpp rebind failed', { error: (e as Error).message, retry_ms: this.retryMs });
				});
			}
		}, wait).unref();
	}

	async close(): Promise<void> {
		this.closed = true;
		const session = this.session;
		this.session = null;
		this.bound = null;
		if (!session) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				session.destroy(() => {
					resolve();
				});
			}, 1000);
			const unbinding = session.unbind(() => {
				session.close(() => {
					clearTimeout(timer);
					resolve();
				});
			});
			if (!unbinding) {
				clearTimeout(timer);
				session.destroy(() => {
					resolve();
				});
			}
		});
	}
}

const STATE_BY_TEXT: Record<string, DeliveryState> = { DELIVRD: 'delivered', ENROUTE: 'pending', ACCEPTD: 'pending', SCHEDULED: 'pending' };
// message_state TLV: 1 enroute, 2 delivered, 6 accepted; everything else is final and failed.
const STATE_BY_NUMBER: Record<number, DeliveryState> = { 1: 'pending', 2: 'delivered', 6: 'pending' };

function textOf(pdu: SmppPdu): string {
	const sm = pdu.short_message;
	if (!sm) return '';
	if (Buffer.isBuffer(sm)) return sm.toString('latin1');
	return Buffer.isBuffer(sm.message) ? sm.message.toString('latin1') : (sm.message ?? '');
}

/** A receipt's message id and state, from the TLVs when present, else from the text
 * (`id:… sub:… dlvrd:… stat:DELIVRD err:…`, SMPP 3.4 appendix B). */
export function parseReceipt(pdu: SmppPdu): { provider_id: string; state: DeliveryState; detail?: string } | null {
	const text = textOf(pdu);
	const id = pdu.receipted_message_id ?? /\bid:(\S+)/i.exec(text)?.[1];
	if (!id) return null;
	const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
	const state = pdu.message_state !== undefined ? (STATE_BY_NUMBER[pdu.message_state] ?? 'failed') : stat ? (STATE_BY_TEXT[stat] ?? 'failed') : 'pending';
	return { provider_id: id, state, ...(state === 'failed' ? { detail: stat ?? `state ${pdu.message_state}` } : {}) };
}

/** The concatenation reference, from the message id so a retry carries the same one. */
const referenceOf = (id: string) => createHash('sha256').update(id).digest()[0];

export function createSmppGateway(config: SmppConfig): SmsGateway & { readonly links: number } {
	let events: GatewayEvents | null = null;
	const onDeliver = (pdu: SmppPdu) => {
		if (isDeliveryReceipt(pdu.esm_class)) {
			const receipt = parseReceipt(pdu);
			if (receipt) events?.receipt(receipt);
		} else if (pdu.source_addr) {
			events?.inbound({ from: pdu.source_addr, text: textOf(pdu) });
		}
	};
	const sender = new Link(config, config.bind, onDeliver);
	const receiver = config.bind === 'transmitter' ? new Link(config, 'receiver', onDeliver) : null;
	const alphanumeric = /[^\d+]/.test(config.sender);

	function submit(session: SmppSession, to: string, part: Buffer, dataCoding: number, udh: boolean): Promise<string> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				// Written but unanswered: the SMSC may have it. Resending could text twice.
				() => {
					reject(new SmsSendError('no answer from the SMSC; the message may have been sent', false, true));
				},
				config.timeoutMs
			);
			const written = session.submit_sm(
				{
					source_addr_ton: alphanumeric ? 5 : 1,
					source_addr_npi: alphanumeric ? 0 : 1,
					source_addr: config.sender,
					dest_addr_ton: 1,
					dest_addr_npi: 1,
					destination_addr: to.replace(/^\+/, ''),
					esm_class: udh ? 0x40 : 0,
					data_coding: dataCoding,
					registered_delivery: 1,
					short_message: part
				},
				(pdu) => {
					clearTimeout(timer);
					if (pdu.command_status === 0 && pdu.message_id) {
						resolve(pdu.message_id);
						return;
					}
					reject(new SmsSendError(`SMSC refused (status 0x${pdu.command_status.toString(16)})`, RETRYABLE_STATUS.has(pdu.command_status)));
				}
			);
			if (!written) {
				clearTimeout(timer);
				reject(new SmsSendError('SMSC link not writable', true));
			}
		});
	}

	return {
		name: 'smpp',
		get links() {
			return receiver ? 2 : 1;
		},
		listen(handlers) {
			events = handlers;
			void receiver?.ready(config.timeoutMs).catch((error: unknown) => {
				log.warn('SMSC receiver not bound yet', { error: (error as Error).message });
			});
		},
		async send(message: SmsMessage) {
			const session = await sender.ready(config.timeoutMs);
			let encoded;
			try {
				encoded = encodeSms(message.text, referenceOf(message.id));
			} catch (error) {
				throw new SmsSendError((error as Error).message, false);
			}
			const ids = await Promise.all(encoded.parts.map((part) => submit(session, message.to, part, encoded.dataCoding, encoded.udh)));
			return { provider_ids: ids, parts: ids.length };
		},
		async close() {
			await Promise.all([sender.close(), receiver?.close()]);
		}
	};
}
