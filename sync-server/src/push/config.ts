/** The Web Push part of the environment (env.ts calls this, issue 16): the VAPID key pair that
 * signs every push, its contact subject, the push services a subscription may point at, and the
 * sender's bounds. Without the keys push is off: the server says so at /api/push/key and the app
 * does not offer it. A key that is given but malformed, or a pair that does not belong together,
 * stops start-up with the variable named, in every mode: the push services would refuse each push. */
import { createECDH } from 'node:crypto';
import { EnvError, wholeNumber as whole } from '../env-error.js';

export interface VapidKeys {
	/** base64url of the uncompressed P-256 point (65 bytes), the browser's applicationServerKey. */
	publicKey: string;
	/** base64url of the 32-byte P-256 private key. */
	privateKey: string;
	/** mailto: or https: contact the push services may use about this sender. */
	subject: string;
}

export interface PushEnv {
	vapid: VapidKeys | null;
	/** Host names a subscription's endpoint may have; `*.example.com` matches its sub-domains. */
	allowedHosts: string[];
	/** Devices one person may register; a new one past this replaces their oldest. */
	devicesPerPerson: number;
	/** Tries of one push before it is given up (a 404/410 is never retried). */
	maxAttempts: number;
}

/** The push services of Chrome/Edge/Android (FCM), Firefox (autopush), Safari and Windows. */
export const DEFAULT_PUSH_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', '*.push.apple.com', '*.notify.windows.com'];

type Source = Record<string, string | undefined>;

const VAPID_VARIABLES = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The bytes of a base64url string without padding, or null when it is not one. */
export function base64UrlBytes(value: string): Buffer | null {
	if (!BASE64URL.test(value) || value.length % 4 === 1) return null;
	return Buffer.from(value, 'base64url');
}

/** All three or none; each checked by form, and the public key must be the private key's own. */
function vapid(source: Source): VapidKeys | null {
	const given = VAPID_VARIABLES.filter((name) => source[name]);
	if (given.length === 0) return null;
	// In the order of VAPID_VARIABLES, so the first one missing is the one named.
	const required = (name: (typeof VAPID_VARIABLES)[number]): string => {
		const value = source[name];
		if (!value) throw new EnvError(name, `required when ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set (Web Push needs all three; npm run vapid-keys makes a pair)`);
		return value;
	};
	const publicKey = required('VAPID_PUBLIC_KEY');
	const privateKey = required('VAPID_PRIVATE_KEY');
	const subject = required('VAPID_SUBJECT');
	const publicBytes = base64UrlBytes(publicKey);
	if (!publicBytes || publicBytes.length !== 65 || publicBytes[0] !== 4)
		throw new EnvError('VAPID_PUBLIC_KEY', 'expected the base64url of a 65-byte uncompressed P-256 public key (npm run vapid-keys)');
	const privateBytes = base64UrlBytes(privateKey);
	if (!privateBytes || privateBytes.length !== 32) throw new EnvError('VAPID_PRIVATE_KEY', 'expected the base64url of a 32-byte P-256 private key (npm run vapid-keys)');
	if (!publicFor(privateBytes)?.equals(publicBytes)) throw new EnvError('VAPID_PUBLIC_KEY', 'is not the public key of VAPID_PRIVATE_KEY');
	if (!/^mailto:[^\s@]+@[^\s@]+$/.test(subject) && !/^https:\/\/[^\s/]+/.test(subject)) throw new EnvError('VAPID_SUBJECT', `expected a mailto: address or an https: URL, got "${subject}"`);
	return { publicKey, privateKey, subject };
}

function publicFor(privateKey: Buffer): Buffer | null {
	try {
		const ecdh = createECDH('prime256v1');
		ecdh.setPrivateKey(privateKey);
		return ecdh.getPublicKey();
	} catch {
		// Zero or past the curve's order: not a private key at all.
		return null;
	}
}

/** In production only names of push services: an address or localhost would let a subscription
 * make the server post into its own network (a test's push service runs on loopback). */
function hosts(source: Source, production: boolean): string[] {
	const raw = source.PUSH_ALLOWED_HOSTS;
	if (raw === undefined || raw === '') return DEFAULT_PUSH_HOSTS;
	const list = raw.split(',').map((host) => host.trim().toLowerCase());
	const bad = list.find((host) => !/^(\*\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(host));
	if (bad !== undefined) throw new EnvError('PUSH_ALLOWED_HOSTS', `expected comma-separated host names (optionally *.domain), got "${bad}"`);
	const local = list.find((host) => /^[\d.]+$/.test(host) || host === 'localhost' || host.endsWith('.localhost'));
	if (production && local !== undefined) throw new EnvError('PUSH_ALLOWED_HOSTS', `must name push services in production, not an address or localhost, got "${local}"`);
	return list;
}

export function parsePushEnv(source: Source, production = false): PushEnv {
	return {
		vapid: vapid(source),
		allowedHosts: hosts(source, production),
		devicesPerPerson: whole(source, 'PUSH_DEVICES_PER_PERSON', 5, 1, 20),
		maxAttempts: whole(source, 'PUSH_MAX_ATTEMPTS', 5, 1, 20)
	};
}

/** Whether an endpoint's host is one of the allowed push services. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
	const name = host.toLowerCase();
	return allowed.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry));
}
