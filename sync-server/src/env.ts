/** Every environment variable the server reads, parsed and checked once at start-up. */
import path from 'node:path';
import { parseKey } from './auth/sealing.js';
import { parseSmsEnv, SMS_GATEWAYS, type SmsEnv, type SmsGatewayName } from './sms/config.js';
import { DEFAULT_QUOTAS, type Quotas } from './gate/quota.js';

export interface Env {
	port: number;
	host: string;
	dataDir: string;
	/** Set: use this Apache CouchDB; unset: the embedded express-pouchdb store under dataDir. */
	couchdbUrl: string | null;
	publicUrl: string;
	cookieSecure: boolean;
	smsGateway: SmsGatewayName;
	/** Settings of the chosen SMS gateway, the queue's retries and per-number limit (sms/config.ts). */
	sms: SmsEnv;
	seedDemo: boolean;
	engineBatchSize: number;
	staticDir: string;
	logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
	production: boolean;
	/** National eKey (OpenID Connect) sign-in for citizens; null when not configured. */
	oidc: OidcEnv | null;
	/** Seals authenticator secrets in the database (auth/sealing.ts); null: DATA_DIR/secrets.key. */
	secretsKey: Buffer | null;
	/** New cases and attachment bytes a person or a kiosk may push (gate/quota.ts). */
	quotas: Quotas;
}

export interface OidcEnv {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** Where the provider sends the browser back: this server's /api/auth/oidc/callback. */
	redirectUrl: string;
}

export class EnvError extends Error {
	constructor(variable: string, problem: string) {
		super(`Environment variable ${variable}: ${problem}`);
		this.name = 'EnvError';
	}
}

type Source = Record<string, string | undefined>;

function integer(source: Source, name: string, fallback: number, min: number, max: number): number {
	const raw = source[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new EnvError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
	}
	return value;
}

function flag(source: Source, name: string, fallback: boolean): boolean {
	const raw = source[name];
	if (raw === undefined || raw === '') return fallback;
	if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
	if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
	throw new EnvError(name, `expected true or false, got "${raw}"`);
}

function oneOf<T extends string>(source: Source, name: string, allowed: readonly T[], fallback: T): T {
	const raw = source[name];
	if (raw === undefined || raw === '') return fallback;
	if (!(allowed as readonly string[]).includes(raw)) {
		throw new EnvError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
	}
	return raw as T;
}

function url(source: Source, name: string): string | null {
	const raw = source[name];
	if (raw === undefined || raw === '') return null;
	try {
		const parsed = new URL(raw);
		if (!/^https?:$/.test(parsed.protocol)) throw new Error('protocol');
		return parsed.toString().replace(/\/$/, '');
	} catch {
		throw new EnvError(name, 'expected an http(s) URL');
	}
}

function secretsKey(source: Source): Buffer | null {
	try {
		return parseKey(source.SECRETS_KEY);
	} catch (error) {
		throw new EnvError('SECRETS_KEY', (error as Error).message);
	}
}

const OIDC_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'] as const;

const isLoopback = (u: URL) => u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);

/** All four variables or none: half a configuration would fail only when a citizen tries it. The
 * issuer must be https (tokens and the client secret travel to it), except on loopback for tests. */
function oidc(source: Source): OidcEnv | null {
	const given = OIDC_VARIABLES.filter((name) => source[name]);
	if (given.length === 0) return null;
	const missing = OIDC_VARIABLES.find((name) => !source[name]);
	if (missing) throw new EnvError(missing, `required when ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set (eKey sign-in needs all four)`);
	const issuer = url(source, 'OIDC_ISSUER')!;
	if (!issuer.startsWith('https:') && !isLoopback(new URL(issuer))) throw new EnvError('OIDC_ISSUER', 'expected an https URL');
	const redirectUrl = url(source, 'OIDC_REDIRECT_URL')!;
	if (!new URL(redirectUrl).pathname.endsWith('/api/auth/oidc/callback')) {
		throw new EnvError('OIDC_REDIRECT_URL', 'expected this server\'s /api/auth/oidc/callback URL');
	}
	return { issuer, clientId: source.OIDC_CLIENT_ID!, clientSecret: source.OIDC_CLIENT_SECRET!, redirectUrl };
}

/** Quotas per person and per kiosk: cases in the last hour and day, megabytes of files a day. */
function quotas(source: Source): Quotas {
	const MB = 1024 * 1024;
	const read = (prefix: string, fallback: Quotas['person']) => ({
		casesPerHour: integer(source, `${prefix}_CASES_PER_HOUR`, fallback.casesPerHour, 1, 1_000_000),
		casesPerDay: integer(source, `${prefix}_CASES_PER_DAY`, fallback.casesPerDay, 1, 10_000_000),
		attachmentBytesPerDay: integer(source, `${prefix}_ATTACHMENT_MB_PER_DAY`, fallback.attachmentBytesPerDay / MB, 1, 1_000_000) * MB
	});
	return { person: read('QUOTA', DEFAULT_QUOTAS.person), kiosk: read('QUOTA_KIOSK', DEFAULT_QUOTAS.kiosk) };
}

/** Actions the rules engine takes from the feed at once. Under a light load a batch holds what
 * has arrived, so this bounds only bursts, where larger batches spread each batch's fixed cost. */
export const DEFAULT_ENGINE_BATCH_SIZE = 1000;

export function parseEnv(source: Source = process.env, cwd = process.cwd()): Env {
	const port = integer(source, 'PORT', 3000, 0, 65535);
	const host = source.HOST || '0.0.0.0';
	const publicUrl = url(source, 'PUBLIC_URL') ?? `http://localhost:${port}`;
	return {
		port,
		host,
		dataDir: path.resolve(cwd, source.DATA_DIR || './data'),
		couchdbUrl: url(source, 'COUCHDB_URL'),
		publicUrl,
		cookieSecure: flag(source, 'COOKIE_SECURE', publicUrl.startsWith('https:')),
		smsGateway: oneOf(source, 'SMS_GATEWAY', SMS_GATEWAYS, 'outbox'),
		sms: parseSmsEnv(source, oneOf(source, 'SMS_GATEWAY', SMS_GATEWAYS, 'outbox')),
		seedDemo: flag(source, 'SEED_DEMO', true),
		engineBatchSize: integer(source, 'ENGINE_BATCH_SIZE', DEFAULT_ENGINE_BATCH_SIZE, 1, 5000),
		staticDir: path.resolve(cwd, source.STATIC_DIR || './build'),
		logLevel: oneOf(source, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
		production: source.NODE_ENV === 'production',
		oidc: oidc(source),
		secretsKey: secretsKey(source),
		quotas: quotas(source)
	};
}
