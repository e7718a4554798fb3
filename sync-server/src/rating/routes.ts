/** The rating link and the app's rating endpoint.
 *
 * GET and HEAD /r/<token> only read (link-preview bots and scanners open links too); only a POST
 * records anything. Each kind of bad link gets its own page and status: 400 malformed, 404
 * unknown, 410 expired, 409 already rated. Responses are never cached and send no Referer; the
 * token is never logged (nothing here logs a URL). */
import express, { type Request, type Response } from 'express';
import { caseDocId, DB, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError, type FieldError } from '../../../src/lib/domain/errors.js';
import { canReopen, RATING_COMMENT_MAX, RATING_CRITERIA, RATING_WINDOW_MS } from '../../../src/lib/domain/rating.js';
import { getOrNull } from '../store-docs.js';
import { SlidingWindow } from '../auth/rate-limit.js';
import type { SessionUser } from '../auth/types.js';
import { CatalogueSource } from '../engine/catalogue.js';
import { asyncHandler, sendError } from '../http/errors.js';
import type { Store } from '../store.js';
import { getInvite, inviteByToken, type InviteDoc } from './docs.js';
import { formatDate, readLocale, type Locale } from './i18n.js';
import { renderForm, renderReopened, renderState, renderThanks, type CaseFacts, type FormValues, type StatePage } from './page.js';
import { inviteState, reopenThroughLink, submitRating, type SubmitDeps } from './submit.js';
import { TOKEN_PATTERN } from './tokens.js';

export interface RatingRouteDeps {
	store: Store;
	now?: () => number;
}

const STATUS: Record<StatePage, number> = { malformed: 400, unknown: 404, used: 409, expired: 410, too_large: 413, busy: 429 };
/** The form's fields: four scores, a comment of 2,000 characters (up to 12 bytes each once
 * percent-encoded), the language. Anything bigger is refused before it is read. */
const FORM_LIMIT = '32kb';

function noStore(res: Response) {
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.setHeader('X-Robots-Tag', 'noindex, nofollow');
}

function html(res: Response, status: number, body: string) {
	res.status(status).type('html').send(body);
}

/** What the link's pages need to answer a request: the invitation's language, its state page, its
 * form with the case's facts. */
class LinkPages {
	private readonly catalogue: CatalogueSource;

	constructor(
		private readonly store: Store,
		private readonly now: () => number
	) {
		this.catalogue = new CatalogueSource(store);
	}

	readonly settings = async () => (await this.catalogue.get()).settings;

	localeOf(req: Request, invite: InviteDoc | null): Locale {
		return readLocale(req.query.lang) ?? readLocale((req.body as Record<string, unknown> | undefined)?.lang) ?? invite?.locale ?? 'ar';
	}

	state(req: Request, res: Response, page: StatePage, invite: InviteDoc | null, params: Record<string, string | number> = {}): void {
		const locale = this.localeOf(req, invite);
		// Also answers routes without a token in their path.
		const path: Partial<Record<string, string>> = req.params;
		const token = path.token;
		const switchHref = TOKEN_PATTERN.test(token ?? '') ? `/r/${token}?lang=${locale === 'ar' ? 'en' : 'ar'}` : `?lang=${locale === 'ar' ? 'en' : 'ar'}`;
		html(res, STATUS[page], renderState(locale, page, params, switchHref));
	}

	/** Resolves the token to an invitation that may still be rated, or answers with the right page. */
	async openInvite(req: Request, res: Response): Promise<InviteDoc | null> {
		const token = req.params.token;
		if (!TOKEN_PATTERN.test(token)) return (this.state(req, res, 'malformed', null), null);
		const invite = await inviteByToken(this.store, token);
		if (!invite) return (this.state(req, res, 'unknown', null), null);
		const s = await inviteState(this.store, invite, new Date(this.now()));
		if (s === 'used') return (this.state(req, res, 'used', invite), null);
		if (s === 'expired') return (this.state(req, res, 'expired', invite, { date: await this.expiredDate(invite, this.localeOf(req, invite)) }), null);
		return invite;
	}

