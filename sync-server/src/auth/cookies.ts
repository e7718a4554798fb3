/** The session cookie, parsed and written by hand: one cookie, one format, no library needed. */
const SESSION_COOKIE = 'tw_session';

/** 32 random bytes in base64url, nothing else: any other value is treated as no session. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Cookie names to values; the first of a repeated name wins (browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	if (!header) return cookies;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
	}
	return cookies;
}

export function sessionTokenFrom(header: string | undefined): string | null {
	const value = parseCookies(header).get(SESSION_COOKIE);
	return value && TOKEN_PATTERN.test(value) ? value : null;
}

function attributes(secure: boolean, maxAgeSeconds: number): string {
	// Lax, not Strict: a citizen arriving from an SMS link must arrive signed in.
	return `; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
	return SESSION_COOKIE + '=' + token + attributes(secure, Math.floor(maxAgeMs / 1000));
}

export function clearedSessionCookie(secure: boolean): string {
	return SESSION_COOKIE + '=' + attributes(secure, 0);
}
