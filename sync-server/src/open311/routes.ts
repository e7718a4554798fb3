/** Open311 GeoReport v2 at /open311/v2 (docs/design.md, "Open311"): service discovery, the
 * services (the catalogue's categories) and their definitions, requests read from the public
 * view of the cases, requests filed with an API key through the gate, and tokens. Every answer
 * in JSON or XML, by the extension the client asks for; every refusal the specification's list
 * of `{ code, description }`. */
import express, { type Request, type Response } from 'express';
import { CatalogueSource, type Catalogue } from '../engine/catalogue.js';
import type { Env } from '../env.js';
import { SlidingWindow } from '../auth/rate-limit.js';
import { getOrNull, statusOf } from '../store-docs.js';
import { caseDocId, DB, type ActionDoc, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { log } from '../log.js';
import { readLocale, t, type Locale } from '../rating/i18n.js';
import type { Store } from '../store.js';
import { fail, FORMATS, Open311Error, send, sendErrors, type Format } from './format.js';
import { checkKey, touchKey } from './keys.js';
import { one, parseRequestQuery } from './query.js';
import { requestOf, requestsByRef, searchRequests } from './requests.js';
import { definitionOf, findService, serviceList } from './services.js';
import { parseUpdatesQuery, searchUpdates, updateOf } from './updates.js';
import { buildRequest, fileRequest } from './submit.js';

const OPEN311_BASE = '/open311/v2';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Handler = (req: Request, res: Response, format: Format, locale: Locale) => Promise<void>;

function formatOf(req: Request): Format | null {
	const format = req.params.format;
	return (FORMATS as readonly string[]).includes(format) ? (format as Format) : null;
}

function searchParams(req: Request): URLSearchParams {
	const mark = req.originalUrl.indexOf('?');
	return new URLSearchParams(mark < 0 ? '' : req.originalUrl.slice(mark + 1));
}

/** The format from the path, the language from `locale` (Arabic unless `en`), and every failure
 * in the specification's shape: an unexpected one is its "general service error" (400). */
function handle(fn: Handler): express.RequestHandler {
	return (req, res) => {
		const format = formatOf(req) ?? 'json';
		const run = async () => {
			if (!formatOf(req)) throw fail(404, `format ${req.params.format} is not served: use json or xml`);
			let locale: Locale = 'ar';
			const asked = one(searchParams(req), 'locale');
			if (asked !== undefined)
				locale =
					readLocale(asked) ??
					(() => {
						throw fail(400, 'locale must be ar or en');
					})();
			await fn(req, res, format, locale);
		};
		run().catch((error: unknown) => {
			if (error instanceof Open311Error) {
				sendErrors(res, format, error);
				return;
			}
			log.error('open311 request failed', { path: req.path, error: (error as Error | null)?.message, status: statusOf(error) });
			if (res.headersSent) {
				res.end();
				return;
			}
			sendErrors(res, format, fail(400, 'General service error: the request could not be processed; please try again later'));
		});
	};
}

export function open311Router(deps: { store: Store; env: Open311Env; now?: () => Date }): express.Router {
	const { store, env } = deps;
	const now = deps.now ?? (() => new Date());
	const catalogues = new CatalogueSource(store);
	// "Sortable field that specifies the last time this document was updated": when this
	// instance first saw the catalogue as it is now.
	let seen: Catalogue | null = null;
	let changeset = now().toISOString();
	const ctx: Open311Context = {
		store,
		env,
		now,
		changeset: () => changeset,
		catalogue: async () => {
			const current = await catalogues.get();
			if (seen && current !== seen) changeset = now().toISOString();
			seen = current;
			return current;
		}
	};

	const router = express.Router();
	router.use(OPEN311_BASE, (req, res, next) => {
		// Other sites' apps read the public resources from the browser.
		if (req.method === 'GET' || req.method === 'HEAD') res.setHeader('Access-Control-Allow-Origin', '*');
		next();
	});
	serviceRoutes(router, ctx);
	requestReadRoutes(router, ctx);
	requestPostRoute(router, ctx);

	// A body the parser refused (too large, bad encoding) in the specification's shape too.
	router.use(OPEN311_BASE, (error: unknown, req: Request, res: Response, next: express.NextFunction) => {
		if (!error) {
			next();
			return;
		}
		const type = (error as { type?: string }).type;
		const description = type === 'entity.too.large' ? 'The request is too large' : 'The request body could not be read';
		sendErrors(res, formatOf(req) ?? 'json', fail(400, description));
	});
	// Anything else under the API: a resource that does not exist.
	router.use(OPEN311_BASE, (req, res) => {
		sendErrors(res, formatOf(req) ?? (req.path.endsWith('.xml') ? 'xml' : 'json'), fail(404, 'No such resource in GeoReport v2'));
	});
	return router;
}

type Open311Env = Pick<Env, 'publicUrl' | 'production' | 'quotas' | 'open311'>;

interface Open311Context {
	store: Store;
	env: Open311Env;
	now: () => Date;
	/** The catalogue, noting when it last changed. */
	catalogue: () => Promise<Catalogue>;
	changeset: () => string;
}

/** Discovery and the service list: what can be reported, from the catalogue. */
function serviceRoutes(router: express.Router, ctx: Open311Context): void {
	const { env, catalogue } = ctx;
	router.get(
		`${OPEN311_BASE}/discovery.:format`,
		handle(async (_req, res, format) => {
			await catalogue();
			res.setHeader('Cache-Control', 'public, max-age=60');
			send(res, format, 200, 'discovery', {
				changeset: ctx.changeset(),
				contact: `Tawasul, the national suggestions and complaints system: ${env.publicUrl}`,
				key_service: 'API keys are issued by the national coordinators of Tawasul to the organisations that file requests.',
				endpoints: [
					{ specification: SPECIFICATION, url: `${env.publicUrl}${OPEN311_BASE}`, changeset: ctx.changeset(), type: env.production ? 'production' : 'test', formats: ['text/xml', 'application/json'] }
				]
			});
		})
	);

	router.get(
		`${OPEN311_BASE}/services.:format`,
		handle(async (_req, res, format, locale) => {
			res.setHeader('Cache-Control', 'public, max-age=60');
			send(res, format, 200, 'services', serviceList(await catalogue(), locale));
		})
	);

	router.get(
		`${OPEN311_BASE}/services/:code.:format`,
		handle(async (req, res, format, locale) => {
			const category = findService(await catalogue(), req.params.code);
			if (!category) throw fail(404, `service_code ${req.params.code} was not found`);
			res.setHeader('Cache-Control', 'public, max-age=60');
			send(res, format, 200, 'service_definition', definitionOf(category, locale));
		})
	);
}

/** Requests read by query, by id and by the token a partner got when filing. */
function requestReadRoutes(router: express.Router, ctx: Open311Context): void {
	const { store, now, catalogue } = ctx;
	router.get(
		`${OPEN311_BASE}/requests.:format`,
		handle(async (req, res, format, locale) => {
			const known = await catalogue();
			const parsed = parseRequestQuery(searchParams(req), known, now());
			const rows = parsed.kind === 'ids' ? orderedBy(parsed.ids, await requestsByRef(store, parsed.ids)) : await searchRequests(store, parsed.query);
			res.setHeader('Cache-Control', 'no-cache');
			send(
				res,
				format,
				200,
				'service_requests',
				rows.map((row) => requestOf(row, known, locale))
			);
		})
	);

	router.get(
		`${OPEN311_BASE}/requests/:id.:format`,
		handle(async (req, res, format, locale) => {
			const row = (await requestsByRef(store, [req.params.id])).at(0);
			if (!row) throw fail(404, `service_request_id ${req.params.id} was not found`);
			res.setHeader('Cache-Control', 'no-cache');
			send(res, format, 200, 'service_requests', [requestOf(row, await catalogue(), locale)]);
		})
	);

	// The updates extension: the public steps of the requests, oldest first.
	router.get(
		`${OPEN311_BASE}/servicerequestupdates.:format`,
		handle(async (req, res, format, locale) => {
			const rows = await searchUpdates(store, parseUpdatesQuery(searchParams(req), now()));
			const known = await catalogue();
			res.setHeader('Cache-Control', 'no-cache');
			send(
				res,
				format,
				200,
				'service_request_updates',
				rows.map((row) => updateOf(row, known, locale))
			);
		})
	);

	router.get(
		`${OPEN311_BASE}/tokens/:token.:format`,
		handle(async (req, res, format) => {
			const token = req.params.token;
			if (!TOKEN.test(token)) throw fail(404, `token ${token} was not found`);
			res.setHeader('Cache-Control', 'no-cache');
			const caseDoc = await getOrNull(store.use<CaseDoc>(DB.CASES), caseDocId(token));
			// Only a case filed through Open311 has its action named by its case key.
			if (caseDoc?.ref && caseDoc.applied.includes(`act:${token}`)) {
				send(res, format, 200, 'service_requests', [{ service_request_id: caseDoc.ref, token }]);
				return;
			}
			// Not routed yet: the action waits in intake. Gone from intake: the engine refused it.
			const action = await getOrNull(store.use<ActionDoc>(DB.INTAKE), `act:${token}`);
			if (action?.device_id === 'open311') {
				send(res, format, 200, 'service_requests', [{ token }]);
				return;
			}
			throw fail(404, `token ${token} was not found, or its request was refused`);
		})
	);
}

/** Filing a request with an API key, rate-limited per key. */
function requestPostRoute(router: express.Router, ctx: Open311Context): void {
	const { store, env, now, catalogue } = ctx;
	const perKey = new SlidingWindow(env.open311.keyRequestsPerMinute, 60_000);
	router.post(
		`${OPEN311_BASE}/requests.:format`,
		express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }),
		handle(async (req, res, format, locale) => {
			const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
			const at = now();
			const checked = await checkKey(store, form.api_key ?? one(searchParams(req), 'api_key'));
			if (!checked.ok) {
				const why = { missing: 'api_key was not provided', invalid: 'Invalid api_key received', revoked: 'This api_key has been revoked' }[checked.reason];
				throw fail(403, `${why} -- can't proceed with create_request.`);
			}
			if (!perKey.hit(checked.key.key_id, at.getTime())) {
				res.setHeader('Retry-After', '60');
				throw fail(429, `This api_key has sent more than ${env.open311.keyRequestsPerMinute} requests in a minute; try again later`);
			}
			await touchKey(store, checked.key, at);
			const known = await catalogue();
			const request = buildRequest(form, known, env.open311.bounds, at);
			await fileRequest(store, env.quotas, checked.key, request, at);
			send(res, format, 200, 'service_requests', [
				{ token: request.token, service_notice: t(request.action.locale ?? locale, 'open311.notice', { days: known.settings.response_days }), account_id: null }
			]);
		})
	);
}

/** Requests asked for by id come back in the order asked, each once. */
function orderedBy<T extends { ref: string }>(ids: string[], rows: T[]): T[] {
	const byRef = new Map(rows.map((row) => [row.ref, row]));
	return [...new Set(ids)].flatMap((id) => {
		const row = byRef.get(id);
		return row ? [row] : [];
	});
}
