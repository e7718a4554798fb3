/** Signing in at a kiosk from one's own phone (issue 12, "eKey where configured"). The kiosk shows
 * a QR code; the citizen scans it, signs in on their phone (eKey, or the phone's sign-in code) and
 * confirms there; the phone then shows a number, the kiosk (asking every few seconds) offers
 * three, and the right pick opens the kiosk's session for that citizen.
 * The kiosk never sees the citizen's eKey credentials, and nothing of the provider's session is
 * left in the kiosk's browser for the next person.
 *
 *   POST /api/kiosk/session/link        (signed)   → { link: { token, url, expires_at } }
 *   POST /api/kiosk/session/link/poll   (signed)   { token } → { status } (+ choices when confirmed)
 *   POST /api/kiosk/session/link/choose (signed)   { token, choice } → { status } (+ session when right)
 *   POST /api/kiosk-link/view           (citizen)  { token } → { kiosk: { name, centre }, status }
 *   POST /api/kiosk-link/confirm        (citizen)  { token } → { confirmed: true, check }
 *   POST /api/kiosk-link/decline        (citizen)  { token } → { declined: true }
 *
 * One document per kiosk, `kiosk_link:<kiosk_id>` in the `auth` database, holds the kiosk's one
 * link at a time (a new QR code replaces the last), as a SHA-256 of its secret: the database
 * does not grow with the links shown. Each change is written with the read revision, so a link is
 * confirmed once and opens one session, even on two server instances at once. */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import express, { type Response } from 'express';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { KIOSK_ID } from '../../../src/lib/domain/kiosk-signing.js';
import { KIOSK_LINK_PATH, KIOSK_LINK_PARAM, type KioskLinkStatus } from '../../../src/lib/domain/kiosk-session.js';
import { SlidingWindow } from '../auth/rate-limit.js';
import type { SessionUser } from '../auth/types.js';
import { asyncHandler } from '../http/errors.js';
import { json, readStrings } from '../http/body.js';
import { requireRole } from '../http/guards.js';
import { log } from '../log.js';
import { getOrNull, storedAs, updateContended } from '../store-docs.js';
import { issueGrant } from './deferred.js';
import { getKiosk, type KioskDoc } from './devices.js';
import type { KioskContext, SignedRoute } from './routes.js';

/** How long a QR code works: scanning, signing in with eKey and confirming take a minute or two. */
const LINK_TTL_MS = 5 * 60_000;
/** Looks at, confirmations and refusals of links per citizen per minute (per instance): a person
 * confirms one; a client trying tokens is stopped long before it could guess 144 bits. */
const CITIZEN_TRIES_PER_MINUTE = 20;
const SECRET = /^[A-Za-z0-9_-]{24}$/;

interface LinkDoc {
	_id: string;
	type: 'kiosk_link';
	kiosk_id: string;
	secret_sha256: string;
	created_at: string;
	expires_at: string;
	status: 'waiting' | 'confirmed' | 'declined' | 'used';
	/** Who confirmed it on their phone. */
	citizen_id: string | null;
	phone: string | null;
	/** The number the phone shows once confirmed, and the numbers the kiosk offers: the person at
	 * the kiosk picks the one on their phone, so a confirmation from someone else's phone (a
	 * photographed QR code) opens nothing. */
	check?: number | null;
	choices?: number[] | null;
	/** When the kiosk took it (the right pick). */
	used_at?: string | null;
}

const linkDocId = (kioskId: string) => `kiosk_link:${kioskId}`;

/** How long after its right pick the kiosk may pick again and be answered the same session. */
const REPICK_MS = 60_000;
/** How many numbers the kiosk offers, one of them the phone's. */
const CHOICES = 3;

/** The phone's number and the kiosk's choices: distinct two-digit numbers, in random order. */
function numberMatch(): { check: number; choices: number[] } {
	const picked = new Set<number>();
	while (picked.size < CHOICES) picked.add(randomInt(10, 100));
	const choices = [...picked];
	return { check: choices[randomInt(CHOICES)], choices };
}
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The kiosk and the secret a token names, or null for anything that is not a token. */
function readToken(token: string | undefined): { kioskId: string; secret: string } | null {
	if (!token) return null;
	const dot = token.indexOf('.');
	const kioskId = token.slice(0, dot);
	const secret = token.slice(dot + 1);
	return dot > 0 && KIOSK_ID.test(kioskId) && SECRET.test(secret) ? { kioskId, secret } : null;
}

