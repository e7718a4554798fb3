/** The public pages without sign-in (issue 14): `/public` (Arabic), `/public/en`, the figures
 * `/public/figures`, `/public/en/figures` and `/public/figures.json`, the public-place reports on a
 * map `/public/reports` and `/public/en/reports`, and `/sitemap.xml`. They
 * take no input but their path, so a request cannot make them do more work;
 * what they show is read with one `_all_docs` range of at most PUBLIC_LIST_MAX documents and held
 * in memory for CACHE_MS (dropped at once when this instance publishes or a coordinator changes
 * what is published; the public places reported, the one read that grows with the cases, for
 * REPORTS_MS), each page rendered once from it; past CACHE_MS the held pages are still
 * served while the next read runs, so a crowd of readers or of crawlers costs the store one read
 * per period and no reader waits for it. Responses carry an ETag and may be cached by
 * browsers and proxies: they hold nothing personal. */
import { createHash } from 'node:crypto';
import express from 'express';
import { DB, type CategoryDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { isShownPublicly, type PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { listPublished } from './moderation.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import type { Locale } from '../rating/i18n.js';
import { publicPeriods, timeZoneOf } from './figures.js';
import { FIGURES_JSON_PATH, FIGURES_PATHS, PUBLIC_PATHS, REPORTS_PATHS, renderFigures, renderPublicList, renderSitemap, type PublicPeriod } from './pages.js';
import { PHOTO_ROUTE, publicPhotos } from './photos.js';
import { readPublicReports } from './reports.js';
import { renderReports, type ReportsPage } from './reports-page.js';
import { DEFAULT_COUNTRY_BOUNDS } from '../../../src/lib/domain/geo.js';

/** The newest implemented suggestions shown; more than a national year's worth. */
const PUBLIC_LIST_MAX = 500;
export const CACHE_MS = 30_000;
/** The public places reported are read again at most this often: their read goes through every
 * report of three months, and a few minutes change nothing a reader of the map would see. */
const REPORTS_MS = 5 * 60_000;
/** Browsers and proxies: fresh for five minutes, served stale for a day while they revalidate. */
const PUBLIC_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

interface Snapshot {
	at: number;
	suggestions: PublicSuggestionDoc[];
	entities: Map<string, EntityDoc>;
	periods: PublicPeriod[];
	/** Null until the first read of them is done (see `latestReports`). */
	reports: Awaited<ReturnType<typeof readPublicReports>> | null;
	/** Each page rendered once per snapshot, with its ETag. */
	rendered: Map<string, Rendered>;
}

interface Rendered {
	type: string;
	body: string;
	etag: string;
}

export interface PublicPages {
	router: express.Router;
	/** Forgets what is held, so the next reader sees a suggestion just published. */
	invalidate(): void;
}

async function readSuggestions(store: Store): Promise<PublicSuggestionDoc[]> {
	return (await listPublished(store, PUBLIC_LIST_MAX)).filter(isShownPublicly);
}

async function readEntities(store: Store): Promise<Map<string, EntityDoc>> {
	const rows = await store.use<EntityDoc>(DB.CONFIG).list({ startkey: 'entity:', endkey: 'entity:\uffff', include_docs: true });
	return new Map(rows.rows.flatMap((row) => (row.doc?.type === 'entity' ? [[row.doc.entity_id, row.doc] as const] : [])));
}

/** The held snapshot and the read under way: one read at a time, whoever asks; readers never
 * wait for a refresh once there is something to show. */
type ReadReports = typeof readPublicReports;

function snapshots(deps: { store: Store; now: () => number; readReports: ReadReports }): { current(): Promise<Snapshot>; invalidate(): void } {
	const { now } = deps;
	/** What is served; a stale one still is, while the next is read. */
	let snapshot: Promise<Snapshot> | null = null;
	/** The read under way, if any. */
	let pending: Promise<Snapshot> | null = null;
	/** The public places reported last read, kept across snapshots for REPORTS_MS, and the read
	 * under way. They are read beside the snapshots, never in their way: the first read on a store
	 * of many cases builds their view, which may take a minute, and the other pages do not wait
	 * for it; until it is done the map says it is being prepared. */
	let reports: { at: number; value: NonNullable<Snapshot['reports']> } | null = null;
	let reportsPending: Promise<unknown> | null = null;

	function latestReports(at: number, timeZone: string): Snapshot['reports'] {
		if (!reportsPending && (!reports || at - reports.at >= REPORTS_MS)) {
			reportsPending = deps
				.readReports(deps.store, new Date(at), timeZone)
				.then(
					(value) => {
						// The first map replaces the page that said it was being prepared at once, in the
						// snapshot held: the other pages are not read again for it.
						if (!reports)
							void snapshot?.then((held) => {
								withReports(held, value);
							});
						reports = { at, value };
					},
					(error: unknown) => {
						log.warn('public places reported could not be read', { error: (error as Error | null)?.message });
					}
				)
				.finally(() => (reportsPending = null));
		}
		return reports?.value ?? null;
	}

	function read(): Promise<Snapshot> {
		if (pending) return pending;
		const at = now();
		const started = Promise.all([readSuggestions(deps.store), readEntities(deps.store), timeZoneOf(deps.store)]).then(async ([suggestions, entities, timeZone]) => ({
			at,
			suggestions,
			entities,
			periods: await publicPeriods(deps.store, entities, new Date(at)),
			reports: latestReports(at, timeZone),
			rendered: new Map<string, Rendered>()
		}));
		pending = started;
		// A failed read is not kept: the next reader tries again, and a stale snapshot stays served.
		started
			.then(
				(fresh) => {
					// The first reports may have come in while this read ran.
					if (reports) withReports(fresh, reports.value);
					if (pending === started) snapshot = Promise.resolve(fresh);
				},
				(error: unknown) => {
					log.warn('public pages could not be read', { error: (error as Error | null)?.message });
				}
			)
			.finally(() => {
				if (pending === started) pending = null;
			});
		return started;
	}

	return {
		/** Past CACHE_MS the held snapshot is served while the next is read in the background
		 * (stale-while-revalidate). */
		current() {
			const held = snapshot;
			if (!held) return read();
			return held.then((s) => {
				if (now() - s.at >= CACHE_MS) read().catch(() => undefined);
				return s;
			});
		},
		invalidate() {
			snapshot = null;
			pending = null;
		}
	};
}

/** The snapshot with the first reports read, when it was made before them: the page rendered
 * from it without them is dropped. */
function withReports(s: Snapshot, value: NonNullable<Snapshot['reports']>): void {
	if (s.reports) return;
	s.reports = value;
	for (const key of [...s.rendered.keys()]) if (key.startsWith('reports:')) s.rendered.delete(key);
}

/** A page of a snapshot, rendered the first time it is asked for. */
function rendered(s: Snapshot, key: string, type: string, render: () => string): Rendered {
	let page = s.rendered.get(key);
	if (!page) {
		const body = render();
		page = { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
		s.rendered.set(key, page);
	}
	return page;
}

/** A page that will change in a moment (the map being prepared) is not to be kept by proxies. */
function send(req: express.Request, res: express.Response, page: Rendered, lasting = true): void {
	res.setHeader('Cache-Control', lasting ? PUBLIC_CACHE_CONTROL : 'no-cache');
	res.setHeader('ETag', page.etag);
	res.setHeader('Vary', 'Accept-Encoding');
	if (req.headers['if-none-match'] === page.etag) {
		res.status(304).end();
		return;
	}
	res.type(page.type).send(page.body);
}

const HTML = 'text/html; charset=utf-8';

export function publicPages(deps: { store: Store; publicUrl: string; now?: () => number; map?: ReportsPage['map']; readReports?: ReadReports }): PublicPages {
	const map = deps.map ?? { tileUrl: null, attribution: '', bounds: DEFAULT_COUNTRY_BOUNDS };
	const publicUrl = deps.publicUrl.replace(/\/+$/, '');
	const held = snapshots({ store: deps.store, now: deps.now ?? Date.now, readReports: deps.readReports ?? readPublicReports });
	const router = express.Router();
	/** One page: its path, its key in the snapshot, its type and how it is rendered. */
	const page = (path: string, key: string, type: string, render: (s: Snapshot) => string, lasting: (s: Snapshot) => boolean = () => true) => {
		const serve = async (req: express.Request, res: express.Response, next: express.NextFunction) => {
			try {
				const s = await held.current();
				send(
					req,
					res,
					rendered(s, key, type, () => render(s)),
					lasting(s)
				);
			} catch (error) {
				next(error);
			}
		};
		// Express 4 does not wait for the promise: `serve` hands its own failure to next().
		router.get(path, (req, res, next) => {
			void serve(req, res, next);
		});
	};
	for (const locale of ['ar', 'en'] as Locale[]) {
		page(PUBLIC_PATHS[locale], `list:${locale}`, HTML, (s) => renderPublicList({ locale, publicUrl, suggestions: s.suggestions, entities: s.entities }));
		page(FIGURES_PATHS[locale], `figures:${locale}`, HTML, (s) => renderFigures({ locale, publicUrl, periods: s.periods }));
		page(
			REPORTS_PATHS[locale],
			`reports:${locale}`,
			HTML,
			(s) => renderReports({ locale, publicUrl, reports: s.reports?.reports ?? null, categories: s.reports?.categories ?? new Map<string, CategoryDoc>(), entities: s.entities, map }),
			(s) => s.reports !== null
		);
	}
	const photos = publicPhotos({ store: deps.store });
	router.get(PHOTO_ROUTE, (req, res, next) => {
		photos(req, res, async () => (await held.current()).reports?.photos ?? null).catch(next);
	});
	page(FIGURES_JSON_PATH, 'figures.json', 'application/json; charset=utf-8', (s) => JSON.stringify({ periods: s.periods }));
	page('/sitemap.xml', 'sitemap', 'application/xml; charset=utf-8', (s) => {
		const latest = s.suggestions.reduce<string | null>((max, one) => (max === null || one.published_at > max ? one.published_at : max), null);
		return renderSitemap(publicUrl, latest);
	});
	return {
		router,
		invalidate: () => {
			held.invalidate();
		}
	};
}