	async expiredDate(invite: InviteDoc, locale: Locale): Promise<string> {
		return formatDate(invite.expires_at, locale, (await this.settings()).time_zone);
	}

	async showForm(req: Request, res: Response, invite: InviteDoc, status: number, extra: { values?: FormValues; errors?: FieldError[] } = {}): Promise<void> {
		const locale = this.localeOf(req, invite);
		const caseFacts = await this.facts(invite, locale);
		if (!caseFacts) {
			this.state(req, res, 'unknown', invite);
			return;
		}
		html(res, status, renderForm({ locale, token: req.params.token, facts: caseFacts, expiresAt: invite.expires_at, timeZone: (await this.settings()).time_zone, ...extra }));
	}

	async thanks(req: Request, res: Response, invite: InviteDoc, low: boolean): Promise<void> {
		const caseDoc = await getOrNull(this.store.use<CaseDoc>(DB.CASES), caseDocId(invite.case_key));
		const reopenUntil = caseDoc && canReopen(caseDoc, new Date(this.now())) ? reopenDeadline(invite) : null;
		html(res, 201, renderThanks({ locale: this.localeOf(req, invite), token: req.params.token, low, reopenUntil, timeZone: (await this.settings()).time_zone }));
	}

	private async facts(invite: InviteDoc, locale: Locale): Promise<CaseFacts | null> {
		const caseDoc = await getOrNull(this.store.use<CaseDoc>(DB.CASES), caseDocId(invite.case_key));
		const reply = caseDoc?.timeline.find((e) => e.action_id === invite.reply_action_id);
		if (!caseDoc || !reply) return null;
		const entity = (await this.catalogue.get()).entities.get(invite.entity_id);
		return {
			entityName: entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : invite.entity_id,
			ref: caseDoc.ref,
			subject: caseDoc.subject,
			body: caseDoc.body,
			replyBody: reply.body ?? '',
			repliedAt: reply.at
		};
	}
}

const reopenDeadline = (invite: InviteDoc) => new Date(Date.parse(invite.created_at) + RATING_WINDOW_MS).toISOString();

/** The form body parser; an oversized or over-long form gets the "too large" page in the invitation's
 * language and the connection closed, anything else unreadable the "malformed" one. */
function formParser(store: Store, pages: LinkPages): express.RequestHandler {
	const form: express.RequestHandler = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 });
	return (req, res, next) => {
		form(req, res, (error?: unknown) => {
			if (!error) {
				next();
				return;
			}
			const type = (error as { type?: string }).type;
			if (type === 'entity.too.large' || type === 'parameters.too.many') {
				// The body was not read to the end; close the connection rather than drain 10 MB.
				res.setHeader('Connection', 'close');
				const token = req.params.token;
				const lookup = TOKEN_PATTERN.test(token) ? inviteByToken(store, token).catch(() => null) : Promise.resolve(null);
				void lookup.then((invite) => {
					pages.state(req, res, 'too_large', invite, { max: RATING_COMMENT_MAX });
				});
				return;
			}
			pages.state(req, res, 'malformed', null);
		});
	};
}

/** POST /r/<token>: the rating itself. */
function rateThroughLink(pages: LinkPages, submitDeps: SubmitDeps): express.RequestHandler {
	return asyncHandler(async (req, res) => {
		const invite = await pages.openInvite(req, res);
		if (!invite) return;
		const body = (req.body ?? {}) as Record<string, unknown>;
		const text = (v: unknown) => (typeof v === 'string' ? v : '');
		const values: FormValues = { scores: Object.fromEntries(RATING_CRITERIA.map((c) => [c, text(body[c])])), comment: text(body.comment) };
		const outcome = await submitRating(submitDeps, invite, { scores: values.scores, comment: body.comment }, 'link');
		switch (outcome.kind) {
			case 'invalid':
				return pages.showForm(req, res, invite, 422, { values, errors: outcome.errors });
			case 'used':
				pages.state(req, res, 'used', invite);
				return;
			case 'expired':
				pages.state(req, res, 'expired', invite, { date: await pages.expiredDate(invite, pages.localeOf(req, invite)) });
				return;
			case 'rated':
				return pages.thanks(req, res, invite, outcome.low);
		}
	});
}

