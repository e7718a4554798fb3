/** The parts of the `smpp` package (SMPP 3.4, no type definitions of its own) this server uses. */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

export interface SmppPdu {
	command: string;
	command_status: number;
	sequence_number: number;
	system_id?: string;
	password?: string;
	message_id?: string;
	source_addr?: string;
	destination_addr?: string;
	esm_class?: number;
	data_coding?: number;
	registered_delivery?: number;
	/** Decoded by the package from data_coding: `{ message, udh? }`; a Buffer when sent raw. */
	short_message?: { message?: string | Buffer; udh?: Buffer[] } | Buffer;
	receipted_message_id?: string;
	message_state?: number;
	response(options?: Record<string, unknown>): SmppPdu;
	isResponse(): boolean;
}

type Callback = (pdu: SmppPdu) => void;

export interface SmppSession extends EventEmitter {
	socket: { writable: boolean; remotePort?: number; remoteAddress?: string };
	send(pdu: SmppPdu, callback?: Callback): boolean;
	bind_transceiver(options: Record<string, unknown>, callback: Callback): boolean;
	bind_transmitter(options: Record<string, unknown>, callback: Callback): boolean;
	bind_receiver(options: Record<string, unknown>, callback: Callback): boolean;
	submit_sm(options: Record<string, unknown>, callback: Callback): boolean;
	deliver_sm(options: Record<string, unknown>, callback?: Callback): boolean;
	enquire_link(callback?: Callback): boolean;
	unbind(callback?: Callback): boolean;
	close(callback?: () => void): void;
	destroy(callback?: () => void): void;
}

interface SmppServer extends EventEmitter {
	listen(port: number, host: string, callback?: () => void): void;
	address(): { port: number } | string | null;
	close(callback?: () => void): void;
	sessions: SmppSession[];
}

interface SmppModule {
	connect(options: Record<string, unknown>, listener?: () => void): SmppSession;
	createServer(listener: (session: SmppSession) => void): SmppServer;
	ESME_ROK: number;
}

export const smpp = createRequire(import.meta.url)('smpp') as SmppModule;

/** SMPP command_status values a later retry may overcome (throttling, a full queue, the SMSC's own fault). */
export const RETRYABLE_STATUS = new Set([0x08, 0x14, 0x58, 0x64]);

/** esm_class bits 2–5 say what a deliver_sm is; 0x04 is an SMSC delivery receipt. */
export const isDeliveryReceipt = (esmClass = 0) => (esmClass & 0x3c) === 0x04;
