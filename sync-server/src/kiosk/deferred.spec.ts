import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealFiling } from '../../../src/lib/client/kiosk-seal.js';
import { FILING_ID, KIOSK_DEFERRED_MAX_MS, readSealedFiling } from '../../../src/lib/domain/kiosk-outbox.js';
import { filingCaseKey, issueGrant, outboxKeys, readGrant } from './deferred.js';

const SECRET = Buffer.alloc(32, 9);
const keys = outboxKeys(SECRET);
const plaintext = { grant: 'g', fields: { subject: 'A deep pothole by the kiosk', body: 'It damages cars every day.' } };

describe('the kiosk outbox seal', () => {
	it('is opened by the server only, for the kiosk and filing it was sealed for, unchanged', async () => {
		const filing = randomUUID();
		const sealed = await sealFiling(keys.publicKey, 'kiosk-a', filing, plaintext);
		expect(JSON.stringify(sealed)).not.toContain('pothole');
		expect(readSealedFiling(sealed, 10_000)).toEqual(sealed);
		expect(JSON.parse(keys.open(sealed, 'kiosk-a', filing)!)).toEqual(plaintext);

		expect(keys.open(sealed, 'kiosk-b', filing)).toBeNull();
		expect(keys.open(sealed, 'kiosk-a', randomUUID())).toBeNull();
		const flipped = sealed.data.slice(0, 10) + (sealed.data[10] === 'A' ? 'B' : 'A') + sealed.data.slice(11);
		expect(keys.open({ ...sealed, data: flipped }, 'kiosk-a', filing)).toBeNull();
		expect(keys.open({ ...sealed, epk: { x: sealed.epk.y, y: sealed.epk.x } }, 'kiosk-a', filing)).toBeNull();
		// Another server's key (another SECRETS_KEY) opens nothing, and says so by its key id.
		const other = outboxKeys(Buffer.alloc(32, 1));
		expect(other.publicKey.kid).not.toBe(keys.publicKey.kid);
		expect(other.open({ ...sealed, kid: other.publicKey.kid }, 'kiosk-a', filing)).toBeNull();
		// Two seals of one filing share nothing: a new one-time key and nonce each time.
		const again = await sealFiling(keys.publicKey, 'kiosk-a', filing, plaintext);
		expect(again.epk).not.toEqual(sealed.epk);
		expect(again.data).not.toBe(sealed.data);
	});

	it.each([
		['not an object', 'x'],
		['an unknown field', { kid: 'a', epk: { x: 'a', y: 'b' }, iv: 'c', data: 'd', more: 1 }],
		['an epk with more', { kid: 'a', epk: { x: 'a', y: 'b', d: 'c' }, iv: 'c', data: 'd' }],
		['data that is not base64url', { kid: 'a', epk: { x: 'a', y: 'b' }, iv: 'c', data: 'd+/=' }],
		['data over the limit', { kid: 'a', epk: { x: 'a', y: 'b' }, iv: 'c', data: 'd'.repeat(101) }]
	])('refuses a sealed record that is %s', (_name, value) => {
		expect(readSealedFiling(value, 100)).toBeNull();
	});
});

describe('the session grant', () => {
	const now = Date.parse('2026-03-19T09:00:00Z');
	const grant = { kiosk_id: 'kiosk-a', citizen_id: 'u-1', phone: '+97336000001', issued_at: now };

	it('stays readable when given before: a kiosk keeps it sealed in its filings for days', () => {
		const given = 'WyJraW9zay1hIiwidS0xIiwiKzk3MzM2MDAwMDAxIiwxNzczOTEwODAwMDAwXQ.4QhAKKujh-LHOBlSRRdZ4Fj0XHZXl2R53rPk8WcDuN0';
		expect(issueGrant(SECRET, grant)).toBe(given);
		expect(readGrant(SECRET, given, 'kiosk-a', now + 1000)).toEqual(grant);
	});

	it('is read back by the server for its kiosk within the deferral window', () => {
		const token = issueGrant(SECRET, grant);
		expect(readGrant(SECRET, token, 'kiosk-a', now + 1000)).toEqual(grant);
		expect(readGrant(SECRET, token, 'kiosk-a', now + KIOSK_DEFERRED_MAX_MS)).toEqual(grant);
	});

	it.each([
		['another kiosk', (t: string) => t, 'kiosk-b', now],
		['too old', (t: string) => t, 'kiosk-a', now + KIOSK_DEFERRED_MAX_MS + 1],
		['from the future', (t: string) => t, 'kiosk-a', now - 120_000],
		['another payload', (t: string) => Buffer.from(JSON.stringify(['kiosk-a', 'u-2', '+97336000002', now])).toString('base64url') + t.slice(t.indexOf('.')), 'kiosk-a', now],
		['another key', () => issueGrant(Buffer.alloc(32, 1), grant), 'kiosk-a', now],
		['not a grant', () => 'x.y.z', 'kiosk-a', now]
	])('is refused when %s', (_name, change, kiosk, at) => {
		expect(readGrant(SECRET, change(issueGrant(SECRET, grant)), kiosk, at)).toBeNull();
	});
});

describe('a filing case key', () => {
	it('is one per kiosk and filing, a UUID the action schema takes', () => {
		const filing = randomUUID();
		const key = filingCaseKey('kiosk-a', filing);
		expect(key).toMatch(FILING_ID);
		expect(filingCaseKey('kiosk-a', filing)).toBe(key);
		expect(filingCaseKey('kiosk-b', filing)).not.toBe(key);
		expect(filingCaseKey('kiosk-a', randomUUID())).not.toBe(key);
	});

	it('stays the key stored for a filing already received', () => {
		expect(filingCaseKey('kiosk-a', '3f2a6c1e-9b7d-4e8f-a1c2-5d6e7f809a1b')).toBe('eb2bd601-b591-4c2d-8734-928ac109a732');
	});
});
