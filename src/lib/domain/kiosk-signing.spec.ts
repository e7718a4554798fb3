import { describe, expect, it } from 'vitest';
import { canonicalString, KIOSK_SKEW_MS, normalizeEnrolmentCode, readKioskHeaders, readPublicJwk } from './kiosk-signing.js';

const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const parts = { method: 'post', path: '/api/kiosk/cases', timestamp: '1765000000000', nonce: 'AAAAAAAAAAAAAAAAAAAAAA', bodySha256: EMPTY_SHA };

describe('canonicalString', () => {
	it('joins the scheme, the upper-case method, path, time, nonce and body hash, one a line', () => {
		expect(canonicalString(parts)).toBe(`TAWASUL-KIOSK-V1\nPOST\n/api/kiosk/cases\n1765000000000\nAAAAAAAAAAAAAAAAAAAAAA\n${EMPTY_SHA}`);
	});
	it.each([
		['a path with a line break', { path: '/api/kiosk\nGET' }],
		['a path with a space', { path: '/api/kiosk cases' }],
		['a relative path', { path: 'api/kiosk' }],
		['a method with a line break', { method: 'POST\n' }],
		['a timestamp in seconds', { timestamp: '1765000000' }],
		['a short nonce', { nonce: 'abc' }],
		['an upper-case body hash', { bodySha256: EMPTY_SHA.toUpperCase() }]
	])('refuses %s', (_name, change) => {
		expect(() => canonicalString({ ...parts, ...change })).toThrow();
	});
});

describe('readKioskHeaders', () => {
	const now = 1_765_000_000_000;
	const good: Record<string, string> = {
		'x-kiosk-id': 'kiosk-0123456789abcdef',
		'x-kiosk-timestamp': String(now),
		'x-kiosk-nonce': 'AAAAAAAAAAAAAAAAAAAAAA',
		'x-kiosk-signature': 'A'.repeat(86)
	};
	const read = (change: Record<string, string | undefined>, at = now) => readKioskHeaders((name) => ({ ...good, ...change })[name], at);
	it('accepts well-formed headers within the skew', () => {
		expect(read({})).toEqual({ ok: true, headers: { kioskId: good['x-kiosk-id'], timestamp: good['x-kiosk-timestamp'], nonce: good['x-kiosk-nonce'], signature: good['x-kiosk-signature'] } });
		expect(read({}, now + KIOSK_SKEW_MS).ok).toBe(true);
		expect(read({}, now - KIOSK_SKEW_MS).ok).toBe(true);
	});
	it.each([
		['no kiosk id', { 'x-kiosk-id': undefined }, 'kiosk_unknown'],
		['a kiosk id of another shape', { 'x-kiosk-id': 'k0123456789abcdef' }, 'kiosk_unknown'],
		['no signature', { 'x-kiosk-signature': undefined }, 'kiosk_signature_invalid'],
		['a DER signature', { 'x-kiosk-signature': 'A'.repeat(96) }, 'kiosk_signature_invalid'],
		['no nonce', { 'x-kiosk-nonce': undefined }, 'kiosk_signature_invalid'],
		['a time 61 s ahead', { 'x-kiosk-timestamp': String(now + KIOSK_SKEW_MS + 1000) }, 'kiosk_clock_skew'],
		['a time 61 s behind', { 'x-kiosk-timestamp': String(now - KIOSK_SKEW_MS - 1000) }, 'kiosk_clock_skew']
	])('refuses %s', (_name, change, problem) => {
		expect(read(change)).toEqual({ ok: false, problem });
	});
});

describe('normalizeEnrolmentCode', () => {
	it.each([
		['abcd-efgh-jkmn', 'ABCD-EFGH-JKMN'],
		['ABCD EFGH JKMN', 'ABCD-EFGH-JKMN'],
		['abcdefghjkmn', 'ABCD-EFGH-JKMN'],
		['ABCD-EFGH-JKM0', null],
		['ABCD-EFGH-JKMI', null],
		['ABCD-EFGH', null],
		['', null]
	])('%s → %s', (input, expected) => {
		expect(normalizeEnrolmentCode(input)).toBe(expected);
	});
});

describe('readPublicJwk', () => {
	const x = 'A'.repeat(43);
	const y = 'B'.repeat(43);
	it('keeps only the public members of a P-256 key', () => {
		expect(readPublicJwk({ kty: 'EC', crv: 'P-256', x, y, ext: true, key_ops: ['verify'] })).toEqual({ kty: 'EC', crv: 'P-256', x, y });
	});
	it.each([
		['a private key', { kty: 'EC', crv: 'P-256', x, y, d: x }],
		['another curve', { kty: 'EC', crv: 'P-384', x, y }],
		['an RSA key', { kty: 'RSA', n: x, e: 'AQAB' }],
		['a short coordinate', { kty: 'EC', crv: 'P-256', x: 'AA', y }],
		['a string', 'key'],
		['an array', [x, y]]
	])('refuses %s', (_name, value) => {
		expect(readPublicJwk(value)).toBeNull();
	});
});
