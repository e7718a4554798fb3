import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

const OIDC = {
	OIDC_ISSUER: 'https://ekey.example.bh',
	OIDC_CLIENT_ID: 'tawasul',
	OIDC_CLIENT_SECRET: 'secret',
	OIDC_REDIRECT_URL: 'https://tawasul.example.bh/api/auth/oidc/callback'
};

describe('eKey (OIDC) configuration', () => {
	it('is off when none of the four variables is set', () => {
		expect(parseEnv({}).oidc).toBeNull();
	});

	it('reads all four', () => {
		expect(parseEnv(OIDC).oidc).toEqual({
			issuer: 'https://ekey.example.bh',
			clientId: 'tawasul',
			clientSecret: 'secret',
			redirectUrl: 'https://tawasul.example.bh/api/auth/oidc/callback'
		});
	});

	it.each(Object.keys(OIDC))('names %s when it alone is missing', (name) => {
		const source: Record<string, string> = { ...OIDC };
		delete source[name];
		expect(() => parseEnv(source)).toThrow(new RegExp(`^Environment variable ${name}: required`));
	});

	it.each([
		[{ OIDC_ISSUER: 'http://ekey.example.bh' }, /OIDC_ISSUER: expected an https URL/],
		[{ OIDC_ISSUER: 'not a url' }, /OIDC_ISSUER: expected an http\(s\) URL/],
		[{ OIDC_REDIRECT_URL: 'https://tawasul.example.bh/somewhere' }, /OIDC_REDIRECT_URL/]
	])('refuses %j', (change, message) => {
		expect(() => parseEnv({ ...OIDC, ...change })).toThrow(message);
	});

	it('allows a plain-http provider on loopback only (tests)', () => {
		expect(parseEnv({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe('http://127.0.0.1:4000');
	});
});

describe('SECRETS_KEY', () => {
	it('is read as 32 bytes, and anything else stops start-up with the variable named', () => {
		expect(parseEnv({}).secretsKey).toBeNull();
		expect(parseEnv({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).secretsKey).toEqual(Buffer.alloc(32, 7));
		expect(() => parseEnv({ SECRETS_KEY: 'not-a-key' })).toThrow(/SECRETS_KEY/);
	});
});

describe('modes', () => {
	const production = { NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64), SMS_GATEWAY: 'outbox' };

	it('runs in development by default, with demo accounts', () => {
		expect(parseEnv({})).toMatchObject({ production: false, seedDemo: true });
	});

	it('runs production without demo accounts, accepting http only on loopback', () => {
		expect(parseEnv({ ...production, PUBLIC_URL: 'https://tawasul.example.bh' })).toMatchObject({ production: true, seedDemo: false });
		expect(parseEnv({ ...production, PUBLIC_URL: 'http://127.0.0.1:3000' }).production).toBe(true);
		expect(parseEnv({ ...production }).publicUrl).toBe('http://localhost:3000');
		expect(() => parseEnv({ ...production, PUBLIC_URL: 'http://10.0.0.5' })).toThrow(/^Environment variable PUBLIC_URL: must be an https URL/);
	});

	it('reads the sign-in code caps, each checked', () => {
		const env = parseEnv({ SIGN_IN_CODES_PER_NUMBER: '5', SIGN_IN_CODES_PER_ADDRESS: '50', SIGN_IN_CODES_PER_HOUR: '1000' });
		expect(env.signInCodes).toEqual({
			perPhone: { max: 5, windowMs: 15 * 60_000 },
			perIp: { max: 50, windowMs: 60 * 60_000 },
			global: { max: 1000, windowMs: 60 * 60_000 }
		});
		expect(() => parseEnv({ SIGN_IN_CODES_PER_HOUR: '0' })).toThrow(/SIGN_IN_CODES_PER_HOUR/);
	});
});

describe('quotas', () => {
	it('default to the documented limits and read each variable, megabytes as bytes', () => {
		expect(parseEnv({}).quotas.person).toEqual({ casesPerHour: 10, casesPerDay: 30, attachmentBytesPerDay: 100 * 1024 * 1024 });
		const quotas = parseEnv({ QUOTA_CASES_PER_HOUR: '3', QUOTA_KIOSK_CASES_PER_DAY: '500', QUOTA_ATTACHMENT_MB_PER_DAY: '2' }).quotas;
		expect(quotas.person).toEqual({ casesPerHour: 3, casesPerDay: 30, attachmentBytesPerDay: 2 * 1024 * 1024 });
		expect(quotas.kiosk.casesPerDay).toBe(500);
	});

	it.each(['0', '-1', 'ten', '1.5'])('stop start-up on QUOTA_CASES_PER_HOUR=%s, naming the variable', (value) => {
		expect(() => parseEnv({ QUOTA_CASES_PER_HOUR: value })).toThrow(/QUOTA_CASES_PER_HOUR/);
	});
});

describe('Open311', () => {
	it('defaults to Bahrain and 60 requests a minute per key, and reads both variables', () => {
		expect(parseEnv({}).open311).toEqual({ bounds: { south: 25.5, west: 50.3, north: 26.4, east: 50.9 }, keyRequestsPerMinute: 60 });
		expect(parseEnv({ OPEN311_BOUNDS: '24.4, 51.0, 26.2, 51.7', OPEN311_KEY_REQUESTS_PER_MINUTE: '5' }).open311).toEqual({
			bounds: { south: 24.4, west: 51, north: 26.2, east: 51.7 },
			keyRequestsPerMinute: 5
		});
	});

	it.each(['26,50', '26.4,50.3,25.5,50.9', 'a,b,c,d', '-91,50,26,51', '25,50,26,51,1'])('names OPEN311_BOUNDS for "%s"', (value) => {
		expect(() => parseEnv({ OPEN311_BOUNDS: value })).toThrow(/^Environment variable OPEN311_BOUNDS: expected "south,west,north,east"/);
	});
});

describe('the map (issue 15)', () => {
	it('asks no tile server by default, and shares the country box with Open311', () => {
		expect(parseEnv({}).map).toEqual({ tileUrl: null, attribution: '', bounds: { south: 25.5, west: 50.3, north: 26.4, east: 50.9 } });
		const env = parseEnv({ MAP_TILE_URL: 'https://tiles.example.gov.bh/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© Survey', OPEN311_BOUNDS: '24.4,51.0,26.2,51.7' });
		expect(env.map).toEqual({ tileUrl: 'https://tiles.example.gov.bh/{z}/{x}/{y}.png', attribution: '© Survey', bounds: { south: 24.4, west: 51, north: 26.2, east: 51.7 } });
	});

	it.each(['https://tiles.example.org/{z}/{x}.png', 'javascript:{z}{x}{y}', '//cdn.example.org/{z}/{x}/{y}'])('names MAP_TILE_URL for "%s"', (value) => {
		expect(() => parseEnv({ MAP_TILE_URL: value })).toThrow(/^Environment variable MAP_TILE_URL: expected an http\(s\) URL/);
	});
});

describe('repeated-case clusters', () => {
	it('counts over 90 days by default, reads CLUSTER_WINDOW_DAYS, and refuses a window out of range', () => {
		expect(parseEnv({}).clusterWindowDays).toBe(90);
		expect(parseEnv({ CLUSTER_WINDOW_DAYS: '30' }).clusterWindowDays).toBe(30);
		for (const value of ['6', '400', 'many']) expect(() => parseEnv({ CLUSTER_WINDOW_DAYS: value })).toThrow(/CLUSTER_WINDOW_DAYS/);
	});
});

describe('SLA early warning', () => {
	it('warns one working day ahead by default, and reads SLA_WARNING_WORKING_DAYS', () => {
		expect(parseEnv({}).slaWarningWorkingDays).toBe(1);
		expect(parseEnv({ SLA_WARNING_WORKING_DAYS: '0' }).slaWarningWorkingDays).toBe(0);
		expect(parseEnv({ SLA_WARNING_WORKING_DAYS: '3' }).slaWarningWorkingDays).toBe(3);
	});

	it.each(['-1', '31', 'two', '1.5'])('stops start-up on SLA_WARNING_WORKING_DAYS=%s, naming the variable', (value) => {
		expect(() => parseEnv({ SLA_WARNING_WORKING_DAYS: value })).toThrow(/^Environment variable SLA_WARNING_WORKING_DAYS:/);
	});
});

describe('kiosk idle time-out (issue 12)', () => {
	it('is 90 seconds by default, and reads KIOSK_IDLE_SECONDS', () => {
		expect(parseEnv({}).kiosk.idleMs).toBe(90_000);
		expect(parseEnv({ KIOSK_IDLE_SECONDS: '45' }).kiosk.idleMs).toBe(45_000);
	});

	it.each(['4', '1801', 'soon', '1.5'])('stops start-up on KIOSK_IDLE_SECONDS=%s, naming the variable', (value) => {
		expect(() => parseEnv({ KIOSK_IDLE_SECONDS: value })).toThrow(/^Environment variable KIOSK_IDLE_SECONDS:/);
	});
});