/** Whether the document is the link this secret opens (compared in constant time). */
function opens(doc: LinkDoc | null, secret: string): doc is LinkDoc {
	if (doc?.type !== 'kiosk_link') return false;
	const given = sha256(secret);
	const kept = Buffer.from(doc.secret_sha256, 'hex');
	return kept.length === given.length && timingSafeEqual(kept, given);
}

/** What the citizen's phone and the kiosk are told of a link: past its time, one still waiting
 * or confirmed but not yet taken by the kiosk is "expired" (the citizen has likely left). */
function statusOf(doc: LinkDoc, now: number): KioskLinkStatus {
	if ((doc.status === 'waiting' || doc.status === 'confirmed') && now > Date.parse(doc.expires_at)) return 'expired';
	return doc.status;
}

/** The kiosk's session ended ("finish", the idle time-out): a link it showed opens nothing more. */
export async function endLink(ctx: KioskContext, kioskId: string): Promise<void> {
	await updateContended<LinkDoc, null>(linkDb(ctx), linkDocId(kioskId), (current) => ({
		next: current && storedAs(current, 'kiosk_link') && (current.status === 'waiting' || current.status === 'confirmed') ? { ...current, status: 'declined' } : null,
		result: null
	}));
}

const linkDb = (ctx: KioskContext) => ctx.store.use<LinkDoc>(DB.AUTH);

/** The kiosk's side: a new QR code, then asking whether it was confirmed. */
export function kioskLinkRoutes(
	router: express.Router,
	ctx: KioskContext,
	signed: SignedRoute,
	startSession: (who: { citizen_id: string; phone: string | null }, kiosk: KioskDoc) => Promise<{ started_at: string }>
): void {
	router.post(
		'/api/kiosk/session/link',
		...signed(async (_req, res, { kiosk }) => {
			const at = ctx.now();
			const secret = randomBytes(18).toString('base64url');
			const doc: LinkDoc = {
				_id: linkDocId(kiosk.kiosk_id),
				type: 'kiosk_link',
				kiosk_id: kiosk.kiosk_id,
				secret_sha256: sha256(secret).toString('hex'),
				created_at: new Date(at).toISOString(),
				expires_at: new Date(at + LINK_TTL_MS).toISOString(),
				status: 'waiting',
				citizen_id: null,
				phone: null
			};
			await updateContended(linkDb(ctx), doc._id, () => ({ next: doc, result: null }));
			const token = `${kiosk.kiosk_id}.${secret}`;
			const url = new URL(KIOSK_LINK_PATH, ctx.env.publicUrl);
			url.searchParams.set(KIOSK_LINK_PARAM, token);
			res.json({ link: { token, url: url.toString(), expires_at: doc.expires_at } });
		})
	);

	router.post(
		'/api/kiosk/session/link/poll',
		...signed(async (_req, res, { kiosk, body }) => {
			const read = readKioskToken(body, kiosk);
			const doc = await getOrNull(linkDb(ctx), linkDocId(kiosk.kiosk_id));
			if (!opens(doc, read.secret)) {
				res.json({ status: 'expired' });
				return;
			}
			const status = statusOf(doc, ctx.now());
			res.json(status === 'confirmed' ? { status, choices: doc.choices ?? [] } : { status });
		})
	);

	// The person at the kiosk picks the number their phone shows: the right one opens the session
	// (marking the link used in the same write: one link, one session), any other declines it.
	router.post(
		'/api/kiosk/session/link/choose',
		...signed(async (_req, res, { kiosk, body }) => {
			const read = readKioskToken(body, kiosk);
			const choice = body.choice;
			if (typeof choice !== 'number' || !Number.isInteger(choice)) throw new TawasulError(400, 'invalid_format', [{ field: 'choice', code: 'invalid_format' }]);
			const at = ctx.now();
			const taken = await updateContended<LinkDoc, { status: KioskLinkStatus; doc: LinkDoc | null }>(linkDb(ctx), linkDocId(kiosk.kiosk_id), (current) => {
				if (!opens(current, read.secret)) return { next: null, result: { status: 'expired', doc: null } };
				const status = statusOf(current, at);
				// The same kiosk asking again a moment after its right pick: the answer was lost on
				// the way; the session is opened again for the same citizen, not a second one.
				if (status === 'used' && choice === current.check && current.used_at && at - Date.parse(current.used_at) < REPICK_MS) {
					return { next: null, result: { status: 'confirmed', doc: current } };
				}
				if (status !== 'confirmed' || !current.citizen_id) return { next: null, result: { status, doc: null } };
				if (choice !== current.check) return { next: { ...current, status: 'declined' }, result: { status: 'declined', doc: null } };
				return { next: { ...current, status: 'used', used_at: new Date(at).toISOString() }, result: { status, doc: current } };
			});
			if (!taken.doc?.citizen_id) {
				res.json({ status: taken.status });
				return;
			}
			const who = { citizen_id: taken.doc.citizen_id, phone: taken.doc.phone };
			let session: { started_at: string };
			try {
				session = await startSession(who, kiosk);
			} catch (error) {
				// Nothing was opened: the link is put back, so the kiosk's next pick can open it.
				await updateContended<LinkDoc, null>(linkDb(ctx), linkDocId(kiosk.kiosk_id), (current) => ({
					next: opens(current, read.secret) && current.status === 'used' ? { ...current, status: 'confirmed' } : null,
					result: null
				}));
				throw error;
			}
			const grant = ctx.env.secretsKey ? issueGrant(ctx.env.secretsKey, { kiosk_id: kiosk.kiosk_id, ...who, issued_at: at }) : null;
			log.info('kiosk session opened from a phone', { kiosk_id: kiosk.kiosk_id });
			res.json({ status: 'confirmed', session: { identified: true, started_at: session.started_at, grant, phone_end: who.phone ? who.phone.slice(-4) : null } });
		})
	);
}

