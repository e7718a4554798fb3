import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { parseEnv } from '../env.js';
import { DEFAULT_PUSH_HOSTS, hostAllowed } from './config.js';

const PAIR = webpush.generateVAPIDKeys();
const OTHER = webpush.generateVAPIDKeys();
const VAPID = { VAPID_PUBLIC_KEY: PAIR.publicKey, VAPID_PRIVATE_KEY: PAIR.privateKey, VAPID_SUBJECT: 'mailto:ops@tawasul.bh' };

describe('Web Push configuration', () => {
	it('is off without VAPID keys, with the known push services and bounds by default', () => {
		expect(parseEnv({}).push).toEqual({ vapid: null, allowedHosts: DEFAULT_PUSH_HOSTS, devicesPerPerson: 5, maxAttempts: 5 });
	});

	it('reads the pair and its subject', () => {
		expect(parseEnv(VAPID).push.vapid).toEqual({ publicKey: PAIR.publicKey, privateKey: PAIR.privateKey, subject: 'mailto:ops@tawasul.bh' });
		expect(parseEnv({ ...VAPID, VAPID_SUBJECT: 'https://tawasul.bh/contact' }).push.vapid?.subject).toBe('https://tawasul.bh/contact');
	});

	it.each(Object.keys(VAPID))('names %s when it alone is missing', (name) => {
		const source: Record<string, string> = { ...VAPID };
		delete source[name];
		expect(() => parseEnv(source)).toThrow(new RegExp(`^Environment variable ${name}: required`));
	});

	it.each([
		['a public key of the wrong length', { VAPID_PUBLIC_KEY: PAIR.publicKey.slice(0, 60) }, /VAPID_PUBLIC_KEY: expected/],
		['a public key that is not base64url', { VAPID_PUBLIC_KEY: `${PAIR.publicKey.slice(0, 86)}+` }, /VAPID_PUBLIC_KEY: expected/],
		['a compressed public key', { VAPID_PUBLIC_KEY: Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 1)]).toString('base64url') }, /VAPID_PUBLIC_KEY: expected/],
		['a private key of the wrong length', { VAPID_PRIVATE_KEY: PAIR.privateKey.slice(0, 20) }, /VAPID_PRIVATE_KEY: expected/],
		['a private key that is no key (zero)', { VAPID_PRIVATE_KEY: Buffer.alloc(32).toString('base64url') }, /VAPID_PUBLIC_KEY: is not the public key/],
		['keys of two different pairs', { VAPID_PUBLIC_KEY: OTHER.publicKey }, /VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY/],
		['a subject that is neither mailto: nor https:', { VAPID_SUBJECT: 'http://tawasul.bh' }, /VAPID_SUBJECT/],
		['hosts that are not host names', { PUSH_ALLOWED_HOSTS: 'fcm.googleapis.com,https://evil' }, /PUSH_ALLOWED_HOSTS/],
		['too many devices a person', { PUSH_DEVICES_PER_PERSON: '100' }, /PUSH_DEVICES_PER_PERSON/],
		['no tries at all', { PUSH_MAX_ATTEMPTS: '0' }, /PUSH_MAX_ATTEMPTS/]
	])('stops start-up on %s', (_label, change, message) => {
		expect(() => parseEnv({ ...VAPID, ...change })).toThrow(message);
	});

	it('refuses a malformed key in production too, naming it', () => {
		const production = { NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64), SMS_GATEWAY: 'outbox', PUBLIC_URL: 'https://tawasul.bh' };
		expect(parseEnv({ ...production, ...VAPID }).push.vapid?.publicKey).toBe(PAIR.publicKey);
		expect(() => parseEnv({ ...production, ...VAPID, VAPID_PRIVATE_KEY: 'short' })).toThrow(/^Environment variable VAPID_PRIVATE_KEY/);
	});

	it.each(['127.0.0.1', 'localhost', 'push.localhost'])('allows a push service on %s in development only', (host) => {
		const production = { NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64), SMS_GATEWAY: 'outbox', PUBLIC_URL: 'https://tawasul.bh' };
		expect(parseEnv({ ...VAPID, PUSH_ALLOWED_HOSTS: host }).push.allowedHosts).toEqual([host]);
		expect(() => parseEnv({ ...production, ...VAPID, PUSH_ALLOWED_HOSTS: `fcm.googleapis.com,${host}` })).toThrow(/^Environment variable PUSH_ALLOWED_HOSTS: must name push services in production/);
	});
});

describe('hostAllowed', () => {
	it.each([
		['fcm.googleapis.com', true],
		['FCM.googleapis.com', true],
		['web.push.apple.com', true],
		['push.apple.com', false],
		['evilpush.apple.com', false],
		['wns2-par02p.notify.windows.com', true],
		['fcm.googleapis.com.evil.example', false],
		['127.0.0.1', false]
	])('%s: %s', (host, allowed) => {
		expect(hostAllowed(host, DEFAULT_PUSH_HOSTS)).toBe(allowed);
	});
});
