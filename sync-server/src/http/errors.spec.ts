import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { setLogLevel } from '../log.js';
import { GateBusy } from '../gate/files.js';
import { refusalOf } from '../gate/gate.js';
import { asyncHandler, errorHandler } from './errors.js';

let server: Server;
let base: string;

beforeAll(async () => {
	setLogLevel('silent');
	const app = express();
	app.get(
		'/known',
		asyncHandler(async () => {
			throw new TawasulError(422, 'too_long', [{ field: 'body', code: 'too_long', params: { max: 5000 } }]);
		})
	);
	app.get(
		'/crash',
		asyncHandler(async () => {
			const error = new Error('ENOENT: /srv/tawasul/data/secret.db at http://admin:hunter2@couch:5984');
			throw error;
		})
	);
	app.get(
		'/busy',
		asyncHandler(async () => {
			throw new GateBusy();
		})
	);
	app.get('/sync-crash', () => {
		throw new Error('sync failure in /srv/app.ts');
	});
	app.post('/json', express.json({ limit: '1kb' }), (_req, res) => void res.json({ ok: true }));
	app.use(errorHandler);
	server = app.listen(0, '127.0.0.1');
	await new Promise((resolve) => server.once('listening', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('error responses', () => {
	it('sends a TawasulError as its status, code, message key and field errors', async () => {
		const res = await fetch(`${base}/known`);
		expect(res.status).toBe(422);
		expect(await res.json()).toEqual({
			error: { code: 'too_long', message_key: 'errors.too_long', fields: [{ field: 'body', code: 'too_long', params: { max: 5000 } }] }
		});
	});

	it.each(['/crash', '/sync-crash'])('turns anything else (%s) into 500 server with no message, stack or path', async (path) => {
		const res = await fetch(base + path);
		expect(res.status).toBe(500);
		const text = await res.text();
		expect(JSON.parse(text)).toEqual({ error: { code: 'server', message_key: 'errors.server', fields: [] } });
		expect(text).not.toMatch(/srv|hunter2|at |Error/);
	});

	it.each([
		['{"phone": ', 400, 'invalid_format'],
		[JSON.stringify({ pad: 'x'.repeat(2000) }), 413, 'payload_too_large']
	])('answers a bad JSON body %#  with %i %s', async (body, status, code) => {
		const res = await fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		expect(res.status).toBe(status);
		expect((await res.json()).error.code).toBe(code);
	});

	it('answers a gate too busy re-encoding photos with 503 busy and when to try again', async () => {
		const res = await fetch(`${base}/busy`);
		expect([res.status, res.headers.get('retry-after'), (await res.json()).error.code]).toEqual([503, '5', 'busy']);
	});
});

describe('the refusal of an action filed through its own door', () => {
	it.each([
		[{ id: 'a', error: 'forbidden', reason: 'quota_exceeded' }, 429, 'quota_exceeded'],
		[{ id: 'a', error: 'forbidden', reason: 'too_long', field: 'body' }, 400, 'too_long'],
		[{ id: 'a', error: 'forbidden', reason: 'forbidden' }, 400, 'invalid_format'],
		[{ id: 'a', error: 'forbidden', reason: 'Document update conflict.' }, 400, 'invalid_format'],
		[{ id: 'a', error: 'server', reason: 'no answer' }, 503, 'unavailable']
	])('%o is %i %s', (result, status, code) => {
		const refusal = refusalOf(result);
		expect([refusal.status, refusal.code]).toEqual([status, code]);
	});
});
