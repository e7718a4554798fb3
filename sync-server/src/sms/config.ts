/** The SMS part of the environment (env.ts calls this): which gateway, and its settings. Every
 * variable is checked at start-up with a message naming it, like the rest of env.ts. */
import { EnvError, wholeNumber as whole } from '../env-error.js';
import { DEFAULT_HTTP_BODY, type HttpGatewayConfig } from './http-gateway.js';
import type { SmppConfig } from './smpp-gateway.js';

export const SMS_GATEWAYS = ['outbox', 'http', 'smpp'] as const;
export type SmsGatewayName = (typeof SMS_GATEWAYS)[number];

export interface SmsEnv {
	sender: string;
	maxAttempts: number;
	perNumberPerHour: number;
	http: HttpGatewayConfig | null;
	smpp: SmppConfig | null;
	/** Shared secret a provider sends with replies and receipts posted to /api/sms/*; null: off. */
	inboundToken: string | null;
}

type Source = Record<string, string | undefined>;

function required(source: Source, name: string, gateway: string): string {
	const value = source[name];
	if (!value) throw new EnvError(name, `required when SMS_GATEWAY=${gateway}`);
	return value;
}

function stringMap(source: Source, name: string, fallback: Record<string, string>): Record<string, string> {
	const raw = source[name];
	if (!raw) return fallback;
	try {
		const value = JSON.parse(raw) as unknown;
		if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) {
			return value as Record<string, string>;
		}
	} catch {
		// reported below
	}
	throw new EnvError(name, 'expected a JSON object of strings, such as {"Authorization":"Bearer …"}');
}

function httpConfig(source: Source, sender: string): HttpGatewayConfig {
	const raw = required(source, 'SMS_HTTP_URL', 'http');
	let url: URL;
	try {
		url = new URL(raw);
		if (!/^https?:$/.test(url.protocol)) throw new Error('protocol');
	} catch {
		throw new EnvError('SMS_HTTP_URL', 'expected an http(s) URL');
	}
	const format = source.SMS_HTTP_FORMAT || 'json';
	if (format !== 'json' && format !== 'form') throw new EnvError('SMS_HTTP_FORMAT', `expected json or form, got "${format}"`);
	const success = source.SMS_HTTP_SUCCESS || 'status';
	if (!/^(status|text:.+|json:[\w.]+=.*)$/.test(success)) throw new EnvError('SMS_HTTP_SUCCESS', 'expected status, text:<substring> or json:<path>=<value>');
	return {
		url: url.toString(),
		format,
		headers: stringMap(source, 'SMS_HTTP_HEADERS', {}),
		body: stringMap(source, 'SMS_HTTP_BODY', DEFAULT_HTTP_BODY),
		success,
		idPath: source.SMS_HTTP_ID_PATH || null,
		sender,
		timeoutMs: whole(source, 'SMS_HTTP_TIMEOUT_MS', 10_000, 100, 120_000)
	};
}

function smppConfig(source: Source, sender: string): SmppConfig {
	const url = required(source, 'SMPP_URL', 'smpp');
	if (!/^smpp:\/\/[^/:]+(:\d+)?\/?$/.test(url)) throw new EnvError('SMPP_URL', 'expected smpp://host:port');
	const bind = source.SMPP_BIND || 'transceiver';
	if (bind !== 'transceiver' && bind !== 'transmitter') throw new EnvError('SMPP_BIND', `expected transceiver or transmitter, got "${bind}"`);
	return {
		url,
		systemId: required(source, 'SMPP_SYSTEM_ID', 'smpp'),
		password: source.SMPP_PASSWORD ?? '',
		systemType: source.SMPP_SYSTEM_TYPE ?? '',
		bind,
		sender,
		enquireLinkMs: whole(source, 'SMPP_ENQUIRE_LINK_MS', 30_000, 1000, 600_000),
		timeoutMs: whole(source, 'SMPP_TIMEOUT_MS', 10_000, 100, 120_000)
	};
}

function inboundToken(source: Source): string | null {
	const token = source.SMS_INBOUND_TOKEN;
	if (!token) return null;
	if (token.length < 24) throw new EnvError('SMS_INBOUND_TOKEN', 'expected at least 24 characters (it is the only thing guarding the webhook)');
	return token;
}

export function parseSmsEnv(source: Source, gateway: SmsGatewayName): SmsEnv {
	const sender = source.SMS_SENDER || 'Tawasul';
	return {
		sender,
		maxAttempts: whole(source, 'SMS_MAX_ATTEMPTS', 5, 1, 50),
		perNumberPerHour: whole(source, 'SMS_PER_NUMBER_PER_HOUR', 10, 1, 10_000),
		http: gateway === 'http' ? httpConfig(source, sender) : null,
		smpp: gateway === 'smpp' ? smppConfig(source, sender) : null,
		inboundToken: inboundToken(source)
	};
}
