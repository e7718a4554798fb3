/** The offline kiosk's outbox (issue 12, step 5), as both the kiosk and the server see it.
 *
 * A filing made while the network is down waits on the device, sealed so that only the server
 * can open it: an AES-256-GCM key derived by ECDH between a one-time key of the kiosk and the
 * server's outbox key (P-256, derived from SECRETS_KEY), then HKDF. The kiosk keeps neither the
 * one-time private key nor the AES key, so nothing on the device, not the next citizen's session,
 * not a copy of the browser profile, not even the kiosk's own signing key, reads it back. The
 * sealed record names the kiosk and the filing it belongs to (additional data), so it cannot be
 * replayed from another kiosk or under another filing.
 *
 * Each filing has an id the kiosk makes once, before the first attempt; the server derives the
 * case key from the kiosk and that id, so sending it again (online, or from the outbox after a
 * connection dropped mid-send) meets the case already filed instead of making a second one. */

/** A filing id: a random UUID made by the kiosk. */
export const FILING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** HKDF's `info` for the sealing key. */
export const KIOSK_OUTBOX_INFO = 'tawasul/kiosk-outbox/v1';

/** How long after the citizen proved their phone the server still accepts a filing of that
 * session from the kiosk's outbox: a kiosk may stay offline over a long weekend or a holiday. */
export const KIOSK_DEFERRED_MAX_MS = 14 * 24 * 60 * 60_000;

/** Filings one kiosk may hold unsent; past this it files nothing more offline. */
export const KIOSK_OUTBOX_MAX = 50;

/** The server's public outbox key as the kiosk receives and keeps it. */
export interface KioskOutboxKey {
	/** Names the key, so a record sealed under a retired key is told apart. */
	kid: string;
	x: string;
	y: string;
}

/** A sealed filing: the kiosk's one-time public key, the nonce and the ciphertext (base64url). */
export interface SealedFiling {
	kid: string;
	epk: { x: string; y: string };
	iv: string;
	data: string;
}

/** What is sealed: the session's grant (null for a filing without a phone) and the case's fields
 * as the online filing sends them. */
export interface FilingPlaintext {
	grant: string | null;
	fields: Record<string, unknown>;
}

/** The additional data every sealed filing is bound to. */
export function sealContext(kioskId: string, filingId: string): string {
	return `${KIOSK_OUTBOX_INFO}\n${kioskId}\n${filingId}`;
}

/** The code on the receipt of a filing that waits in the outbox: the first eight hex digits of
 * its id, shown as two groups. The case records it, so the citizen and the entity can match the
 * paper receipt with the reference that follows by SMS. */
export function kioskReceiptCode(filingId: string): string {
	const hex = filingId.replace(/-/g, '').toUpperCase();
	return `${hex.slice(0, 4)}-${hex.slice(4, 8)}`;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const field = (value: unknown, max: number) => typeof value === 'string' && value.length > 0 && value.length <= max && B64URL.test(value);

/** The sealed record as the server receives it, or null when it is not one. `maxData` bounds the
 * ciphertext's length (characters of base64url). */
export function readSealedFiling(value: unknown, maxData: number): SealedFiling | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const { kid, epk, iv, data, ...rest } = value as Record<string, unknown>;
	if (Object.keys(rest).length > 0) return null;
	if (!field(kid, 64) || !field(iv, 16) || !field(data, maxData)) return null;
	if (!epk || typeof epk !== 'object' || Array.isArray(epk)) return null;
	const { x, y, ...more } = epk as Record<string, unknown>;
	if (Object.keys(more).length > 0 || !field(x, 43) || !field(y, 43)) return null;
	return { kid: kid as string, epk: { x: x as string, y: y as string }, iv: iv as string, data: data as string };
}
