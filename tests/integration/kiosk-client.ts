/** A kiosk as the integration tests drive it (issue 12): a coordinator registers it, it enrols
 * with the app's own signer on Node's WebCrypto, a citizen proves their phone at it. `server`
 * and `coordinator` are read when a helper runs (they are made in a `beforeAll`). */
import { expect } from 'vitest';
import { generateKioskKey, kioskFetch, publicJwk, type KioskKey } from '../../src/lib/client/kiosk-signer.js';
import type { KioskOutboxKey } from '../../src/lib/domain/kiosk-outbox.js';
import { newestSignInCode, waitFor, type Session } from './harness.js';

export interface Kiosk {
	id: string;
	key: KioskKey;
	/** The server's outbox key, as the enrolment answered. */
	outboxKey: KioskOutboxKey | null;
	call(method: string, path: string, body?: unknown): Promise<Response>;
}

export const complaint = {
	case_type: 'complaint',
	category_id: 'works-potholes',
	subject: 'Pothole at the kiosk centre',
	body: 'A deep pothole in the car park of the service centre damages cars every day.',
	locale: 'en',
	location: { lat: 26.2235, lng: 50.5876 }
};

export async function errorCode(response: Response): Promise<string> {
	return (await response.json()).error?.code;
}

/** The kiosk helpers for the server at `base`, the coordinator's session registering kiosks. */
export function kioskClient(server: () => { base: string }, coordinator: () => Session) {
	const url = (path: string) => `${server().base}${path}`;
	async function admin(method: string, path: string, body?: unknown, session: Session | null = coordinator()): Promise<Response> {
		return fetch(url(path), {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(session ? { cookie: session.cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	}

	async function register(name = 'Kiosk Muharraq 1'): Promise<{ kiosk_id: string; code: string }> {
		const response = await admin('POST', '/api/admin/kiosk-devices', { name, centre: 'Muharraq service centre', location: 'Ground floor, by the entrance' });
		expect(response.status).toBe(201);
		const body = await response.json();
		return { kiosk_id: body.kiosk.kiosk_id, code: body.enrolment_code };
	}

	async function enrol(code: string, key: KioskKey): Promise<Response> {
		return fetch(url('/api/kiosk/enrol'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ code, public_key: await publicJwk(key), app_version: '1.2.3' })
		});
	}

	async function enrolledKiosk(name?: string): Promise<Kiosk> {
		const { kiosk_id, code } = await register(name);
		const key = await generateKioskKey();
		const enrolled = await enrol(code, key);
		expect(enrolled.status).toBe(200);
		const { outbox_key } = await enrolled.json();
		return { id: kiosk_id, key, outboxKey: outbox_key, call: (method, path, body) => kioskFetch(server().base, kiosk_id, key, method, path, body) };
	}

	async function smsTo(phone: string): Promise<{ text: string }[]> {
		const outbox = await (await fetch(url(`/api/dev/sms?phone=${encodeURIComponent(phone)}`))).json();
		return outbox.messages ?? outbox;
	}

	async function smsCode(phone: string): Promise<string> {
		const code = newestSignInCode(await smsTo(phone));
		if (!code) throw new Error(`no sign-in code in the SMS outbox for ${phone}`);
		return code;
	}

	/** The citizen proves their phone at the kiosk; returns the session the server answered. */
	async function identify(kiosk: Kiosk, phone: string): Promise<{ grant: string | null }> {
		expect((await kiosk.call('POST', '/api/kiosk/session/code', { phone, locale: 'en' })).status).toBe(200);
		const started = await kiosk.call('POST', '/api/kiosk/session', { phone, code: await smsCode(phone) });
		expect(started.status).toBe(200);
		return (await started.json()).session;
	}

	async function receiptOf(kiosk: Kiosk, caseKey: string) {
		return waitFor(
			async () => {
				const response = await kiosk.call('GET', `/api/kiosk/receipt/${caseKey}`);
				return response.status === 200 ? { response, body: await response.json() } : undefined;
			},
			15_000,
			'receipt'
		);
	}

	/** The kiosk shows a QR code to sign in from one's own phone: its link and token. */
	async function showLink(kiosk: Kiosk): Promise<{ token: string; url: string; expires_at: string }> {
		const shown = await kiosk.call('POST', '/api/kiosk/session/link');
		expect(shown.status).toBe(200);
		return (await shown.json()).link;
	}

	/** The citizen's phone answers a kiosk link, signed in as `session`. */
	async function onPhone(session: Session | null, action: 'view' | 'confirm' | 'decline', token: unknown): Promise<Response> {
		return admin('POST', `/api/kiosk-link/${action}`, { token }, session);
	}

	/** The kiosk asks once whether its link was confirmed. */
	async function poll(kiosk: Kiosk, token: string): Promise<{ status: string; choices?: number[] }> {
		const asked = await kiosk.call('POST', '/api/kiosk/session/link/poll', { token });
		expect(asked.status).toBe(200);
		return asked.json();
	}

	/** The person at the kiosk picks a number. */
	async function choose(kiosk: Kiosk, token: string, choice: number): Promise<{ status: string; session?: { identified: boolean; grant: string | null; phone_end: string | null } }> {
		const chosen = await kiosk.call('POST', '/api/kiosk/session/link/choose', { token, choice });
		expect(chosen.status).toBe(200);
		return chosen.json();
	}

	/** After the phone confirmed and showed `check`: the kiosk offers it among three, and picks it. */
	async function pickPhoneNumber(kiosk: Kiosk, token: string, check: number) {
		const asked = await poll(kiosk, token);
		expect(asked.status).toBe('confirmed');
		expect(asked.choices).toHaveLength(3);
		expect(asked.choices).toContain(check);
		return choose(kiosk, token, check);
	}

	return { admin, register, enrol, enrolledKiosk, smsTo, smsCode, identify, receiptOf, showLink, onPhone, poll, choose, pickPhoneNumber };
}
