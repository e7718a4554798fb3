/** The public pages (issue 14) over 1,000,000 cases of last year and this year, through the real
 * server over HTTP, on the store the bench runs on (COUCHDB_URL, else embedded):
 * - public.page_ttfb_p95_ms: time to the first byte of `/public`, `/public/en`, `/public/figures`,
 *   `/public/en/figures` and `/public/figures.json`, as readers and crawlers ask for them;
 * - public.page_cold_ms: the first of them after the server started, which reads everything the
 *   pages hold (the published suggestions, the entities, the figures of both years);
 * - public.refresh_ms: that read alone, as each instance repeats it every 30 seconds at most;
 * - public.reports_cold_ms and public.reports_refresh_ms: the read of the public places reported
 *   (`/public/reports`) over BENCH_PUBLIC_REPORTS (default 15,000) case documents of public-place
 *   categories filed in the last 90 days, the first one building the view, then as refreshed.
 * The million cases are aggregated into `stats` through the engine's own facts and bucket code
 * (as bench/stats.ts does); 500 implemented suggestions are published. */
import { randomUUID } from 'node:crypto';
import { DB, type CaseDoc, type CategoryDoc, type EntityDoc } from '../src/lib/domain/doc-types.js';
import { PUBLIC_REPORTS_MAX } from '../src/lib/domain/public-reports.js';
import { STATS_DB } from '../src/lib/domain/stats/model.js';
import { publicSuggestionDocId, type PublicSuggestionDoc } from '../src/lib/domain/suggestion.js';
import { publicPeriods } from '../sync-server/src/public/figures.js';
import { listPublished } from '../sync-server/src/public/moderation.js';
import { readPublicReports } from '../sync-server/src/public/reports.js';
import type { Store } from '../sync-server/src/store.js';
import { BucketSet } from '../sync-server/src/stats/buckets.js';
import { caseFacts } from '../sync-server/src/stats/facts.js';
import { startInProcess } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { bulkWrite, generateCases } from './stats.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const CASES = Number(process.env.BENCH_PUBLIC_CASES ?? 1_000_000);
const SUGGESTIONS = 500;
const REQUESTS = Number(process.env.BENCH_PUBLIC_REQUESTS ?? 500);
/** A national quarter of public-place reports: 180,000 cases a year, about a third of them. */
const REPORTS = Number(process.env.BENCH_PUBLIC_REPORTS ?? 15_000);
const PAGES = ['/public', '/public/en', '/public/figures', '/public/en/figures', '/public/figures.json', '/public/reports', '/public/en/reports'];

async function ttfb(url: string): Promise<number> {
	const start = performance.now();
	const response = await fetch(url);
	const ms = performance.now() - start;
	await response.arrayBuffer();
	if (!response.ok) throw new Error(`${url} answered ${response.status}`);
	return ms;
}