/** POST /r/<token>/reopen: the citizen reopens the case from the thanks page. */
function reopenThroughLinkRoute(store: Store, pages: LinkPages, submitDeps: SubmitDeps): express.RequestHandler {
	return asyncHandler(async (req, res) => {
		const token = req.params.token;
		if (!TOKEN_PATTERN.test(token)) {
			pages.state(req, res, 'malformed', null);
			return;
		}
		const invite = await inviteByToken(store, token);
		if (!invite) {
			pages.state(req, res, 'unknown', null);
			return;
		}
		const locale = pages.localeOf(req, invite);
		const reason = (req.body as Record<string, unknown> | undefined)?.reason;
		const outcome = await reopenThroughLink(submitDeps, invite, reason);
		if (outcome.kind === 'invalid') {
			const timeZone = (await pages.settings()).time_zone;
			html(res, 422, renderThanks({ locale, token, low: false, reopenUntil: reopenDeadline(invite), timeZone, reason: typeof reason === 'string' ? reason : '', errors: outcome.errors }));
			return;
		}
		html(res, outcome.kind === 'reopened' ? 202 : outcome.kind === 'closed' ? 410 : 409, renderReopened(locale, outcome.kind));
	});
}

/** POST /api/ratings/<reply>: the signed-in citizen rates from the case page, with the same checks,
 * by the session instead of a token. */
function rateInApp(store: Store, submitDeps: SubmitDeps): express.RequestHandler {
	return asyncHandler(async (req, res) => {
		res.setHeader('Cache-Control', 'no-store');
		const user = res.locals.user as SessionUser | null;
		if (!user) throw new TawasulError(401, 'unauthorized');
		const invite = await getInvite(store, req.params.reply_action_id);
		// Someone else's invitation looks exactly like a missing one.
		if (!invite || user.role !== 'citizen' || invite.citizen_id !== user.user_id) throw new TawasulError(404, 'case_not_found');
		const body = (req.body ?? {}) as { scores?: Record<string, unknown>; comment?: unknown };
		const outcome = await submitRating(submitDeps, invite, { scores: body.scores ?? {}, comment: body.comment }, 'app');
		if (outcome.kind === 'invalid') throw new TawasulError(422, outcome.errors[0].code, outcome.errors);
		if (outcome.kind === 'used') throw new TawasulError(409, 'duplicate_action');
		if (outcome.kind === 'expired') throw new TawasulError(410, 'window_closed');
		res.status(201).json({ rating: { reply_action_id: invite.reply_action_id, at: outcome.rating.at, low: outcome.low } });
	});
}

export function ratingRouter(deps: RatingRouteDeps): express.Router {
	const { store } = deps;
	const now = deps.now ?? Date.now;
	const pages = new LinkPages(store, now);
	const submitDeps: SubmitDeps = { store, now, settings: pages.settings };
	// A brake on one noisy client; the once-only rule does not depend on it.
	const perIp = new SlidingWindow(120, 60_000);
	const limited: express.RequestHandler = (req, res, next) => {
		if (perIp.hit(req.ip ?? 'unknown', now())) {
			next();
			return;
		}
		pages.state(req, res, 'busy', null);
	};
	const parseForm = formParser(store, pages);
	const router = express.Router();

	router.use('/r', (_req, res, next) => {
		noStore(res);
		next();
	});
	// Also answers HEAD (Express runs GET routes for it and sends no body): nothing is consumed.
	router.get(
		'/r/:token',
		asyncHandler(async (req, res) => {
			const invite = await pages.openInvite(req, res);
			if (invite) await pages.showForm(req, res, invite, 200);
		})
	);
	router.post('/r/:token', limited, parseForm, rateThroughLink(pages, submitDeps));
	router.post('/r/:token/reopen', limited, parseForm, reopenThroughLinkRoute(store, pages, submitDeps));
	router.post('/api/ratings/:reply_action_id', express.json({ limit: FORM_LIMIT }), rateInApp(store, submitDeps));
	router.use('/api/ratings', (error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
		sendError(res, error);
	});
	return router;
}