/** The link token a kiosk's request names: its own, or the request is refused. */
function readKioskToken(body: Record<string, unknown>, kiosk: KioskDoc): { secret: string } {
	const read = readToken(readStrings(body, { token: { max: 80 } }).token);
	if (read?.kioskId !== kiosk.kiosk_id) throw new TawasulError(400, 'invalid_format', [{ field: 'token', code: 'invalid_format' }]);
	return read;
}

/** The citizen's side, on their own phone, signed in. */
export function citizenLinkRoutes(router: express.Router, ctx: KioskContext): void {
	const tries = new SlidingWindow(CITIZEN_TRIES_PER_MINUTE, 60_000);
	const citizen = (res: Response): SessionUser => {
		const user = requireRole(res, ['citizen']);
		if (!tries.hit(user.user_id, ctx.now())) throw new TawasulError(429, 'rate_limited');
		return user;
	};
	router.use('/api/kiosk-link', (_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});

	router.post(
		'/api/kiosk-link/view',
		json,
		asyncHandler(async (req, res) => {
			citizen(res);
			const { doc, kiosk } = await readLink(ctx, req.body);
			res.json({ kiosk: { name: kiosk.name, centre: kiosk.centre }, status: statusOf(doc, ctx.now()), expires_at: doc.expires_at });
		})
	);

	for (const [path, to] of [
		['/api/kiosk-link/confirm', 'confirmed'],
		['/api/kiosk-link/decline', 'declined']
	] as const) {
		router.post(
			path,
			json,
			asyncHandler(async (req, res) => {
				const user = citizen(res);
				const { kiosk, secret } = await readLink(ctx, req.body);
				const at = ctx.now();
				const match = numberMatch();
				// Whether this request made the change: a link confirmed by someone else a moment
				// before reads as "confirmed" too, and must not count as this person's.
				const changed = await updateContended<LinkDoc, boolean>(linkDb(ctx), linkDocId(kiosk.kiosk_id), (current) => {
					if (!opens(current, secret) || statusOf(current, at) !== 'waiting') return { next: null, result: false };
					const next: LinkDoc = to === 'confirmed' ? { ...current, status: to, citizen_id: user.user_id, phone: user.phone ?? null, ...match } : { ...current, status: to };
					return { next, result: true };
				});
				if (!changed) throw new TawasulError(409, 'kiosk_link_expired');
				log.info(`kiosk link ${to}`, { kiosk_id: kiosk.kiosk_id });
				res.json(to === 'confirmed' ? { confirmed: true, check: match.check } : { declined: true });
			})
		);
	}
}

/** The link a citizen's request names, with its kiosk; 404 for a token that names none (a wrong
 * secret, a kiosk gone or revoked), 409 for one no longer waiting. */
async function readLink(ctx: KioskContext, body: unknown): Promise<{ doc: LinkDoc; kiosk: KioskDoc; secret: string }> {
	const read = readToken(readStrings(body, { token: { max: 80 } }).token);
	if (!read) throw new TawasulError(400, 'invalid_format', [{ field: 'token', code: 'invalid_format' }]);
	const doc = await getOrNull(linkDb(ctx), linkDocId(read.kioskId));
	if (!opens(doc, read.secret)) throw new TawasulError(404, 'not_found');
	const kiosk = await getKiosk(ctx.store, read.kioskId);
	if (!kiosk || kiosk.revoked_at) throw new TawasulError(404, 'not_found');
	return { doc, kiosk, secret: read.secret };
}
