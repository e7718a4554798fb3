import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SIMILAR_THRESHOLD } from '../../../src/lib/domain/similar.js';
import { measure, PairsFormatError, parsePairs } from '../similar/pairs.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'tests/fixtures/similar/bahrain-complaint-pairs.tsv');
const exec = promisify(execFile);

async function similar(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/similar.ts', ...argv], { cwd: ROOT });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

describe('npm run similar -- --pairs FILE', () => {
	it('measures the production similarity on the Bahraini complaint paraphrases', async () => {
		const { code, stdout } = await similar('--pairs', FIXTURE);
		expect(code).toBe(0);
		const lines = stdout.trim().split('\n');
		expect(lines).toHaveLength(1);
		const result = JSON.parse(lines[0]);
		expect(Object.keys(result)).toEqual(['pairs', 'precision', 'recall', 'f1', 'threshold']);
		expect(result.pairs).toBe(80);
		expect(result.threshold).toBe(SIMILAR_THRESHOLD);
		// The figure measured with the fitted model (docs/similar.md); a drop is a regression.
		expect(result.f1).toBeGreaterThanOrEqual(0.87);
		expect(result.recall).toBeGreaterThanOrEqual(0.85);
	});

	it('refuses a file without the header, a bad label, a missing file or no --pairs, with a message', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'similar-'));
		const noHeader = path.join(dir, 'no-header.tsv');
		writeFileSync(noHeader, '1\tا\tب\n');
		const badLabel = path.join(dir, 'bad-label.tsv');
		writeFileSync(badLabel, 'label\ttext_a\ttext_b\n2\tا\tب\n');
		const cases = [
			[['--pairs', noHeader], /header/],
			[['--pairs', badLabel], /line 2/],
			[['--pairs', path.join(dir, 'absent.tsv')], /cannot read/],
			[[], /usage/]
		] as const;
		const results = await Promise.all(cases.map(([argv]) => similar(...argv)));
		results.forEach(({ code, stdout, stderr }, i) => {
			expect(code).toBe(1);
			expect(stdout).toBe('');
			expect(stderr).toMatch(cases[i][1]);
		});
	});
});

describe('parsePairs and measure', () => {
	it('reads labels and texts, skipping blank lines and a byte-order mark', () => {
		expect(parsePairs('\uFEFFlabel\ttext_a\ttext_b\r\n1\tا\tب\r\n\r\n0\tج\tد\n')).toEqual([
			{ same: true, a: 'ا', b: 'ب' },
			{ same: false, a: 'ج', b: 'د' }
		]);
		expect(() => parsePairs('label\ttext_a\ttext_b\n1\tonly one text\n')).toThrow(PairsFormatError);
	});

	it('counts precision, recall and F1 at the threshold', () => {
		const scores = [
			{ same: true, score: 0.9 },
			{ same: true, score: 0.2 },
			{ same: false, score: 0.7 },
			{ same: false, score: 0.1 }
		];
		expect(measure(scores, 0.5)).toEqual({ pairs: 4, precision: 0.5, recall: 0.5, f1: 0.5, threshold: 0.5 });
		expect(measure([], 0.5)).toEqual({ pairs: 0, precision: 0, recall: 0, f1: 0, threshold: 0.5 });
	});
});
