/** Every environment variable the server reads, parsed and checked once at start-up. */
import { DEFAULT_CLUSTER_WINDOW_DAYS } from '../../src/lib/domain/clusters.js';
import { KIOSK_IDLE_DEFAULT_MS } from '../../src/lib/domain/kiosk-session.js';
import path from 'node:path';
import { EnvError } from './env-error.js';
import { parseKey } from './auth/sealing.js';
import type { OtpLimits } from './auth/otp.js';
import { parseSmsEnv, SMS_GATEWAYS, type SmsEnv, type SmsGatewayName } from './sms/config.js';
import { DEFAULT_QUOTAS, type Quotas } from './gate/quota.js';
import { parsePushEnv, type PushEnv } from './push/config.js';
import { DEFAULT_WARNING_WORKING_DAYS } from '../../src/lib/domain/sla-warning.js';
import { DEFAULT_DIGEST_TIME, parseDigestTime } from '../../src/lib/domain/digest.js';
import { DEFAULT_COUNTRY_BOUNDS, isTileTemplate, type Bounds } from '../../src/lib/domain/geo.js';
import { parseGazetteerEnv } from './gazetteer/config.js';
import type { Gazetteer } from './gazetteer/lookup.js';

export { EnvError };

export interface Env {
	port: number;
	host: string;
	dataDir: string;
	/** Set: use this Apache CouchDB; unset: the embedded express-pouchdb store under dataDir. */
	couchdbUrl: string | null;
	/** Put before every database name in COUCHDB_URL's CouchDB, so several deployments (or test
	 * servers) can share one CouchDB without seeing each other's data. Empty: no prefix. */
	couchdbDbPrefix: string;
	publicUrl: string;
	cookieSecure: boolean;
	smsGateway: SmsGatewayName;
	/** Settings of the chosen SMS gateway, the queue's retries and per-number limit (sms/config.ts). */
	sms: SmsEnv;
	seedDemo: boolean;
	engineBatchSize: number;
	/** Engine robustness and sharing: bytes per batch, lease length, stall time (engine/engine.ts). */
	engine: EngineEnv;
	/** Shards and replicas of the shared databases on a CouchDB cluster; null: derived (store-shards.ts). */
	couchdbQ: number | null;
	couchdbN: number | null;
	staticDir: string;
	logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
	production: boolean;
	/** National eKey (OpenID Connect) sign-in for citizens; null when not configured. */
	oidc: OidcEnv | null;
	/** Seals authenticator secrets in the database (auth/sealing.ts); null: DATA_DIR/secrets.key. */
	secretsKey: Buffer | null;
	/** Sign-in codes that may be sent per number, per client address and in all (auth/otp.ts). */
	signInCodes: OtpLimits;
	/** New cases and attachment bytes a person or a kiosk may push (gate/quota.ts). */
	quotas: Quotas;
	/** A case is "due soon" within this many working days of its date (http/sla-routes.ts). */
	slaWarningWorkingDays: number;
	/** The managers' daily digest (sla/digest.ts). */
	digest: DigestEnv;
	/** Repeated-case clusters (issue 13): the rolling window, in days, a cluster counts its cases over. */
	clusterWindowDays: number;
	/** The Open311 API: where a request may be placed, and how often one key may file. */
	open311: Open311Env;
	/** The app's map (issue 15): its tiles, if any, and the country's box (the same as Open311's). */
	map: MapEnv;
	/** Self-service kiosks (issue 12): how long without contact before the fleet view flags one. */
	kiosk: KioskEnv;
	/** Web Push to installed apps (issue 16): off while `push.vapid` is null (push/config.ts). */
	push: PushEnv;
	/** Blocks and roads from GAZETTEER_FILE, read at start (issue 15); null: not configured. */
	gazetteer: Gazetteer | null;
}

interface DigestEnv {
	/** Local time of day in the national time zone, milliseconds after midnight (DIGEST_TIME). */
	msOfDay: number;
	/** The time as configured, 'HH:MM', for the manager's screen. */
	time: string;
	/** How often the server looks whether the day's digests are due. */
	checkMs: number;
}

interface KioskEnv {
	staleAfterMs: number;
	/** The kiosk screen's idle time-out, sent to the device with each heartbeat. */
	idleMs: number;
}

export interface Open311Env {
	/** The country's bounding box in WGS84 degrees: a request outside it is refused. */
	bounds: Bounds;
	/** Requests one API key may file per minute (per instance). */
	keyRequestsPerMinute: number;
}

interface MapEnv {
	/** A tile template with {z}, {x} and {y}; null: the app draws a coordinate grid, and asks no
	 * tile server anything. */
	tileUrl: string | null;
	/** The tiles' credit line, shown under the map. */
	attribution: string;
	bounds: Bounds;
}

interface EngineEnv {
	batchBytes: number;
	leaseMs: number;
	stallMs: number;
}

