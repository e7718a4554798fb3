/** How the server sends SMS. Every message has an id chosen by the sender, so a gateway can
 * refuse a second send of the same id and a replayed side effect never texts anyone twice. */
import type { Env } from '../env.js';
import type { Store } from '../store.js';
import { createOutboxGateway } from './outbox.js';

export interface SmsMessage {
	id: string;
	/** E.164 phone number. */
	to: string;
	text: string;
}

export interface SmsGateway {
	readonly name: string;
	send(message: SmsMessage): Promise<void>;
}

export function createGateway(env: Pick<Env, 'smsGateway'>, store: Store): SmsGateway {
	switch (env.smsGateway) {
		case 'outbox':
			return createOutboxGateway(store);
		default:
			// env.ts already refuses unknown values; this guards a new one added there but not here.
			throw new Error(`SMS_GATEWAY ${String(env.smsGateway)} has no implementation`);
	}
}
