import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, keyFromDataDir, parseKey, seal, SealError, unseal } from './sealing.js';

const key = randomBytes(32);

describe('sealing', () => {
	it('opens what it sealed, for the same context only', () => {
		const sealed = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:s1');
		expect(isSealed(sealed)).toBe(true);
		expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
		expect(unseal(key, sealed, 'totp:s1')).toBe('JBSWY3DPEHPK3PXP');
		expect(() => unseal(key, sealed, 'totp:s2')).toThrow(SealError);
		expect(() => unseal(randomBytes(32), sealed, 'totp:s1')).toThrow(SealError);
	});

	it('never seals the same secret to the same text, and notices a change', () => {
		const a = seal(key, 'secret', 'c');
		expect(seal(key, 'secret', 'c')).not.toBe(a);
		const parts = a.split('.');
		const body = Buffer.from(parts[2], 'base64url');
		body[0] ^= 1;
		parts[2] = body.toString('base64url');
		expect(() => unseal(key, parts.join('.'), 'c')).toThrow(SealError);
		expect(() => unseal(key, 'v1.abc', 'c')).toThrow(SealError);
	});

	it('reads a value stored before sealing as it is', () => {
		expect(unseal(key, 'JBSWY3DPEHPK3PXP', 'totp:s1')).toBe('JBSWY3DPEHPK3PXP');
	});
});

describe('the key', () => {
	it('comes from SECRETS_KEY in base64 or hex, 32 bytes', () => {
		expect(parseKey(undefined)).toBeNull();
		expect(parseKey('  ')).toBeNull();
		expect(parseKey(key.toString('base64'))).toEqual(key);
		expect(parseKey(key.toString('hex'))).toEqual(key);
		expect(() => parseKey('short')).toThrow(/32 bytes/);
	});

	it('else from DATA_DIR/secrets.key, made once, readable by the owner only', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-key-'));
		try {
			const first = keyFromDataDir(dir);
			expect(first).toHaveLength(32);
			expect(keyFromDataDir(dir)).toEqual(first);
			expect(fs.statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
