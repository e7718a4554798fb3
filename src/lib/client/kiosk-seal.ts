/** Sealing a kiosk's offline filing for the server alone (issue 12, step 5; the design is in
 * domain/kiosk-outbox.ts). Uses only `crypto.subtle`, so the same code seals in the browser and
 * in Node (the server's tests open what it seals). */
import { KIOSK_OUTBOX_INFO, sealContext, type FilingPlaintext, type KioskOutboxKey, type SealedFiling } from '../domain/kiosk-outbox.js';

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
const encode = (text: string) => new TextEncoder().encode(text);

/** Bytes as base64url, in chunks (a filing with photos is megabytes). */
export function base64Bytes(bytes: Uint8Array, url = false): string {
	let binary = '';
	const CHUNK = 0x8000;
	for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
	const plain = btoa(binary);
	return url ? plain.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : plain;
}

/** Seals `plaintext` so that only the holder of the outbox key's private half opens it, and only
 * as this kiosk's filing `filingId`. The one-time key and the AES key are dropped on return. */
export async function sealFiling(outboxKey: KioskOutboxKey, kioskId: string, filingId: string, plaintext: FilingPlaintext): Promise<SealedFiling> {
	const server = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: outboxKey.x, y: outboxKey.y, ext: true }, CURVE, false, []);
	const oneTime = await crypto.subtle.generateKey(CURVE, false, ['deriveBits']);
	const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: server }, oneTime.privateKey, 256);
	const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
	const aes = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encode(KIOSK_OUTBOX_INFO) }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encode(sealContext(kioskId, filingId)) }, aes, encode(JSON.stringify(plaintext)));
	const { x, y } = await crypto.subtle.exportKey('jwk', oneTime.publicKey);
	if (!x || !y) throw new Error('the one-time key was exported without its x and y coordinates');
	return { kid: outboxKey.kid, epk: { x, y }, iv: base64Bytes(iv, true), data: base64Bytes(new Uint8Array(data), true) };
}
