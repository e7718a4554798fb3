import { describe, expect, it } from 'vitest';
import { issueGrant, readGrant } from '../kiosk/deferred.js';
import { readToken, signToken, type TokenPurpose } from './signed-token.js';

const SECRET = Buffer.alloc(32, 9);
const now = Date.parse('2026-03-19T09:00:00Z');
const limits = { now, maxAgeMs: 30 * 60_000, maxLength: 400 };

describe('a signed token', () => {
	it('reads back its fields and time, for its purpose, within its age', () => {
		const token = signToken(SECRET, 'anonymous-grant', ['anon-0123456789abcdef', null, 3], now);
		expect(readToken(SECRET, 'anonymous-grant', token, limits)).toEqual({ fields: ['anon-0123456789abcdef', null, 3], issuedAt: now });
		expect(readToken(SECRET, 'anonymous-grant', token, { ...limits, now: now + limits.maxAgeMs })).not.toBeNull();
	});

	const token = signToken(SECRET, 'anonymous-grant', ['anon-0123456789abcdef'], now);
	const [payload, mac] = token.split('.');
	it.each([
		['too old', token, { now: now + limits.maxAgeMs + 1 }],
		['signed more than a minute ahead', token, { now: now - 60_001 }],
		['under another key', signToken(Buffer.alloc(32, 1), 'anonymous-grant', ['anon-0123456789abcdef'], now), {}],
		['with another payload', `${Buffer.from(JSON.stringify(['anon-fedcba9876543210', now])).toString('base64url')}.${mac}`, {}],
		['with a cut mac', `${payload}.${mac.slice(0, -2)}`, {}],
		['with more parts', `${token}.x`, {}],
		['without a mac', payload, {}],
		['longer than allowed', token, { maxLength: token.length - 1 }],
		['not text', 42, {}]
	])('is refused %s', (_name, given, change) => {
		expect(readToken(SECRET, 'anonymous-grant', given, { ...limits, ...change })).toBeNull();
	});

	// Same fields, same key, same time: only the purpose differs, and it is refused.
	it.each([
		['kiosk-grant', 'anonymous-grant'],
		['anonymous-grant', 'kiosk-grant']
	] as [TokenPurpose, TokenPurpose][])('signed for %s is never read for %s', (signedFor, readFor) => {
		const signed = signToken(SECRET, signedFor, ['kiosk-a', 'u-1', '+97336000001'], now);
		expect(readToken(SECRET, signedFor, signed, limits)).not.toBeNull();
		expect(readToken(SECRET, readFor, signed, limits)).toBeNull();
	});

	it("keeps a kiosk session's grant out of the report door, and a report's grant out of the kiosk", () => {
		const kioskGrant = issueGrant(SECRET, { kiosk_id: 'kiosk-a', citizen_id: 'u-1', phone: '+97336000001', issued_at: now });
		expect(readToken(SECRET, 'anonymous-grant', kioskGrant, limits)).toBeNull();
		const reportGrant = signToken(SECRET, 'anonymous-grant', ['kiosk-a', 'u-1', '+97336000001'], now);
		expect(readGrant(SECRET, reportGrant, 'kiosk-a', now)).toBeNull();
	});
});
