/** Kiosk devices (issue 12): what a coordinator registers, the one-time enrolment code, the
 * device's public key, revocation, and the check every signed request passes.
 *
 * One document per kiosk, `kiosk:<kiosk_id>` in the `auth` database, holds all of it: the code
 * (as a SHA-256, which is enough for 58 random bits that live a day at most), the key, the nonces
 * seen in the last two skew windows, what the fleet view shows, and the citizen's session. Each
 * change is written with the read revision, so a code is used once and a nonce accepted once
 * even when two server instances get the same request at the same moment. */
import { createHash, createPublicKey, randomBytes, randomInt, verify } from 'node:crypto';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { canonicalString, ENROLMENT_ALPHABET, KIOSK_SKEW_MS, normalizeEnrolmentCode, type KioskHeaders, type KioskPublicJwk } from '../../../src/lib/domain/kiosk-signing.js';
import type { Store } from '../store.js';
import { getOrNull, insertOnce, storedAs, updateContended } from '../store-docs.js';

/** How long an enrolment code works. */
const ENROLMENT_TTL_MS = 24 * 60 * 60_000;
/** The most recent errors a kiosk reported, kept for the fleet view. */
const ERRORS_KEPT = 10;

interface KioskSession {
	/** The citizen who proved their phone at this kiosk; null for a filing without a phone. */
	citizen_id: string | null;
	phone: string | null;
	started_at: string;
	/** The cases filed in this session: the only ones whose receipt the kiosk may ask for. */
	case_keys: string[];
}

export interface KioskDoc {
	_id: string;
	_rev?: string;
	type: 'kiosk_device';
	kiosk_id: string;
	name: string;
	centre: string;
	location: string;
	created_at: string;
	created_by: string;
	enrolment: { code_sha256: string; expires_at: string } | null;
	public_key: KioskPublicJwk | null;
	enrolled_at: string | null;
	revoked_at: string | null;
	/** Nonce → the time (ms) after which it can no longer be replayed anyway. */
	nonces: Record<string, number>;
	last_seen_at: string | null;
	app_version: string | null;
	/** Submissions waiting on the device, as it last said (absent on kiosks enrolled before this was reported). */
	outbox_length?: number | null;
	errors: { at: string; message: string }[];
	error_count: number;
	session: KioskSession | null;
}

const kioskDocId = (kioskId: string) => `kiosk:${kioskId}`;
const codeDocId = (sha: string) => `kiosk_code:${sha}`;

interface CodeDoc {
	_id: string;
	type: 'kiosk_code';
	kiosk_id: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function kioskDb(store: Store) {
	await store.ensureDb(DB.AUTH);
	return store.use<KioskDoc>(DB.AUTH);
}

export function newEnrolmentCode(): string {
	let bare = '';
	for (let i = 0; i < 12; i++) bare += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)];
	return `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}`;
}

async function issueCode(store: Store, kioskId: string, now: number): Promise<{ code: string; enrolment: NonNullable<KioskDoc['enrolment']> }> {
	const code = newEnrolmentCode();
	const code_sha256 = sha256(code);
	await insertOnce(store.use<CodeDoc>(DB.AUTH), { _id: codeDocId(code_sha256), type: 'kiosk_code', kiosk_id: kioskId });
	return { code, enrolment: { code_sha256, expires_at: new Date(now + ENROLMENT_TTL_MS).toISOString() } };
}

export interface NewKiosk {
	name: string;
	centre: string;
	location: string;
}

export async function registerKiosk(store: Store, input: NewKiosk, actor: string, now: number): Promise<{ kiosk: KioskDoc; code: string }> {
	const db = await kioskDb(store);
	const kiosk_id = 'kiosk-' + randomBytes(8).toString('hex');
	const { code, enrolment } = await issueCode(store, kiosk_id, now);
	const kiosk: KioskDoc = {
		_id: kioskDocId(kiosk_id),
		type: 'kiosk_device',
		kiosk_id,
		...input,
		created_at: new Date(now).toISOString(),
		created_by: actor,
		enrolment,
		public_key: null,
		enrolled_at: null,
		revoked_at: null,
		nonces: {},
		last_seen_at: null,
		app_version: null,
		errors: [],
		error_count: 0,
		session: null
	};
	await db.insert(kiosk);
	return { kiosk, code };
}

