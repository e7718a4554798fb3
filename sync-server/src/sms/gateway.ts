/** How the server sends SMS. Every message has an id chosen by the sender, so a gateway can
 * refuse a second send of the same id and a replayed side effect never texts anyone twice.
 * createGateway (in outbox.ts, the one gateway so far) picks the implementation from SMS_GATEWAY. */

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
