/** The figures the public pages show (issue 14): the annual report of `npm run report` and the
 * dashboard (src/lib/domain/stats/report.ts), for last year whole and this year so far, read from
 * the `stats` aggregates (one range read per year, never the cases). */
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { DB, type EntityDoc, type SettingsDoc } from '../../../src/lib/domain/doc-types.js';
import type { StatsReader } from '../../../src/lib/domain/stats/query.js';
import { buildReport } from '../../../src/lib/domain/stats/report.js';
import { storeReader } from '../stats/store-reader.js';
import { statusOf } from '../store-docs.js';
import type { Store } from '../store.js';
import type { PublicPeriod } from './pages.js';

export async function timeZoneOf(store: Store): Promise<string> {
	try {
		return (await store.use<SettingsDoc>(DB.CONFIG).get('settings')).time_zone;
	} catch (error) {
		if (statusOf(error) === 404) return 'Asia/Bahrain';
		throw error;
	}
}

/** The `stats` database is made with the first case counted: before it, every figure is zero. */
function readerOf(store: Store): StatsReader {
	const reader = storeReader(store);
	return {
		async range(first, last) {
			try {
				return await reader.range(first, last);
			} catch (error) {
				if (statusOf(error) === 404) return [];
				throw error;
			}
		}
	};
}

/** This year so far (to today, national time) first, then last year whole. */
export async function publicPeriods(store: Store, entities: Map<string, EntityDoc>, now: Date): Promise<PublicPeriod[]> {
	const today = localDateOf(now, await timeZoneOf(store));
	const year = Number(today.slice(0, 4));
	const names = new Map([...entities].map(([id, e]) => [id, { name_ar: e.name_ar, name_en: e.name_en }]));
	const reader = readerOf(store);
	const ranges = [
		{ year, complete: false, from: `${year}-01-01`, to: today },
		{ year: year - 1, complete: true, from: `${year - 1}-01-01`, to: `${year - 1}-12-31` }
	];
	return Promise.all(ranges.map(async ({ year, complete, from, to }) => ({ year, complete, report: await buildReport(reader, { from, to, names, now }) })));
}