export interface OidcEnv {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** Where the provider sends the browser back: this server's /api/auth/oidc/callback. */
	redirectUrl: string;
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

function digestEnv(source: Source): DigestEnv {
	const time = source.DIGEST_TIME || DEFAULT_DIGEST_TIME;
	const msOfDay = parseDigestTime(time);
	if (msOfDay === null) throw new EnvError('DIGEST_TIME', `expected a time of day as HH:MM (00:00 to 23:59), got "${time}"`);
	return { msOfDay, time, checkMs: integer(source, 'DIGEST_CHECK_SECONDS', 60, 1, 3_600) * 1000 };
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
	// All four are set (checked just above); `set` says so to the types.
	const set = <T>(name: (typeof OIDC_VARIABLES)[number], value: T | null | undefined): T => {
		if (value === null || value === undefined) throw new EnvError(name, 'required');
		return value;
	};
	const issuer = set('OIDC_ISSUER', url(source, 'OIDC_ISSUER'));
	if (!issuer.startsWith('https:') && !isLoopback(new URL(issuer))) throw new EnvError('OIDC_ISSUER', 'expected an https URL');
	const redirectUrl = set('OIDC_REDIRECT_URL', url(source, 'OIDC_REDIRECT_URL'));
	if (!new URL(redirectUrl).pathname.endsWith('/api/auth/oidc/callback')) {
		throw new EnvError('OIDC_REDIRECT_URL', "expected this server's /api/auth/oidc/callback URL");
	}
	return { issuer, clientId: set('OIDC_CLIENT_ID', source.OIDC_CLIENT_ID), clientSecret: set('OIDC_CLIENT_SECRET', source.OIDC_CLIENT_SECRET), redirectUrl };
}

/** CouchDB database names start with a lowercase letter; the prefix keeps every name valid. */
function dbPrefix(source: Source): string {
	const raw = source.COUCHDB_DB_PREFIX ?? '';
	if (raw === '') return '';
	if (!source.COUCHDB_URL) throw new EnvError('COUCHDB_DB_PREFIX', 'only applies with COUCHDB_URL (the embedded store keeps one deployment per DATA_DIR)');
	if (!/^[a-z][a-z0-9_]{0,39}$/.test(raw)) throw new EnvError('COUCHDB_DB_PREFIX', `expected a lowercase letter, then up to 39 lowercase letters, digits or _, got "${raw}"`);
	return raw;
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

const DEFAULT_OPEN311_BOUNDS = DEFAULT_COUNTRY_BOUNDS;

/** OPEN311_BOUNDS is "south,west,north,east" in degrees, south below north, west below east. */
function open311(source: Source): Open311Env {
	const raw = source.OPEN311_BOUNDS;
	let bounds = DEFAULT_OPEN311_BOUNDS;
	if (raw !== undefined && raw !== '') {
		const parts = raw.split(',').map((part) => Number(part.trim()));
		const [south, west, north, east] = parts;
		const valid = parts.length === 4 && parts.every(Number.isFinite) && south >= -90 && north <= 90 && west >= -180 && east <= 180 && south < north && west < east;
		if (!valid) throw new EnvError('OPEN311_BOUNDS', `expected "south,west,north,east" in degrees (e.g. 25.5,50.3,26.4,50.9), got "${raw}"`);
		bounds = { south, west, north, east };
	}
	return { bounds, keyRequestsPerMinute: integer(source, 'OPEN311_KEY_REQUESTS_PER_MINUTE', 60, 1, 100_000) };
}

/** MAP_TILE_URL: absolute http(s) or a path on this server, with {z}, {x} and {y}. */
function mapEnv(source: Source, bounds: Bounds): MapEnv {
	const tileUrl = source.MAP_TILE_URL?.trim() || null;
	if (tileUrl && !isTileTemplate(tileUrl)) {
		throw new EnvError('MAP_TILE_URL', `expected an http(s) URL or a path with {z}, {x} and {y} (e.g. https://tiles.example.org/{z}/{x}/{y}.png), got "${tileUrl}"`);
	}
	const attribution = (source.MAP_TILE_ATTRIBUTION ?? '').trim();
	if (attribution.length > 200) throw new EnvError('MAP_TILE_ATTRIBUTION', 'expected at most 200 characters');
	return { tileUrl, attribution, bounds };
}

/** Actions the rules engine takes from the feed at once. Under a light load a batch holds what
 * has arrived, so this bounds only bursts, where larger batches spread each batch's fixed cost. */
export const DEFAULT_ENGINE_BATCH_SIZE = 1000;

/** A batch of the engine holds at most this many bytes of actions: several multi-megabyte actions
 * in one batch once made every later batch fail (issue 10); a single larger action is dead-lettered. */
export const DEFAULT_ENGINE_BATCH_BYTES = 8 * 1024 * 1024;

function optionalInteger(source: Source, name: string, min: number, max: number): number | null {
	return source[name] === undefined || source[name] === '' ? null : integer(source, name, 0, min, max);
}

function engineEnv(source: Source): EngineEnv {
	return {
		batchBytes: integer(source, 'ENGINE_BATCH_BYTES', DEFAULT_ENGINE_BATCH_BYTES, 64 * 1024, 256 * 1024 * 1024),
		leaseMs: integer(source, 'ENGINE_LEASE_MS', 30_000, 1_000, 600_000),
		stallMs: integer(source, 'ENGINE_STALL_MS', 60_000, 1_000, 3_600_000)
	};
}

const MINUTE = 60_000;

/** Each cap is a count within a window; the defaults are auth/otp.ts's OTP. */
function signInCodes(source: Source): OtpLimits {
	return {
		perPhone: { max: integer(source, 'SIGN_IN_CODES_PER_NUMBER', 3, 1, 100), windowMs: 15 * MINUTE },
		perIp: { max: integer(source, 'SIGN_IN_CODES_PER_ADDRESS', 20, 1, 100_000), windowMs: 60 * MINUTE },
		global: { max: integer(source, 'SIGN_IN_CODES_PER_HOUR', 20_000, 1, 10_000_000), windowMs: 60 * MINUTE }
	};
}

/**
 * Production (`NODE_ENV=production`) refuses to start on a setting that is only safe on a
 * developer's machine (issue 10, finding 9), each with a one-line reason naming the variable.
 */
function checkProduction(source: Source, publicUrl: string): void {
	const pub = new URL(publicUrl);
	if (pub.protocol !== 'https:' && !isLoopback(pub)) {
		throw new EnvError('PUBLIC_URL', `must be an https URL in production (http only on this machine's loopback), got "${publicUrl}"`);
	}
	if (!source.SECRETS_KEY) {
		throw new EnvError('SECRETS_KEY', 'required in production: a base64 32-byte key sealing authenticator secrets (openssl rand -base64 32)');
	}
	if (!source.SMS_GATEWAY) {
		throw new EnvError('SMS_GATEWAY', 'required in production: http or smpp to send sign-in codes, or outbox to hold every message unsent');
	}
	if (source.SEED_DEMO && flag(source, 'SEED_DEMO', false)) {
		throw new EnvError('SEED_DEMO', 'demo accounts are for development only; create the first coordinator with npm run admin -- create-coordinator');
	}
}

export function parseEnv(source: Source = process.env, cwd = process.cwd()): Env {
	const port = integer(source, 'PORT', 3000, 0, 65535);
	const host = source.HOST || '0.0.0.0';
	const publicUrl = url(source, 'PUBLIC_URL') ?? `http://localhost:${port}`;
	const production = source.NODE_ENV === 'production';
	if (production) checkProduction(source, publicUrl);
	const open311Env = open311(source);
	return {
		port,
		host,
		dataDir: path.resolve(cwd, source.DATA_DIR || './data'),
		couchdbUrl: url(source, 'COUCHDB_URL'),
		couchdbDbPrefix: dbPrefix(source),
		publicUrl,
		cookieSecure: flag(source, 'COOKIE_SECURE', publicUrl.startsWith('https:')),
		smsGateway: oneOf(source, 'SMS_GATEWAY', SMS_GATEWAYS, 'outbox'),
		sms: parseSmsEnv(source, oneOf(source, 'SMS_GATEWAY', SMS_GATEWAYS, 'outbox')),
		seedDemo: flag(source, 'SEED_DEMO', !production),
		engineBatchSize: integer(source, 'ENGINE_BATCH_SIZE', DEFAULT_ENGINE_BATCH_SIZE, 1, 5000),
		engine: engineEnv(source),
		couchdbQ: optionalInteger(source, 'COUCHDB_Q', 1, 256),
		couchdbN: optionalInteger(source, 'COUCHDB_N', 1, 16),
		staticDir: path.resolve(cwd, source.STATIC_DIR || './build'),
		logLevel: oneOf(source, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
		production,
		oidc: oidc(source),
		secretsKey: secretsKey(source),
		signInCodes: signInCodes(source),
		quotas: quotas(source),
		open311: open311Env,
		map: mapEnv(source, open311Env.bounds),
		kiosk: {
			staleAfterMs: integer(source, 'KIOSK_STALE_MINUTES', 15, 1, 10_080) * 60_000,
			idleMs: integer(source, 'KIOSK_IDLE_SECONDS', KIOSK_IDLE_DEFAULT_MS / 1000, 5, 1_800) * 1000
		},
		slaWarningWorkingDays: integer(source, 'SLA_WARNING_WORKING_DAYS', DEFAULT_WARNING_WORKING_DAYS, 0, 30),
		push: parsePushEnv(source, production),
		digest: digestEnv(source),
		clusterWindowDays: integer(source, 'CLUSTER_WINDOW_DAYS', DEFAULT_CLUSTER_WINDOW_DAYS, 7, 366),
		gazetteer: parseGazetteerEnv(source, cwd)
	};
}
