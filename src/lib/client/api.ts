import { isErrorCode, type ErrorCode, type FieldError } from '$lib/domain/errors';
import type { SessionUser } from '$lib/domain/session-user';
import { announcer } from './announcer.svelte';
import { i18n, t } from './i18n.svelte';

export type { SessionUser };

/** Every failure the client shows: an HTTP status (0 when the server was not reached), a stable
 * code from ERROR_CODES and, for form errors, the fields concerned. */
export class ClientError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		readonly fields: FieldError[] = [],
		/** A `messages/*.json` key the server chose; used when it exists in the catalogue. */
		readonly messageKey?: string
	) {
		super(code);
		this.name = 'ClientError';
	}
}

function codeForStatus(status: number): ErrorCode {
	if (status === 401) return 'unauthorized';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'case_not_found';
	if (status === 413) return 'payload_too_large';
	if (status === 429) return 'rate_limited';
	// A proxy or load balancer that cannot reach the server: to the person, the server is unreachable.
	if (status === 502 || status === 503 || status === 504) return 'network';
	return 'server';
}

/** A field error as the server sends it: anything else in the body's list is dropped. */
function isFieldError(value: unknown): value is FieldError {
	const field = value as Partial<FieldError> | null;
	return typeof field?.field === 'string' && isErrorCode(field.code);
}

/** Turns a non-2xx response into a ClientError, trusting the body's code only if it is one we know. */
export async function errorFromResponse(response: Response): Promise<ClientError> {
	let body: unknown = null;
	try {
		body = await response.json();
	} catch {
		// A proxy's HTML error page or an empty body: the status decides.
	}
	const error = (body as { error?: { code?: unknown; message_key?: unknown; fields?: unknown } } | null)?.error;
	const code = isErrorCode(error?.code) ? error.code : codeForStatus(response.status);
	const fields = Array.isArray(error?.fields) ? (error.fields as unknown[]).filter(isFieldError) : [];
	const messageKey = typeof error?.message_key === 'string' ? error.message_key : undefined;
	return new ClientError(response.status, code, fields, messageKey);
}

/** One JSON request to the server; every failure comes back as a ClientError. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			credentials: 'same-origin',
			headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		// fetch only rejects when no response came back at all: offline, DNS, refused connection.
		throw new ClientError(0, 'network');
	}
	if (!response.ok) throw await errorFromResponse(response);
	if (response.status === 204) return undefined as T;
	try {
		return (await response.json()) as T;
	} catch {
		// The static host answering /api/* with index.html (no server yet) lands here.
		throw new ClientError(response.status, 'server');
	}
}

/** What the password step of a staff sign-in leads to: a session, or a second factor to give
 * (`enrol`: a coordinator without an authenticator sets one up first). docs/design.md, TOTP. */
export type LoginResult = { user: SessionUser } | { mfa_required: true; enrolment_required?: boolean };

/** A new authenticator to add: the base32 secret and the otpauth:// link apps read. */
export interface TotpEnrolment {
	secret: string;
	otpauth_uri: string;
}

export interface TotpStatus {
	enabled: boolean;
	/** Coordinators cannot turn it off. */
	required: boolean;
	/** Kiosks and citizens have none. */
	available: boolean;
}

const user = (r: { user: SessionUser }) => r.user;

export const api = {
	requestOtp: (phone: string, locale: string) => request<unknown>('POST', '/api/auth/otp/request', { phone, locale }),
	verifyOtp: (phone: string, code: string) => request<{ user: SessionUser }>('POST', '/api/auth/otp/verify', { phone, code }).then(user),
	login: (username: string, password: string) => request<LoginResult>('POST', '/api/auth/login', { username, password }),
	/** Finishes a pending sign-in with the authenticator's code. */
	totp: (code: string) => request<{ user: SessionUser }>('POST', '/api/auth/totp', { code }).then(user),
	/** For a pending enrolment (sign-in) or a signed-in staff member. */
	totpEnrol: () => request<TotpEnrolment>('POST', '/api/auth/totp/enrol', {}),
	/** Turns the authenticator on; the answer is a fresh session opened with it. */
	totpConfirm: (code: string) => request<{ user: SessionUser }>('POST', '/api/auth/totp/confirm', { code }).then(user),
	totpStatus: () => request<TotpStatus>('GET', '/api/auth/totp'),
	totpDisable: (code: string) => request<{ enabled: false }>('POST', '/api/auth/totp/disable', { code }),
	/** Other sessions end; this one is renewed. */
	changePassword: (current_password: string, new_password: string) => request<{ user: SessionUser }>('POST', '/api/auth/password', { current_password, new_password }).then(user),
	/** A server without a provider configured (or an older one) may leave a method out. */
	methods: () => request<{ otp?: boolean; oidc?: boolean }>('GET', '/api/auth/methods'),
	session: () => request<{ user: SessionUser }>('GET', '/api/session').then(user),
	logout: () => request<unknown>('POST', '/api/auth/logout', {}),
	logoutAll: () => request<unknown>('POST', '/api/auth/logout-all', {})
};

/** Any error as a ClientError: unknown throwables become 'server', offline TypeErrors 'network'. */
export function toClientError(error: unknown): ClientError {
	if (error instanceof ClientError) return error;
	if (error instanceof TypeError && /fetch|network/i.test(error.message)) return new ClientError(0, 'network');
	const pouch = error as { status?: number; name?: string } | null;
	if (pouch && typeof pouch.status === 'number') return new ClientError(pouch.status, codeForStatus(pouch.status));
	return new ClientError(500, 'server');
}

/** The localised text of an error code (with its params, such as a limit). */
export function errorMessage(code: string, params: Record<string, string | number> = {}): string {
	const key = `errors.${code}`;
	return i18n.has(key) ? t(key, params) : t('errors.server');
}

/** The one place every error goes through: returns the localised message and reads it out. */
export function handleError(error: unknown): string {
	const clientError = toClientError(error);
	if (!(error instanceof ClientError) && clientError.code === 'server') console.error(error);
	// A limit the server names ({min}, {max}) travels with the field error of the same code.
	const params = clientError.fields.find((f) => f.code === clientError.code)?.params ?? {};
	const message = clientError.messageKey && i18n.has(clientError.messageKey) ? t(clientError.messageKey, params) : errorMessage(clientError.code, params);
	announcer.announce(message, true);
	return message;
}
