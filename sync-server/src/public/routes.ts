/** The public pages without sign-in (issue 14): `/public` (Arabic), `/public/en`, the figures
 * `/public/figures`, `/public/en/figures` and `/public/figures.json`, and `/sitemap.xml`. They take no input but their path, so a request cannot make them do more work;
 * what they show is read with one `_all_docs` range of at most PUBLIC_LIST_MAX documents and held
 * in memory for CACHE_MS (dropped at once when this instance publishes), so a crowd of readers or
 * of crawlers costs the store one read per period. Responses carry an ETag and may be cached by
 * browsers and proxies: they hold nothing personal. */
import { createHash } from 'node:crypto';
import express from 'express';
import { DB, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { isShownPublicly, type PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { listPublished } from './moderation.js';
import type { Store } from '../store.js';
import type { Locale } from '../rating/i18n.js';
import { publicPeriods } from './figures.js';
import { FIGURES_JSON_PATH, FIGURES_PATHS, PUBLIC_PATHS, renderFigures, renderPublicList, renderSitemap, type PublicPeriod } from './pages.js';

/** The newest implemented suggestions shown; more than a national year's worth. */
export const PUBLIC_LIST_MAX = 500;
export const CACHE_MS = 30_000;
/** Browsers and proxies: fresh for five minutes, served stale for a day while they revalidate. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

interface Snapshot {
	at: number;
	suggestions: PublicSuggestionDoc[];
	entities: Map<string, EntityDoc>;
	periods: PublicPeriod[];
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

export function publicPages(deps: { store: Store; publicUrl: string; now?: () => number }): PublicPages {
	const now = deps.now ?? Date.now;
	const publicUrl = deps.publicUrl.replace(/\/+$/, '');
	let snapshot: Promise<Snapshot> | null = null;

	function current(): Promise<Snapshot> {
		const held = snapshot;
		if (held) return held.then((s) => (now() - s.at < CACHE_MS ? s : refresh()));
		return refresh();
	}
	function refresh(): Promise<Snapshot> {
		const at = now();
		const next = Promise.all([readSuggestions(deps.store), readEntities(deps.store)]).then(async ([suggestions, entities]) => ({
			at,
			suggestions,
			entities,
			periods: await publicPeriods(deps.store, entities, new Date(at))
		}));
		snapshot = next;
		// A failed read is not kept: the next reader tries again.
		next.catch(() => {
			if (snapshot === next) snapshot = null;
		});
		return next;
	}

	function send(req: express.Request, res: express.Response, type: string, body: string): void {
		const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
		res.setHeader('Cache-Control', PUBLIC_CACHE_CONTROL);
		res.setHeader('ETag', etag);
		res.setHeader('Vary', 'Accept-Encoding');
		if (req.headers['if-none-match'] === etag) {
			res.status(304).end();
			return;
		}
		res.type(type).send(body);
	}

	const router = express.Router();
	for (const locale of ['ar', 'en'] as Locale[]) {
		router.get(PUBLIC_PATHS[locale], async (req, res, next) => {
			try {
				const { suggestions, entities } = await current();
				send(req, res, 'text/html; charset=utf-8', renderPublicList({ locale, publicUrl, suggestions, entities }));
			} catch (error) {
				next(error);
			}
		});
	}
	for (const locale of ['ar', 'en'] as Locale[]) {
		router.get(FIGURES_PATHS[locale], async (req, res, next) => {
			try {
				const { periods } = await current();
				send(req, res, 'text/html; charset=utf-8', renderFigures({ locale, publicUrl, periods }));
			} catch (error) {
				next(error);
			}
		});
	}
	router.get(FIGURES_JSON_PATH, async (req, res, next) => {
		try {
			const { periods } = await current();
			send(req, res, 'application/json; charset=utf-8', JSON.stringify({ periods }));
		} catch (error) {
			next(error);
		}
	});
	router.get('/sitemap.xml', async (req, res, next) => {
		try {
			const { suggestions } = await current();
			const latest = suggestions.reduce<string | null>((max, s) => (max === null || s.published_at > max ? s.published_at : max), null);
			send(req, res, 'application/xml; charset=utf-8', renderSitemap(publicUrl, latest));
		} catch (error) {
			next(error);
		}
	});
	return {
		router,
		invalidate() {
			snapshot = null;
		}
	};
}
