/** npm run report -- --from 2019-01-01 --to 2019-12-31 [--format json|csv] [--no-due excluded|on_time]
 * [--unreplied-past-due late|pending]
 * The headline figures, nationally and per entity, from the `stats` database by the dashboard's
 * own code, for scheduled reports; in JSON, also the most repeated cases of the clusters' window. Dates are local days in the national time zone, inclusive. */
import { isDay } from '../../../src/lib/domain/stats/periods.js';
import { DEFAULT_CONVENTIONS, NATIONAL, type Conventions } from '../../../src/lib/domain/stats/model.js';
import { buildReport, reportCsv } from '../../../src/lib/domain/stats/report.js';
import { entityNames, storeReader } from '../stats/store-reader.js';
import { ensureClusterDbs, mostRepeated, withoutCases } from '../clusters/store.js';
import { parseEnv } from '../env.js';
import { args, openCliStore, run, UsageError } from './common.js';

const MOST_REPEATED = 10;
const USAGE = 'usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--format json|csv] ' + '[--no-due excluded|on_time] [--unreplied-past-due late|pending]';

function choice<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
	if (value === undefined) return fallback;
	if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}\n${USAGE}`);
	return value as T;
}

run(async () => {
	const { values } = args(
		{
			from: { type: 'string' },
			to: { type: 'string' },
			format: { type: 'string' },
			'no-due': { type: 'string' },
			'unreplied-past-due': { type: 'string' }
		},
		USAGE
	);
	const from = values.from;
	const to = values.to;
	if (!from || !to || !isDay(from) || !isDay(to) || from > to) throw new UsageError(`--from and --to must be dates, from ≤ to\n${USAGE}`);
	const format = choice(values.format, ['json', 'csv'] as const, 'json', 'format');
	const conventions: Conventions = {
		noDue: choice(values['no-due'], ['excluded', 'on_time'] as const, DEFAULT_CONVENTIONS.noDue, 'no-due'),
		unrepliedPastDue: choice(values['unreplied-past-due'], ['late', 'pending'] as const, DEFAULT_CONVENTIONS.unrepliedPastDue, 'unreplied-past-due')
	};
	const store = await openCliStore();
	try {
		const report = await buildReport(storeReader(store), { from, to, conventions, names: await entityNames(store) });
		if (format === 'csv') {
			process.stdout.write(reportCsv(report));
			return true;
		}
		// The most repeated cases of the window ending now (issue 13), as the annual report page shows them.
		await ensureClusterDbs(store);
		const windowDays = parseEnv(process.env).clusterWindowDays;
		const repeated = await mostRepeated(store, NATIONAL, { windowDays, now: new Date(), limit: MOST_REPEATED });
		const most_repeated = { window_days: windowDays, clusters: repeated.map(withoutCases) };
		process.stdout.write(JSON.stringify({ ...report, most_repeated }, null, '\t') + '\n');
		return true;
	} finally {
		await store.close();
	}
});
