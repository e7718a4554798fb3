/** The gateway SMS_GATEWAY names, and the sender that queues and sends through it. */
import type { Env } from '../env.js';
import type { Store } from '../store.js';
import type { SmsGateway } from './gateway.js';
import { createHttpGateway } from './http-gateway.js';
import { installSmsDesign } from './jobs.js';
import { createOutboxGateway } from './outbox.js';
import { SmsSender, type SenderOptions } from './sender.js';
import { createSmppGateway } from './smpp-gateway.js';

export function createGateway(env: Pick<Env, 'smsGateway' | 'sms'> & Partial<Pick<Env, 'production'>>, store: Store): SmsGateway {
	switch (env.smsGateway) {
		case 'outbox':
			return createOutboxGateway(store, Date.now, { hold: env.production === true });
		case 'http':
			// env.ts reads the provider's settings whenever it is chosen.
			if (!env.sms.http) throw new Error('SMS_GATEWAY is http but the HTTP gateway has no settings');
			return createHttpGateway(env.sms.http);
		case 'smpp':
			if (!env.sms.smpp) throw new Error('SMS_GATEWAY is smpp but the SMPP gateway has no settings');
			return createSmppGateway(env.sms.smpp);
		default:
			// env.ts already refuses unknown values; this guards one added there but not here.
			throw new Error(`SMS_GATEWAY ${String(env.smsGateway)} has no implementation`);
	}
}

export async function startSmsSender(
	env: Pick<Env, 'smsGateway' | 'sms'> & Partial<Pick<Env, 'production'>>,
	store: Store,
	options: Omit<SenderOptions, 'gateway'> & { gateway?: SmsGateway }
): Promise<SmsSender> {
	await installSmsDesign(store);
	const sender = new SmsSender(store, {
		maxAttempts: env.sms.maxAttempts,
		perNumberPerHour: env.sms.perNumberPerHour,
		...options,
		gateway: options.gateway ?? createGateway(env, store)
	});
	sender.start();
	return sender;
}

export { SmsSender } from './sender.js';
