/**
 * Secrets the server must read back (authenticator secrets) are kept in the database sealed with
 * AES-256-GCM under a key that is not in the database: `SECRETS_KEY` (32 bytes, base64 or hex), or
 * else `secrets.key` under DATA_DIR, made on first start (0600). A copy or replica of `auth` then
 * reveals no secret. Every instance that shares one CouchDB needs the same SECRETS_KEY.
 *
 * A sealed value is `v1.<iv>.<ciphertext>.<tag>` (base64url), bound to a context (the document
 * id), so it cannot be moved to another person's document. A value without the prefix is one
 * written before sealing existed; it is read as it is and sealed at its next write.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'secrets.key';
const PREFIX = 'v1.';

export class SealError extends Error {}

export const isSealed = (value: string) => value.startsWith(PREFIX);

export function seal(key: Buffer, plaintext: string, context: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(context));
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return PREFIX + [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

/** The plaintext, or a SealError when the value was sealed under another key, for another
 * context, or changed. */
export function unseal(key: Buffer, value: string, context: string): string {
	if (!isSealed(value)) return value;
	// A stored value may have fewer parts than a sealed one has.
	const parts: (Buffer | undefined)[] = value
		.slice(PREFIX.length)
		.split('.')
		.map((part) => Buffer.from(part, 'base64url'));
	const [iv, body, tag] = parts;
	if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) throw new SealError('malformed sealed value');
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, iv);
		decipher.setAAD(Buffer.from(context));
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
	} catch {
		throw new SealError('sealed value cannot be opened with this key (is SECRETS_KEY the one that sealed it?)');
	}
}

/** The key in DATA_DIR/secrets.key, made on first use; two processes starting at once agree on
 * the first one written. */
export function keyFromDataDir(dataDir: string): Buffer {
	const file = path.join(dataDir, KEY_FILE);
	fs.mkdirSync(dataDir, { recursive: true });
	try {
		fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
	if (key.length !== 32) throw new SealError(`${file} does not hold a 32-byte key`);
	return key;
}

/** SECRETS_KEY as given: 32 bytes in base64 or hex; null when unset. */
export function parseKey(raw: string | undefined): Buffer | null {
	if (raw === undefined || raw.trim() === '') return null;
	const text = raw.trim();
	const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
	if (key.length !== 32) throw new SealError('expected 32 bytes, base64 or hex (openssl rand -base64 32)');
	return key;
}
