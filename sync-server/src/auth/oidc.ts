/**
 * National eKey sign-in for citizens: OpenID Connect authorization code flow with PKCE, state
 * and nonce, through openid-client. What the browser must bring back (state, nonce, PKCE
 * verifier) is kept server-side in `oidc_tx:<sha256(token)>`, named by a random token in a
 * short-lived HttpOnly cookie, and spent on first use: a replayed callback finds nothing, and
 * another browser's callback URL is useless without this browser's cookie. Any instance behind
 * the load balancer can finish a sign-in another one started.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import type { OidcEnv } from '../env.js';
import type { Store } from '../store.js';
import { findOrCreateEkeyCitizen } from './accounts.js';
import { parseCookies } from './cookies.js';
import { getOrNull, statusOf, storedAs } from '../store-docs.js';
import type { AccountDoc } from './types.js';

const OIDC_COOKIE = 'tw_oidc';
/** Long enough to sign in at the provider, short enough that an abandoned attempt dies soon. */
const OIDC_TX_MS = 10 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SCOPE = 'openid profile phone';

interface TransactionDoc {
	_id: string;
	_rev?: string;
	type: 'oidc_transaction';
	state: string;
	nonce: string;
	code_verifier: string;
	return_to: string;
	expires_at: string;
}

/** Why a callback was refused, for the log (never the code or any token). */
export class OidcRefused extends Error {
	constructor(readonly reason: string) {
		super(reason);
		this.name = 'OidcRefused';
	}
}

export interface OidcService {
	start(returnTo?: string): Promise<{ url: string; cookie: string }>;
	/** `query` is the callback's query string; the account of the citizen it proves. */
	finish(query: string, cookieHeader: string | undefined): Promise<{ account: AccountDoc; returnTo: string }>;
	clearCookie(): string;
}

export interface OidcDeps {
	store: Store;
	env: OidcEnv;
	cookieSecure: boolean;
	now?: () => number;
	/** Seconds to add to the local clock when judging token times (tests: an expired ID token). */
	clockSkewSeconds?: number;
}

const txDocId = (token: string) => 'oidc_tx:' + createHash('sha256').update(token).digest('hex');

/** Only a path of this app: never another origin (`//host`, `/\host`), so the sign-in can't be
 * turned into an open redirect. */
function safeReturnTo(value: unknown): string {
	return typeof value === 'string' && value.length <= 200 && /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : '/';
}

function isLoopback(url: URL): boolean {
	return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
}

export function createOidcService(deps: OidcDeps): OidcService {
	const { store, env } = deps;
	const now = deps.now ?? Date.now;
	const db = () => store.use<TransactionDoc>(DB.AUTH);
	let configuration: Promise<client.Configuration> | null = null;

	/** Discovered on first use and kept; a failure is forgotten so the next attempt tries again. */
	function config(): Promise<client.Configuration> {
		configuration ??= discover(env, deps.clockSkewSeconds).catch((error: unknown) => {
			configuration = null;
			throw error;
		});
		return configuration;
	}

	function cookie(value: string, maxAgeSeconds: number): string {
		// Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
		return `${OIDC_COOKIE}=${value}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${deps.cookieSecure ? '; Secure' : ''}`;
	}

	/** Reads and deletes the transaction in one go; of two racing callbacks only one gets it. */
	async function spend(token: string): Promise<TransactionDoc | null> {
		const id = txDocId(token);
		const doc = await getOrNull(db(), id);
		if (!storedAs(doc, DOC_TYPES.OIDC_TRANSACTION)) return null;
		try {
			await db().destroy(id, doc._rev);
		} catch (error) {
			if (statusOf(error) === 404 || statusOf(error) === 409) return null;
			throw error;
		}
		return now() < Date.parse(doc.expires_at) ? doc : null;
	}

	return {
		async start(returnTo) {
			const found = await config();
			await store.ensureDb(DB.AUTH);
			const token = randomBytes(32).toString('base64url');
			const tx: TransactionDoc = {
				_id: txDocId(token),
				type: DOC_TYPES.OIDC_TRANSACTION,
				state: client.randomState(),
				nonce: client.randomNonce(),
				code_verifier: client.randomPKCECodeVerifier(),
				return_to: safeReturnTo(returnTo),
				expires_at: new Date(now() + OIDC_TX_MS).toISOString()
			};
			await db().insert(tx);
			const url = client.buildAuthorizationUrl(found, {
				redirect_uri: env.redirectUrl,
				scope: SCOPE,
				state: tx.state,
				nonce: tx.nonce,
				code_challenge: await client.calculatePKCECodeChallenge(tx.code_verifier),
				code_challenge_method: 'S256'
			});
			return { url: url.href, cookie: cookie(token, OIDC_TX_MS / 1000) };
		},

		async finish(query, cookieHeader) {
			const token = parseCookies(cookieHeader).get(OIDC_COOKIE);
			if (!token || !TOKEN_PATTERN.test(token)) throw new OidcRefused('no_transaction_cookie');
			const tx = await spend(token);
			if (!tx) throw new OidcRefused('unknown_or_expired_transaction');
			const { subject, phone, name } = await provenIdentity(await config(), env.redirectUrl, query, tx);
			const account = await findOrCreateEkeyCitizen(store, { issuer: env.issuer, subject, phone, name: name?.slice(0, 200) }, now());
			return { account, returnTo: tx.return_to };
		},

		clearCookie: () => cookie('', 0)
	};
}

