/** npm run stats:rebuild [-- --force]
 * Recomputes every statistics bucket from the `cases` database (stats/rebuild.ts). Refuses while
 * a server's rules engine runs on the same store, unless --force. */
import { rebuildStats } from '../stats/rebuild.js';
import { args, openCliStore, run } from './common.js';

run(async () => {
	const { values } = args({ force: { type: 'boolean' } }, 'usage: npm run stats:rebuild [-- --force]');
	const store = await openCliStore();
	try {
		const started = performance.now();
		const result = await rebuildStats(store, {
			force: values.force,
			onProgress: (cases) => {
				if (process.stderr.isTTY) process.stderr.write(`\r${cases.toLocaleString('en')} cases`);
			}
		});
		if (process.stderr.isTTY) process.stderr.write('\n');
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		process.stdout.write(
			`rebuilt from ${result.cases} cases in ${seconds} s: ${result.written} buckets written, ` + `${result.deleted} removed, ${result.unchanged} already right (batch ${result.batch})\n`
		);
		return true;
	} finally {
		await store.close();
	}
});
