/** What lets the server accept a kiosk's filing after the fact (issue 12, step 5; see
 * src/lib/domain/kiosk-outbox.ts for the device's side).
 *
 * - The outbox key: a P-256 key pair derived from SECRETS_KEY, so every instance sharing the key
 *   has the same one and nothing of it is stored. Kiosks receive its public half at enrolment and
 *   with each heartbeat and seal offline filings to it; only the server opens them.
 * - The session grant: when a citizen proves their phone at a kiosk (or starts without one), the
 *   server answers with a grant, a token it signs (auth/signed-token.ts, for this purpose only)
 *   over the kiosk, the citizen, their phone and the time. The kiosk keeps it in memory for the session and seals it
 *   into any filing it must queue. A deferred filing is accepted only from the kiosk named in its
 *   grant (signed request), within KIOSK_DEFERRED_MAX_MS of the proof, for that citizen only, on
 *   that citizen's quota. A kiosk cannot make a grant, so it cannot file for a phone nobody proved
 *   there; without a grant it files only what needs no phone (a suggestion, or a case in a
 *   category of anonymous reporting: `fileableWithoutPhone`), on its own quota.
 * - The case key: derived from the kiosk and its filing id, so a filing sent twice is one case. */
import { createDecipheriv, createECDH, createHash, createHmac, hkdfSync } from 'node:crypto';
import { KIOSK_DEFERRED_MAX_MS, KIOSK_OUTBOX_INFO, sealContext, type KioskOutboxKey, type SealedFiling } from '../../../src/lib/domain/kiosk-outbox.js';
import { uuidFromHash } from '../../../src/lib/domain/uuid.js';
import { readToken, signToken } from '../auth/signed-token.js';

export interface OutboxKeys {
	publicKey: KioskOutboxKey;
	/** The sealed filing's plaintext, or null when it was not sealed for this server, this kiosk
	 * and this filing, or was changed. */
	open(sealed: SealedFiling, kioskId: string, filingId: string): string | null;
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

export function outboxKeys(secretsKey: Buffer): OutboxKeys {
	const ecdh = createECDH('prime256v1');
	ecdh.setPrivateKey(createHmac('sha256', secretsKey).update('tawasul/kiosk-outbox-key/v1').digest());
	const point = ecdh.getPublicKey();
	const publicKey = { kid: createHash('sha256').update(point).digest('hex').slice(0, 16), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) };
	return {
		publicKey,
		open(sealed, kioskId, filingId) {
			if (sealed.kid !== publicKey.kid) return null;
			try {
				const epk = Buffer.concat([Buffer.from([4]), Buffer.from(sealed.epk.x, 'base64url'), Buffer.from(sealed.epk.y, 'base64url')]);
				const shared = ecdh.computeSecret(epk);
				const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), KIOSK_OUTBOX_INFO, 32));
				const data = Buffer.from(sealed.data, 'base64url');
				const iv = Buffer.from(sealed.iv, 'base64url');
				if (iv.length !== 12 || data.length < 16) return null;
				const decipher = createDecipheriv('aes-256-gcm', key, iv);
				decipher.setAAD(Buffer.from(sealContext(kioskId, filingId)));
				decipher.setAuthTag(data.subarray(data.length - 16));
				return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
			} catch {
				return null;
			}
		}
	};
}

/** Who a kiosk session is for, as its grant says. */
export interface Grant {
	kiosk_id: string;
	citizen_id: string | null;
	phone: string | null;
	/** When the citizen proved their phone (ms). */
	issued_at: number;
}

export function issueGrant(secretsKey: Buffer, grant: Grant): string {
	return signToken(secretsKey, 'kiosk-grant', [grant.kiosk_id, grant.citizen_id, grant.phone], grant.issued_at);
}

const stringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** The grant, when it is the server's own, not older than KIOSK_DEFERRED_MAX_MS, and for this
 * kiosk; null otherwise. */
export function readGrant(secretsKey: Buffer, token: unknown, kioskId: string, now: number): Grant | null {
	const read = readToken(secretsKey, 'kiosk-grant', token, { now, maxAgeMs: KIOSK_DEFERRED_MAX_MS, maxLength: 600 });
	if (!read) return null;
	const [kiosk_id, citizen_id, phone, ...rest] = read.fields;
	if (kiosk_id !== kioskId || !stringOrNull(citizen_id) || !stringOrNull(phone) || rest.length) return null;
	return { kiosk_id, citizen_id, phone, issued_at: read.issuedAt };
}

/** The case key of a kiosk's filing: the same for every attempt to send it, and out of reach of
 * any other kiosk or device (they cannot know the filing id before the case exists). */
export function filingCaseKey(kioskId: string, filingId: string): string {
	return uuidFromHash(createHash('sha256').update(`kiosk-filing\n${kioskId}\n${filingId}`).digest('hex'), 4);
}
