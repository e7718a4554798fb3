/** npm run import -- --map <mapping.json> [--encoding windows-1256] [--create-entities] [--dry-run]
 * [--rejects rejects.csv] <file.csv>
 * Loads a legacy system's cases (docs/import/README.md). A progress bar goes to stderr, the summary
 * to stdout; exit status 2 when some rows were rejected, so a scheduled job notices. */
import fs from 'node:fs';
import { importCsv, type Progress } from '../import/importer.js';
import { MappingError, parseMapping } from '../import/mapping.js';
import type { Rejection } from '../import/rows.js';
import { args, openCliStore, run, UsageError } from './common.js';

const USAGE = 'usage: npm run import -- --map <mapping.json> [--encoding utf-8|windows-1256|…] [--create-entities] [--dry-run] [--rejects <file.csv>] <file.csv>';
const SHOWN = 20;

function progressBar(): (p: Progress) => void {
	const tty = process.stderr.isTTY;
	let last = 0;
	let lastStep = -1;
	return (p) => {
		const fraction = p.total ? Math.min(1, p.bytes / p.total) : 1;
		const text = `${(fraction * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString('en')} rows  ${p.rejected.toLocaleString('en')} rejected`;
		if (tty) {
			const now = Date.now();
			if (now - last < 100 && fraction < 1) return;
			last = now;
			const width = 30;
			const done = Math.round(fraction * width);
			process.stderr.write(`\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${text}`);
		} else {
			// A log file gets a line every tenth, not a line per chunk.
			const step = Math.floor(fraction * 10);
			if (step === lastStep) return;
			lastStep = step;
			process.stderr.write(`${text}\n`);
		}
	};
}

const csvField = (v: string | number | undefined) => {
	const text = v === undefined ? '' : String(v);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

run(async () => {
	const { values, positionals } = args(
		{
			map: { type: 'string' },
			encoding: { type: 'string' },
			'create-entities': { type: 'boolean' },
			'dry-run': { type: 'boolean' },
			rejects: { type: 'string' }
		},
		USAGE
	);
	if (!values.map || positionals.length !== 1) throw new UsageError(USAGE);
	const file = positionals[0];
	if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
	let mapping;
	try {
		mapping = parseMapping(JSON.parse(fs.readFileSync(values.map, 'utf8')));
	} catch (error) {
		throw new UsageError(`mapping ${values.map}: ${(error as Error).message}`);
	}
	const rejects = values.rejects ? fs.createWriteStream(values.rejects) : null;
	rejects?.write('line,code,row_id,detail\r\n');
	const store = await openCliStore();
	try {
		const summary = await importCsv(store, {
			mapping,
			file,
			encoding: values.encoding,
			createEntities: values['create-entities'],
			dryRun: values['dry-run'],
			onProgress: progressBar(),
			onRejection: (r: Rejection) => rejects?.write([r.line, r.code, r.row_id, r.detail].map(csvField).join(',') + '\r\n')
		});
		if (process.stderr.isTTY) process.stderr.write('\n');
		const lines = [
			`${summary.dry_run ? 'checked (dry run, nothing written)' : 'imported'}: ${file}`,
			`rows ${summary.rows}: created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}`
		];
		if (summary.entities_created.length) lines.push(`entities created (inactive): ${summary.entities_created.join(', ')}`);
		if (summary.categories_created.length) lines.push(`categories created: ${summary.categories_created.length}`);
		for (const [code, n] of Object.entries(summary.rejected_by_code)) lines.push(`  ${code}: ${n}`);
		for (const r of summary.rejections.slice(0, SHOWN)) lines.push(`  line ${r.line}${r.row_id ? ` (${r.row_id})` : ''}: ${r.code} — ${r.detail}`);
		if (summary.rejected > SHOWN) lines.push(`  … ${summary.rejected - SHOWN} more${values.rejects ? ` in ${values.rejects}` : ' (--rejects <file.csv> lists them all)'}`);
		process.stdout.write(lines.join('\n') + '\n');
		return summary.rejected === 0;
	} catch (error) {
		if (error instanceof MappingError) throw new UsageError(`mapping ${values.map}: ${error.message}`);
		throw error;
	} finally {
		await new Promise<void>((resolve) => {
			if (rejects) rejects.end(resolve);
			else resolve();
		});
		await store.close();
	}
});
