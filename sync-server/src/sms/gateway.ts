/** How the server sends SMS: one interface, three gateways (outbox, http, smpp) chosen by
 * SMS_GATEWAY in sms/index.ts. Gateways only talk to the provider; the queue and the sender
 * (jobs.ts, sender.ts) do retries, rate limits, opt-outs and the once-only bookkeeping. */

export interface SmsMessage {
	/** Chosen by the sender and stable across retries (the job id); gateways may pass it on. */
	id: string;
	/** E.164 phone number. */
	to: string;
	text: string;
}

interface SendOutcome {
	/** The provider's id of each part, to match delivery receipts against. */
	provider_ids: string[];
	parts: number;
	/** Kept, not handed to anyone (the outbox in production): the job is `held`, never `sent`. */
	held?: boolean;
}

export type DeliveryState = 'delivered' | 'failed' | 'pending';

export interface GatewayEvents {
	/** A delivery receipt for one part the provider accepted. */
	receipt(receipt: { provider_id: string; state: DeliveryState; detail?: string }): void;
	/** A text a person sent to us (MO), such as STOP. */
	inbound(message: { from: string; text: string }): void;
}

export interface SmsGateway {
	readonly name: string;
	/** Resolves once the provider accepted the message, with what it told of it if anything;
	 * throws SmsSendError when it did not. */
	send(message: SmsMessage): Promise<SendOutcome | undefined> | Promise<void>;
	/** Starts delivering receipts and replies, for gateways that have them. */
	listen?(events: GatewayEvents): void;
	close?(): Promise<void>;
}

/** A refusal or failure; `retryable` says whether the same message may succeed later, and
 * `uncertain` that the provider may have taken it even so (so it must not be resent). */
export class SmsSendError extends Error {
	constructor(
		message: string,
		readonly retryable: boolean,
		readonly uncertain = false
	) {
		super(message);
		this.name = 'SmsSendError';
	}
}