async function discover(env: OidcEnv, clockSkewSeconds: number | undefined): Promise<client.Configuration> {
	const issuer = new URL(env.issuer);
	const metadata: Partial<client.ClientMetadata> = { client_secret: env.clientSecret };
	if (clockSkewSeconds) metadata[client.clockSkew] = clockSkewSeconds;
	// Plain http only for a provider on loopback (tests); env.ts refuses it anywhere else.
	// eslint-disable-next-line @typescript-eslint/no-deprecated -- openid-client marks this deprecated only to make it stand out; it is the one way to reach a provider on loopback over http, used by the tests
	const execute = issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : [];
	const found = await client.discovery(issuer, env.clientId, metadata, client.ClientSecretBasic(env.clientSecret), { execute, timeout: 10 });
	found.timeout = 10;
	return found;
}

/** Exchanges the callback's code (state, nonce and PKCE checked) and reads who the provider
 * says the citizen is; the phone from the user-info endpoint when the ID token lacks it. */
async function provenIdentity(found: client.Configuration, redirectUrl: string, query: string, tx: TransactionDoc): Promise<{ subject: string; phone: string | null; name: string | undefined }> {
	// The registered redirect URL, not the Host header: the token request must name exactly it.
	const callback = new URL(redirectUrl);
	callback.search = query;
	let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
	try {
		tokens = await client.authorizationCodeGrant(found, callback, {
			pkceCodeVerifier: tx.code_verifier,
			expectedState: tx.state,
			expectedNonce: tx.nonce,
			idTokenExpected: true
		});
	} catch (error) {
		throw new OidcRefused(describe(error));
	}
	const claims = tokens.claims();
	if (!claims?.sub) throw new OidcRefused('no_subject');
	let phone = verifiedPhone(claims);
	let name = typeof claims.name === 'string' ? claims.name : undefined;
	if (phone === null && tokens.access_token) {
		// Providers often keep scope claims out of the ID token in the code flow.
		const info = await client.fetchUserInfo(found, tokens.access_token, claims.sub).catch((error: unknown) => {
			throw new OidcRefused(describe(error));
		});
		phone = verifiedPhone(info);
		name ??= typeof info.name === 'string' ? info.name : undefined;
	}
	return { subject: claims.sub, phone, name };
}

/** Only a phone the provider says it verified links to the SMS sign-in account. */
function verifiedPhone(claims: Record<string, unknown>): string | null {
	if (claims.phone_number_verified !== true || typeof claims.phone_number !== 'string') return null;
	return normalizePhone(claims.phone_number);
}

function describe(error: unknown): string {
	const e = error as { name?: string; code?: string; error?: string } | null;
	return [e?.name, e?.code, e?.error].filter(Boolean).join(':') || 'grant_failed';
}
