import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env.js';
import { SmsSendError } from './gateway.js';
import { accepted, createHttpGateway, DEFAULT_HTTP_BODY, type HttpGatewayConfig } from './http-gateway.js';

interface Seen {
	headers: http.IncomingHttpHeaders;
	body: string;
}
const seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"status":"ok","message":{"id":"prov-1"}}' };
let url = '';
const server = http.createServer((req, res) => {
	let body = '';
	req.on('data', (c) => (body += c));
	req.on('end', () => {
		seen.push({ headers: req.headers, body });
		res.writeHead(answer.status, { 'content-type': 'application/json' });
		res.end(answer.body);
	});
});

beforeAll(async () => {
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const config = (extra: Partial<HttpGatewayConfig> = {}): HttpGatewayConfig => ({
	url,
	format: 'json',
	headers: { authorization: 'Bearer k' },
	body: DEFAULT_HTTP_BODY,
	success: 'status',
	idPath: null,
	sender: 'Tawasul',
	timeoutMs: 2000,
	...extra
});
const message = { id: 'job:1', to: '+97336000001', text: 'رمز الدخول 123456 & more' };

describe('http gateway', () => {
	it('posts JSON from the template with the configured headers and reads the provider id', async () => {
		answer = { status: 200, body: '{"status":"ok","message":{"id":"prov-1"}}' };
		const gateway = createHttpGateway(config({ body: { msisdn: '{to_digits}', sms: '{text}', ref: '{id}', from: '{sender}' }, success: 'json:status=ok', idPath: 'message.id' }));
		expect(await gateway.send(message)).toEqual({ provider_ids: ['prov-1'], parts: 1 });
		const last = seen.at(-1)!;
		expect(last.headers['content-type']).toBe('application/json');
		expect(last.headers.authorization).toBe('Bearer k');
		expect(JSON.parse(last.body)).toEqual({ msisdn: '97336000001', sms: message.text, ref: 'job:1', from: 'Tawasul' });
	});

	it('posts a form when asked', async () => {
		answer = { status: 202, body: 'OK' };
		const gateway = createHttpGateway(config({ format: 'form', success: 'text:OK' }));
		await gateway.send(message);
		const last = seen.at(-1)!;
		expect(last.headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(Object.fromEntries(new URLSearchParams(last.body))).toEqual({ to: message.to, text: message.text, id: 'job:1', sender: 'Tawasul' });
	});

	it.each([
		[503, '', true],
		[429, '', true],
		[400, '{"error":"bad number"}', false],
		[200, '{"status":"error"}', false]
	])('answer %i %s → retryable %s', async (status, body, retryable) => {
		answer = { status, body };
		const gateway = createHttpGateway(config({ success: 'json:status=ok' }));
		const error = await gateway.send(message).catch((e) => e);
		expect(error).toBeInstanceOf(SmsSendError);
		expect(error.retryable).toBe(retryable);
	});

	it('treats an unreachable provider as temporary', async () => {
		const gateway = createHttpGateway(config({ url: 'http://127.0.0.1:1/none' }));
		const error = await gateway.send(message).catch((e) => e);
		expect(error).toMatchObject({ retryable: true });
	});

	it.each([
		['status', 204, '', true],
		['status', 302, '', false],
		['text:ACCEPTED', 200, 'ACCEPTED id=5', true],
		['json:result.code=0', 200, '{"result":{"code":0}}', true],
		['json:result.code=0', 200, 'not json', false]
	])('success check %s on %i %s → %s', (check, status, body, ok) => {
		expect(accepted(check, status, body)).toBe(ok);
	});

	it('is configured from the environment, with clear errors', () => {
		const env = parseEnv({
			SMS_GATEWAY: 'http',
			SMS_HTTP_URL: url,
			SMS_HTTP_FORMAT: 'form',
			SMS_HTTP_HEADERS: '{"X-Key":"abc"}',
			SMS_HTTP_BODY: '{"to":"{to}","msg":"{text}"}',
			SMS_HTTP_SUCCESS: 'json:ok=true'
		});
		expect(env.sms.http).toMatchObject({ url, format: 'form', headers: { 'X-Key': 'abc' }, body: { to: '{to}', msg: '{text}' }, success: 'json:ok=true' });
		expect(() => parseEnv({ SMS_GATEWAY: 'http' })).toThrow(/SMS_HTTP_URL/);
		expect(() => parseEnv({ SMS_GATEWAY: 'http', SMS_HTTP_URL: url, SMS_HTTP_HEADERS: '[1]' })).toThrow(/SMS_HTTP_HEADERS/);
		expect(() => parseEnv({ SMS_GATEWAY: 'smpp', SMPP_URL: 'smpp://127.0.0.1:2775' })).toThrow(/SMPP_SYSTEM_ID/);
		expect(() => parseEnv({ SMS_GATEWAY: 'carrier-pigeon' })).toThrow(/SMS_GATEWAY/);
	});
});