function suggestions(categories: CategoryDoc[], lastYear: number): PublicSuggestionDoc[] {
	return Array.from({ length: SUGGESTIONS }, (_, i) => {
		const category = categories[i % categories.length];
		const day = `${lastYear + (i % 2)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
		const id = randomUUID();
		return {
			_id: publicSuggestionDocId(day, id),
			type: 'public_suggestion',
			public_id: id,
			entity_id: category.entity_id,
			category_id: category.category_id,
			title: `اقتراح رقم ${i}: تظليل مواقف الحافلات في الشارع ${i % 90}`,
			change: 'رُكّبت مظلات في جميع مواقف الحافلات على الشارع، وأُضيفت مقاعد ومياه للشرب. '.repeat(3),
			implemented_on: day,
			proposed_on: day,
			proposer_name: i % 3 === 0 ? 'فاطمة السيد' : null,
			published_at: `${day}T09:00:00.000Z`
		};
	});
}

/** Public-place cases of the last 90 days, each with a place in the country, in the cases
 * database as the engine writes them; then the page's read, first and as refreshed. */
async function benchReports(store: Store, categories: CategoryDoc[], now: Date): Promise<void> {
	const publicPlaces = categories.filter((c) => c.public_place);
	const from = new Date(now.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
	const docs: CaseDoc[] = [];
	let i = 0;
	for (const c of generateCases(REPORTS, publicPlaces, 5, [from, now.toISOString().slice(0, 10)])) {
		// A spread over the main island, a few hundred areas of about a kilometre.
		docs.push({ ...c, location: { lat: 26.0 + ((i * 7919) % 2500) / 10_000, lng: 50.45 + ((i * 104_729) % 1500) / 10_000 } });
		i++;
	}
	await bulkWrite(store, DB.CASES, docs);
	const first = performance.now();
	const cold = await readPublicReports(store, now, 'Asia/Bahrain');
	emit({ name: 'public.reports_cold_ms', value: Math.round(performance.now() - first), unit: 'ms', cases: REPORTS, areas: cold.reports.areas.length });
	if (cold.reports.total !== Math.min(REPORTS, PUBLIC_REPORTS_MAX)) throw new Error(`the reports page counted ${cold.reports.total} of ${REPORTS}`);
	const times: number[] = [];
	for (let n = 0; n < 10; n++) {
		const start = performance.now();
		await readPublicReports(store, now, 'Asia/Bahrain');
		times.push(performance.now() - start);
	}
	emit({ name: 'public.reports_refresh_ms', value: Math.round(percentile(times, 50)), unit: 'ms', p95_ms: Math.round(percentile(times, 95)), cases: REPORTS, read_every_s: 300 });
}

export async function benchPublic(): Promise<void> {
	const place = benchPlace('public');
	const server = await startInProcess(benchServerEnv(place));
	try {
		const config = await server.store.use<CategoryDoc | EntityDoc>(DB.CONFIG).list({ include_docs: true });
		const categories = config.rows.flatMap((r) => (r.doc?.type === 'category' ? [r.doc] : []));
		const entities = new Map(config.rows.flatMap((r) => (r.doc?.type === 'entity' ? [[r.doc.entity_id, r.doc] as const] : [])));
		const now = new Date();
		const year = now.getUTCFullYear();
		const ctx = { timeZone: 'Asia/Bahrain', weekStart: 0, now };
		const buckets = new BucketSet();
		let counted = 0;
		for (const c of generateCases(CASES, categories, 3, [`${year - 1}-01-01`, now.toISOString().slice(0, 10)])) {
			buckets.add(caseFacts(c, ctx));
			// The server shares this process: let it close idle connections meanwhile, or the first
			// write after a long count would go out on a socket it has already closed.
			if (++counted % 20_000 === 0) await new Promise((resolve) => setImmediate(resolve));
		}
		await bulkWrite(server.store, STATS_DB, [...buckets.docs.values()]);
		await server.store.ensureDb(DB.PUBLIC);
		await bulkWrite(server.store, DB.PUBLIC, suggestions(categories, year - 1));
		await benchReports(server.store, categories, now);

		const cold = await ttfb(`${server.base}/public/figures`);
		emit({ name: 'public.page_cold_ms', value: Math.round(cold), unit: 'ms', cases: CASES, suggestions: SUGGESTIONS, stats_documents: buckets.docs.size });

		const times: number[] = [];
		for (let i = 0; i < REQUESTS; i++) times.push(await ttfb(`${server.base}${PAGES[i % PAGES.length]}`));
		emit({
			name: 'public.page_ttfb_p95_ms',
			value: Math.round(percentile(times, 95) * 10) / 10,
			unit: 'ms',
			p50_ms: Math.round(percentile(times, 50) * 10) / 10,
			requests: REQUESTS,
			pages: PAGES.length,
			cases: CASES,
			target_ms: 100
		});

		const refreshes: number[] = [];
		for (let i = 0; i < 10; i++) {
			const start = performance.now();
			const [periods, published] = await Promise.all([publicPeriods(server.store, entities, now), listPublished(server.store, SUGGESTIONS)]);
			if (published.length !== SUGGESTIONS || periods.length !== 2) throw new Error('the public pages read less than was written');
			refreshes.push(performance.now() - start);
		}
		emit({ name: 'public.refresh_ms', value: Math.round(percentile(refreshes, 50)), unit: 'ms', p95_ms: Math.round(percentile(refreshes, 95)), cases: CASES, cache_s: 30 });
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
