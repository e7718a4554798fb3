import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { DEFAULT_PUSH_HOSTS } from './config.js';
import { readSubscription, subscriptionDocId } from './subscriptions.js';

const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const KEYS = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
const VALID = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', keys: KEYS, expirationTime: null, locale: 'en' };

function refusal(body: unknown): { code: string; fields: { field: string; code: string }[] } {
	try {
		readSubscription(body, DEFAULT_PUSH_HOSTS);
	} catch (error) {
		if (error instanceof TawasulError) return { code: error.code, fields: error.fields.map(({ field, code }) => ({ field, code })) };
		throw error;
	}
	throw new Error('accepted');
}

describe('readSubscription', () => {
	it('takes a browser subscription with the app language', () => {
		expect(readSubscription(VALID, DEFAULT_PUSH_HOSTS)).toEqual({ endpoint: VALID.endpoint, keys: KEYS, locale: 'en' });
		const { locale: _omitted, ...withoutLocale } = VALID;
		void _omitted;
		expect(readSubscription(withoutLocale, DEFAULT_PUSH_HOSTS).locale).toBe('ar');
	});

	it.each([
		['not an object', [VALID], { field: undefined }],
		['an http endpoint', { ...VALID, endpoint: 'http://fcm.googleapis.com/fcm/send/x' }, { field: 'endpoint', code: 'invalid_format' }],
		['an endpoint with credentials', { ...VALID, endpoint: 'https://user:pw@fcm.googleapis.com/x' }, { field: 'endpoint', code: 'invalid_format' }],
		['an endpoint that is no URL', { ...VALID, endpoint: 'fcm.googleapis.com/x' }, { field: 'endpoint', code: 'invalid_format' }],
		['an endpoint on our own network', { ...VALID, endpoint: 'https://127.0.0.1:5984/_users' }, { field: 'endpoint', code: 'not_allowed' }],
		['an endpoint of another host', { ...VALID, endpoint: 'https://fcm.googleapis.com.evil.example/x' }, { field: 'endpoint', code: 'not_allowed' }],
		['a very long endpoint', { ...VALID, endpoint: `https://fcm.googleapis.com/${'a'.repeat(1100)}` }, { field: 'endpoint', code: 'too_long' }],
		['no endpoint', { ...VALID, endpoint: undefined }, { field: 'endpoint', code: 'required' }],
		['no keys', { ...VALID, keys: undefined }, { field: 'keys', code: 'required' }],
		['a p256dh of the wrong length', { ...VALID, keys: { ...KEYS, p256dh: KEYS.p256dh.slice(0, 80) } }, { field: 'keys.p256dh', code: 'invalid_format' }],
		['a p256dh in plain base64', { ...VALID, keys: { ...KEYS, p256dh: `${KEYS.p256dh.slice(0, 86)}+` } }, { field: 'keys.p256dh', code: 'invalid_format' }],
		['an auth secret of 12 bytes', { ...VALID, keys: { ...KEYS, auth: randomBytes(12).toString('base64url') } }, { field: 'keys.auth', code: 'invalid_format' }],
		['an auth secret that is a number', { ...VALID, keys: { ...KEYS, auth: 7 } }, { field: 'keys.auth', code: 'required' }],
		['an unknown field', { ...VALID, user_id: 'someone-else' }, { field: 'user_id', code: 'unknown_field' }],
		['an unknown key field', { ...VALID, keys: { ...KEYS, extra: 'x' } }, { field: 'keys.extra', code: 'unknown_field' }],
		['an unknown language', { ...VALID, locale: 'fr' }, { field: 'locale', code: 'invalid_format' }],
		['an expiration that is not a number', { ...VALID, expirationTime: 'soon' }, { field: 'expirationTime', code: 'invalid_format' }]
	])('refuses %s', (_label, body, expected) => {
		const { code, fields } = refusal(body);
		if (expected.field === undefined) expect(code).toBe('invalid_format');
		else expect(fields).toContainEqual(expected);
	});

	it('gives each person their own document for the same device', () => {
		expect(subscriptionDocId('u1', VALID.endpoint)).not.toBe(subscriptionDocId('u2', VALID.endpoint));
		expect(subscriptionDocId('u1', VALID.endpoint)).toBe(subscriptionDocId('u1', VALID.endpoint));
	});
});
