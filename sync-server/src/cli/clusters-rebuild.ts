/** npm run clusters:rebuild [-- --force]
 * Recomputes the repeated-case clusters from the `cases` database (clusters/rebuild.ts), keeping
 * what managers decided about each cluster found again. Refuses while a server's rules engine runs
 * on the same store, unless --force. The window is CLUSTER_WINDOW_DAYS, as for the server. */
import { rebuildClusters } from '../clusters/rebuild.js';
import { parseEnv } from '../env.js';
import { args, openCliStore, run } from './common.js';

run(async () => {
	const { values } = args({ force: { type: 'boolean' } }, 'usage: npm run clusters:rebuild [-- --force]');
	const windowDays = parseEnv(process.env).clusterWindowDays;
	const store = await openCliStore();
	try {
		const started = performance.now();
		const result = await rebuildClusters(store, {
			force: values.force,
			windowDays,
			onProgress: (cases) => {
				if (process.stderr.isTTY) process.stderr.write(`\r${cases.toLocaleString('en')} cases`);
			}
		});
		if (process.stderr.isTTY) process.stderr.write('\n');
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		process.stdout.write(
			`clustered ${result.cases} cases in ${seconds} s: ${result.clusters} clusters, ${result.repeated} of two cases or more` +
				(result.studies_lost ? `; ${result.studies_lost} studied clusters not found again` : '') +
				'\n'
		);
		return result.studies_lost === 0;
	} finally {
		await store.close();
	}
});