export async function getKiosk(store: Store, kioskId: string): Promise<KioskDoc | null> {
	const doc = await getOrNull(await kioskDb(store), kioskDocId(kioskId));
	return doc?.type === 'kiosk_device' ? doc : null;
}

export async function listKiosks(store: Store): Promise<KioskDoc[]> {
	const result = await (await kioskDb(store)).list({ startkey: 'kiosk:', endkey: 'kiosk:\ufff0', include_docs: true });
	return result.rows.flatMap((row) => (row.doc?.type === 'kiosk_device' ? [row.doc as KioskDoc] : []));
}

/** Changes a kiosk with its read revision; null when there is none. */
export async function updateKiosk(store: Store, kioskId: string, change: (current: KioskDoc) => KioskDoc | null): Promise<KioskDoc | null> {
	// Every signed request writes the kiosk's nonces into this document, so a change meets
	// parallel writers: more rounds, spread out, as for the other contended documents.
	return updateContended(await kioskDb(store), kioskDocId(kioskId), (current) => {
		if (!storedAs(current, 'kiosk_device')) return { next: null, result: null };
		const next = change(current);
		return { next, result: next ?? current };
	});
}

/** A new code for a kiosk (a replaced device, or a code that expired unused): the old key stops
 * working at once, the device must enrol again. */
export async function reissueCode(store: Store, kioskId: string, now: number): Promise<{ kiosk: KioskDoc; code: string } | null> {
	const { code, enrolment } = await issueCode(store, kioskId, now);
	const kiosk = await updateKiosk(store, kioskId, (current) => ({ ...current, enrolment, public_key: null, enrolled_at: null, revoked_at: null, nonces: {}, session: null }));
	return kiosk ? { kiosk, code } : null;
}

/** Takes the kiosk out of service: every later request is refused as kiosk_revoked, and the
 * citizen session it held ends. */
export async function revokeKiosk(store: Store, kioskId: string, now: number): Promise<KioskDoc | null> {
	return updateKiosk(store, kioskId, (current) => (current.revoked_at ? null : { ...current, revoked_at: new Date(now).toISOString(), enrolment: null, session: null }));
}

/** The device presents the code and its public key. Wrong, used, expired or revoked all give the
 * same answer, so the code space cannot be probed for which codes exist. */
export async function enrolKiosk(store: Store, rawCode: string, publicKey: KioskPublicJwk, appVersion: string | null, now: number): Promise<KioskDoc> {
	const invalid = () => new TawasulError(400, 'enrolment_code_invalid', [{ field: 'code', code: 'enrolment_code_invalid' }]);
	const code = normalizeEnrolmentCode(rawCode);
	if (!code) throw invalid();
	const sha = sha256(code);
	const pointer = await getOrNull(store.use<CodeDoc>(DB.AUTH), codeDocId(sha));
	if (!storedAs(pointer, 'kiosk_code')) throw invalid();
	assertUsableKey(publicKey);
	const db = await kioskDb(store);
	const enrolled = await updateContended(db, kioskDocId(pointer.kiosk_id), (current) => {
		const usable = current?.type === 'kiosk_device' && !current.revoked_at && current.enrolment?.code_sha256 === sha && Date.parse(current.enrolment.expires_at) > now;
		if (!usable) return { next: null, result: null };
		const next: KioskDoc = {
			...current,
			enrolment: null,
			public_key: publicKey,
			enrolled_at: new Date(now).toISOString(),
			last_seen_at: new Date(now).toISOString(),
			app_version: appVersion,
			nonces: {},
			session: null
		};
		return { next, result: next };
	});
	if (!enrolled) throw invalid();
	return enrolled;
}

/** A point that is not on the curve is refused at enrolment, not at the first request. */
function assertUsableKey(jwk: KioskPublicJwk): void {
	try {
		createPublicKey({ key: { ...jwk }, format: 'jwk' });
	} catch {
		throw new TawasulError(400, 'invalid_format', [{ field: 'public_key', code: 'invalid_format' }]);
	}
}

