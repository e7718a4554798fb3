/** Anonymous public reporting from one's own phone or browser, without an account (issue 14,
 * identity levels): in a category of anonymous reporting, anyone may report what they see in a
 * public place. The proof that a person is behind the report, not a script, is a short SMS code
 * (no captcha); the number is used for that proof and the per-person limits only: no account is
 * made, the case names no one, staff see "Anonymous report", and no SMS follows.
 *
 *   POST /api/report/code      { phone, locale? }           → { sent, expires_in } (the sign-in code's limits)
 *   POST /api/report/verify    { phone, code }              → { grant } (30 minutes, this door only)
 *   POST /api/report           { grant, filing_id, ...case } → 202 { case_key, receipt_token }
 *   POST /api/report/receipt   { case_key, receipt_token }  → { receipt } once the case is numbered, 202 before
 *
 * A report is filed as a pseudonymous author, `anon-` and 64 bits of an HMAC of the number under
 * SECRETS_KEY: the same person's reports count against one quota (QUOTA_CASES_PER_HOUR/DAY),
 * while the case, the intake and the logs hold no number. With the same grant and `filing_id`,
 * a second attempt (the answer to the first was lost) answers the first's case and files nothing. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request } from 'express';
import { reportableAnonymously } from '../../../src/lib/domain/anonymous-report.js';
import { ANONYMOUS_AUTHOR_PREFIX, caseDocId, DB, type CaseDoc, type CaseType } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { FILING_ID } from '../../../src/lib/domain/kiosk-outbox.js';
import { KIOSK_PHOTOS_MAX } from '../../../src/lib/domain/kiosk-session.js';
import { uuidFromHash } from '../../../src/lib/domain/uuid.js';
import { createOtpService, type OtpService } from '../auth/otp.js';
import { readToken, signToken } from '../auth/signed-token.js';
import { SlidingWindow } from '../auth/rate-limit.js';
import type { SessionUser } from '../auth/types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import type { Env } from '../env.js';
import { idStates } from '../gate/action-ids.js';
import { admitActions, refusalOf } from '../gate/gate.js';
import { asyncHandler, sendError } from '../http/errors.js';
import { json, readObject, readStrings } from '../http/body.js';
import { sendReceipt } from '../http/receipt.js';
import { log } from '../log.js';
import type { SmsGateway } from '../sms/gateway.js';
import type { Store } from '../store.js';
import { getOrNull } from '../store-docs.js';

/** A report's body: the case's text and up to KIOSK_PHOTOS_MAX photos re-encoded on the device
 * (≤ 500 KB each, base64 in `_attachments`), as at a kiosk. */
const REPORT_BODY_MAX = '2500kb';
/** How long a proven number may file (and retry a filing) without a new code. */
const GRANT_MS = 30 * 60_000;
/** Reports and verifications one client address may send a minute (per instance). */
const REQUESTS_PER_ADDRESS_PER_MINUTE = 30;
/** Receipt requests one client address may send a minute (per instance): the page asks a few
 * times while the engine numbers the case, and many phones may share one carrier address. */
const RECEIPTS_PER_ADDRESS_PER_MINUTE = 240;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AnonymousReportDeps {
	store: Store;
	env: Env;
	gateway: SmsGateway;
	otp?: OtpService;
	now?: () => number;
}

const hmac = (key: Buffer, label: string, text: string) => createHmac('sha256', key).update(`tawasul/${label}/v1\n${text}`).digest();

/** The pseudonymous author of a number's reports: stable, and not the number. */
function anonymousAuthor(secretsKey: Buffer, e164: string): string {
	return ANONYMOUS_AUTHOR_PREFIX + hmac(secretsKey, 'anonymous-author', e164).subarray(0, 8).toString('hex');
}

const issueGrant = (secretsKey: Buffer, author: string, at: number) => signToken(secretsKey, 'anonymous-grant', [author], at);

/** The author a grant names, when it is the server's own and not older than GRANT_MS. */
function readGrant(secretsKey: Buffer, token: unknown, now: number): string | null {
	const read = readToken(secretsKey, 'anonymous-grant', token, { now, maxAgeMs: GRANT_MS, maxLength: 400 });
	const [author, ...rest] = read?.fields ?? [];
	return typeof author === 'string' && rest.length === 0 ? author : null;
}

/** The case key of a filing: the same for each attempt, out of reach of anyone without the grant. */
function reportCaseKey(author: string, filingId: string): string {
	return uuidFromHash(createHash('sha256').update(`anonymous-report\n${author}\n${filingId}`).digest('hex'), 4);
}

const receiptToken = (secretsKey: Buffer, caseKey: string) => hmac(secretsKey, 'anonymous-receipt', caseKey).toString('base64url');

