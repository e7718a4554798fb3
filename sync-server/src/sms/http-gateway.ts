/** The 'http' gateway: one POST per message to a provider's URL, as JSON or as a form, with the
 * headers, body template and success check an operator configures (README, SMS_HTTP_*). Template
 * strings may use {to} (E.164), {to_digits} (without +), {text}, {id} and {sender}. */
import { SmsSendError, type SmsGateway, type SmsMessage } from './gateway.js';

export interface HttpGatewayConfig {
	url: string;
	format: 'json' | 'form';
	headers: Record<string, string>;
	/** Field → template; values are filled per message. */
	body: Record<string, string>;
	/** `status` (any 2xx), `json:<path>=<value>` or `text:<substring>`. */
	success: string;
	/** Dotted path of the provider's message id in a JSON answer, if any. */
	idPath: string | null;
	sender: string;
	timeoutMs: number;
}

export const DEFAULT_HTTP_BODY = { to: '{to}', text: '{text}', id: '{id}', sender: '{sender}' };

function fill(template: string, message: SmsMessage, sender: string): string {
	const values: Record<string, string> = { to: message.to, to_digits: message.to.replace(/^\+/, ''), text: message.text, id: message.id, sender };
	return template.replace(/\{(to|to_digits|text|id|sender)\}/g, (_, name: string) => values[name]);
}

function pick(value: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** Whether the provider took the message, by the configured check. */
export function accepted(success: string, status: number, text: string): boolean {
	if (status < 200 || status > 299) return false;
	if (success === 'status') return true;
	if (success.startsWith('text:')) return text.includes(success.slice(5));
	if (success.startsWith('json:')) {
		const [path, expected] = success.slice(5).split('=');
		try {
			return String(pick(JSON.parse(text), path)) === expected;
		} catch {
			return false;
		}
	}
	throw new Error(`unknown success check ${success}`);
}

export function createHttpGateway(config: HttpGatewayConfig): SmsGateway {
	return {
		name: 'http',
		async send(message) {
			const fields = Object.fromEntries(Object.entries(config.body).map(([k, v]) => [k, fill(v, message, config.sender)]));
			const body = config.format === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
			let response: Response;
			try {
				response = await fetch(config.url, {
					method: 'POST',
					headers: { 'content-type': config.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', ...config.headers },
					body,
					signal: AbortSignal.timeout(config.timeoutMs)
				});
			} catch (error) {
				throw new SmsSendError(`provider unreachable: ${(error as Error).name}`, true);
			}
			const text = await response.text().catch(() => '');
			if (!accepted(config.success, response.status, text)) {
				// Throttling and the provider's own failures pass; a refusal of this message does not.
				const retryable = response.status === 429 || response.status >= 500 || response.status === 408;
				// A 2xx that fails the check may still have been taken: never resent, it goes to dead letters.
				throw new SmsSendError(`provider answered ${response.status}`, retryable);
			}
			let providerId: unknown = undefined;
			if (config.idPath) {
				try {
					providerId = pick(JSON.parse(text), config.idPath);
				} catch {
					providerId = undefined;
				}
			}
			// eslint-disable-next-line @typescript-eslint/no-base-to-string -- the id is whatever the provider's JSON holds at idPath; an array of one id reads as that id
			return { provider_ids: providerId === undefined || providerId === null ? [] : [String(providerId)], parts: 1 };
		}
	};
}