function signatureValid(jwk: KioskPublicJwk, text: string, signature: string): boolean {
	try {
		const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
		return verify('sha256', Buffer.from(text), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
	} catch {
		return false;
	}
}

/**
 * One signed request: the kiosk exists and is enrolled (401 kiosk_unknown), is not revoked (403
 * kiosk_revoked), the signature covers this method, path, time, nonce and body (401
 * kiosk_signature_invalid), and the nonce is new (401 kiosk_replay). Records the contact for the
 * fleet view in the same write that takes the nonce.
 */
export async function admitSignedRequest(store: Store, headers: KioskHeaders, request: { method: string; path: string; bodySha256: string }, now: number): Promise<KioskDoc> {
	const kiosk = await getKiosk(store, headers.kioskId);
	if (!kiosk) throw new TawasulError(401, 'kiosk_unknown');
	if (kiosk.revoked_at) throw new TawasulError(403, 'kiosk_revoked');
	// Not enrolled (or enrolling again after a new code): no key to check a signature with.
	const publicKey = kiosk.public_key;
	if (!publicKey) throw new TawasulError(401, 'kiosk_unknown');
	const text = canonicalString({ method: request.method, path: request.path, timestamp: headers.timestamp, nonce: headers.nonce, bodySha256: request.bodySha256 });
	if (!signatureValid(publicKey, text, headers.signature)) throw new TawasulError(401, 'kiosk_signature_invalid');
	const db = await kioskDb(store);
	type Refusal = 'kiosk_unknown' | 'kiosk_revoked' | 'kiosk_signature_invalid' | 'kiosk_replay';
	const outcome = await updateContended<KioskDoc, KioskDoc | Refusal>(db, kioskDocId(headers.kioskId), (current) => {
		if (!storedAs(current, 'kiosk_device')) return { next: null, result: 'kiosk_unknown' };
		if (current.revoked_at) return { next: null, result: 'kiosk_revoked' };
		// Re-enrolled with another key since the read: the signature was made by the old one.
		if (current.public_key?.x !== publicKey.x || current.public_key.y !== publicKey.y) return { next: null, result: 'kiosk_signature_invalid' };
		// Any nonce a client sends is looked up, most of them not there.
		const seen: Record<string, number | undefined> = current.nonces;
		if (seen[headers.nonce] !== undefined) return { next: null, result: 'kiosk_replay' };
		const nonces: Record<string, number> = {};
		for (const [nonce, until] of Object.entries(current.nonces)) if (until > now) nonces[nonce] = until;
		// A nonce need only be remembered while its timestamp is still accepted.
		nonces[headers.nonce] = Number(headers.timestamp) + KIOSK_SKEW_MS + 1000;
		const next: KioskDoc = { ...current, nonces, last_seen_at: new Date(now).toISOString() };
		return { next, result: next };
	});
	if (typeof outcome === 'string') throw new TawasulError(outcome === 'kiosk_revoked' ? 403 : 401, outcome);
	return outcome;
}

/** What a kiosk reports about itself (heartbeat): its version and the errors it met. */
export async function recordHeartbeat(store: Store, kioskId: string, report: { app_version?: string; outbox_length?: number; errors?: string[] }, now: number): Promise<KioskDoc | null> {
	const at = new Date(now).toISOString();
	return updateKiosk(store, kioskId, (current) => {
		const reported = (report.errors ?? []).map((message) => ({ at, message }));
		return {
			...current,
			last_seen_at: at,
			app_version: report.app_version ?? current.app_version,
			outbox_length: report.outbox_length ?? current.outbox_length ?? null,
			errors: [...current.errors, ...reported].slice(-ERRORS_KEPT),
			error_count: current.error_count + reported.length
		};
	});
}

/** The fleet view of one kiosk: no key, no nonces, no citizen. */
export function fleetView(kiosk: KioskDoc, now: number, staleAfterMs: number) {
	const lastSeen = kiosk.last_seen_at ? Date.parse(kiosk.last_seen_at) : null;
	const state = kiosk.revoked_at ? 'revoked' : !kiosk.public_key ? 'awaiting_enrolment' : 'enrolled';
	return {
		kiosk_id: kiosk.kiosk_id,
		name: kiosk.name,
		centre: kiosk.centre,
		location: kiosk.location,
		state,
		created_at: kiosk.created_at,
		enrolled_at: kiosk.enrolled_at,
		revoked_at: kiosk.revoked_at,
		enrolment_expires_at: kiosk.enrolment?.expires_at ?? null,
		last_seen_at: kiosk.last_seen_at,
		app_version: kiosk.app_version,
		outbox_length: kiosk.outbox_length ?? null,
		errors: kiosk.errors,
		error_count: kiosk.error_count,
		in_session: kiosk.session !== null,
		stale: state === 'enrolled' && (lastSeen === null || now - lastSeen > staleAfterMs)
	};
}
