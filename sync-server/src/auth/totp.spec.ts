import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchStep, newSecret, otpauthUri, stepAt, totpAt } from './totp.js';

/** The shared secret of RFC 4226 appendix D and RFC 6238 appendix B (SHA-1). */
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');

describe('HOTP (RFC 4226 appendix D)', () => {
	it.each([
		[0, '755224'],
		[1, '287082'],
		[2, '359152'],
		[3, '969429'],
		[4, '338314'],
		[5, '254676'],
		[6, '287922'],
		[7, '162583'],
		[8, '399871'],
		[9, '520489']
	])('counter %i gives %s', (counter, code) => {
		expect(hotp(RFC_KEY, counter)).toBe(code);
	});
});

describe('TOTP (RFC 6238 appendix B, SHA-1)', () => {
	it.each([
		[59, '94287082'],
		[1111111109, '07081804'],
		[1111111111, '14050471'],
		[1234567890, '89005924'],
		[2000000000, '69279037'],
		[20000000000, '65353130']
	])('at %i s the 8-digit code is %s and the 6-digit one its last six digits', (seconds, code) => {
		expect(totpAt(RFC_KEY, seconds * 1000, 8)).toBe(code);
		expect(totpAt(RFC_KEY, seconds * 1000)).toBe(code.slice(2));
	});
});

describe('matchStep', () => {
	const now = 1111111111 * 1000;
	const step = stepAt(now);
	const codeAt = (s: number) => hotp(RFC_KEY, s);

	it('accepts the current step and one step of drift either way', () => {
		expect(matchStep(RFC_KEY, codeAt(step), now, 0)).toBe(step);
		expect(matchStep(RFC_KEY, codeAt(step - 1), now, 0)).toBe(step - 1);
		expect(matchStep(RFC_KEY, codeAt(step + 1), now, 0)).toBe(step + 1);
	});

	it('refuses codes two steps away, of the wrong shape, or wrong', () => {
		expect(matchStep(RFC_KEY, codeAt(step - 2), now, 0)).toBeNull();
		expect(matchStep(RFC_KEY, codeAt(step + 2), now, 0)).toBeNull();
		expect(matchStep(RFC_KEY, '12345', now, 0)).toBeNull();
		expect(matchStep(RFC_KEY, '1234567', now, 0)).toBeNull();
		expect(matchStep(RFC_KEY, 'abcdef', now, 0)).toBeNull();
		const wrong = String((Number(codeAt(step)) + 1) % 1_000_000).padStart(6, '0');
		expect(matchStep(RFC_KEY, wrong, now, 0)).toBeNull();
	});

	it('never accepts a step already used, nor one before it', () => {
		expect(matchStep(RFC_KEY, codeAt(step), now, step)).toBeNull();
		expect(matchStep(RFC_KEY, codeAt(step - 1), now, step)).toBeNull();
		expect(matchStep(RFC_KEY, codeAt(step + 1), now, step)).toBe(step + 1);
	});
});

describe('secrets and URIs', () => {
	it('round-trips base32 as RFC 4648 spells it', () => {
		expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
		expect(base32Decode('MZXW6YTBOI')!.toString()).toBe('foobar');
		expect(base32Decode('mzxw 6ytb oi======')!.toString()).toBe('foobar');
		expect(base32Decode('MZXW1')).toBeNull();
		const secret = newSecret();
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(base32Decode(secret)).toHaveLength(20);
	});

	it('writes the otpauth URI authenticator apps read', () => {
		const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'coordinator'));
		expect(uri.protocol).toBe('otpauth:');
		expect(uri.host).toBe('totp');
		expect(decodeURIComponent(uri.pathname)).toBe('/Tawasul:coordinator');
		expect(Object.fromEntries(uri.searchParams)).toEqual({
			secret: 'JBSWY3DPEHPK3PXP',
			issuer: 'Tawasul',
			algorithm: 'SHA1',
			digits: '6',
			period: '30'
		});
	});
});