export function anonymousReportRouter(deps: AnonymousReportDeps): express.Router {
	const { store, env } = deps;
	const now = deps.now ?? Date.now;
	const otp = deps.otp ?? createOtpService({ store, gateway: deps.gateway, limits: env.signInCodes });
	const catalogues = new CatalogueSource(store);
	const perAddress = new SlidingWindow(REQUESTS_PER_ADDRESS_PER_MINUTE, 60_000);
	const receipts = new SlidingWindow(RECEIPTS_PER_ADDRESS_PER_MINUTE, 60_000);
	const router = express.Router();
	const key = (): Buffer => {
		if (!env.secretsKey) throw new TawasulError(503, 'unavailable');
		return env.secretsKey;
	};
	const limited = (req: Request) => {
		if (!perAddress.hit(req.ip ?? 'unknown', now())) throw new TawasulError(429, 'rate_limited');
	};
	router.use('/api/report', (_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});
	proofRoutes(router, { otp, key, limited, now });

	router.post(
		'/api/report',
		// Counted before the body is read: a flood of large bodies is refused unparsed.
		(req, _res, next) => {
			try {
				key();
				limited(req);
				next();
			} catch (error) {
				next(error);
			}
		},
		express.json({ limit: REPORT_BODY_MAX, strict: true }),
		asyncHandler(async (req, res) => {
			const secretsKey = key();
			const { grant, filing_id: filingId, ...fields } = readObject(req.body);
			const author = readGrant(secretsKey, grant, now());
			if (!author) throw new TawasulError(401, 'unauthorized', [{ field: 'grant', code: 'unauthorized' }]);
			if (typeof filingId !== 'string' || !FILING_ID.test(filingId)) throw new TawasulError(400, 'invalid_format', [{ field: 'filing_id', code: 'invalid_format' }]);
			const category = (await catalogues.get()).categories.get(String(fields.category_id));
			if (!reportableAnonymously(category, fields.case_type as CaseType)) {
				throw new TawasulError(403, 'anonymous_not_allowed', [{ field: 'category_id', code: 'anonymous_not_allowed' }]);
			}
			const caseKey = await fileReport(store, env, author, fields, filingId, new Date(now()));
			res.status(202).json({ case_key: caseKey, receipt_token: receiptToken(secretsKey, caseKey) });
		})
	);

	router.post(
		'/api/report/receipt',
		json,
		asyncHandler(async (req, res) => {
			const secretsKey = key();
			if (!receipts.hit(req.ip ?? 'unknown', now())) throw new TawasulError(429, 'rate_limited');
			const { case_key: caseKey, receipt_token: token } = readStrings(req.body, { case_key: { max: 36 }, receipt_token: { max: 64 } });
			const expected = Buffer.from(UUID.test(caseKey) ? receiptToken(secretsKey, caseKey) : '');
			const given = Buffer.from(token);
			if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TawasulError(404, 'not_found');
			await sendReceipt(res, store, catalogues, caseKey);
		})
	);

	// Four arguments make it Express's error handler.
	router.use('/api/report', (error: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
		sendError(res, error);
	});
	return router;
}

interface ProofDeps {
	otp: OtpService;
	key: () => Buffer;
	limited: (req: Request) => void;
	now: () => number;
}

/** The proof that a person is behind a report: an SMS code to a number, then a grant for it. */
function proofRoutes(router: express.Router, { otp, key, limited, now }: ProofDeps): void {
	router.post(
		'/api/report/code',
		json,
		asyncHandler(async (req, res) => {
			key();
			const { phone, locale } = readStrings(req.body, { phone: { max: 32 }, locale: { max: 5, optional: true } });
			if (locale !== undefined && locale !== 'ar' && locale !== 'en') throw new TawasulError(400, 'invalid_format', [{ field: 'locale', code: 'invalid_format' }]);
			const sent = await otp.request({ phone, locale: locale ?? 'ar', ip: req.ip ?? 'unknown' });
			res.json({ sent: true, expires_in: sent.expires_in });
		})
	);

	router.post(
		'/api/report/verify',
		json,
		asyncHandler(async (req, res) => {
			const secretsKey = key();
			limited(req);
			const { phone, code } = readStrings(req.body, { phone: { max: 32 }, code: { max: 16 } });
			const e164 = await otp.verify({ phone, code });
			res.json({ grant: issueGrant(secretsKey, anonymousAuthor(secretsKey, e164), now()) });
		})
	);
}

/** Files the report through the gate as any case is (its schema, its checks of the photos, the
 * author's quota); returns the case key, the same for a filing sent again. */
async function fileReport(store: Store, env: Env, author: string, fields: Record<string, unknown>, filingId: string, at: Date): Promise<string> {
	const photos = fields._attachments;
	if (photos && typeof photos === 'object' && Object.keys(photos).length > KIOSK_PHOTOS_MAX) {
		throw new TawasulError(400, 'too_many_files', [{ field: 'files', code: 'too_many_files', params: { max: KIOSK_PHOTOS_MAX } }]);
	}
	const caseKey = reportCaseKey(author, filingId);
	// Sent again after a lost answer: its action waits in intake, or the engine took it: a case,
	// or a refusal (the action gone and no case), which the page must hear rather than a receipt.
	const state = (await idStates(store, [`act:${caseKey}`])).get(`act:${caseKey}`);
	if (state === 'live' || (await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(caseKey)))) return caseKey;
	if (state === 'removed') throw new TawasulError(409, 'report_refused');
	const action = { ...fields, _id: `act:${caseKey}`, type: 'action', kind: 'submit', case_key: caseKey, client_time: at.toISOString(), device_id: 'anonymous-report' };
	const user: SessionUser = { user_id: author, role: 'citizen', name: '', databases: { pull: [], push: DB.INTAKE } };
	const result = (await admitActions(store, env.quotas, user, [action], at, true)).at(0);
	// Two attempts at once: the other one wrote it (the case key is the filing's).
	if (result?.error === 'conflict') return caseKey;
	if (result?.error) throw refusalOf(result);
	log.info('anonymous report received', { case_key: caseKey });
	return caseKey;
}
