import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGazetteerGrid } from '../../../tests/fixtures/gazetteer.js';
import { parseEnv } from '../env.js';
import { loadGazetteer, parseGazetteerEnv } from './config.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-gazetteer-'));
const good = writeGazetteerGrid(dir, { columns: 2, rows: 2, sideM: 300, roadsPerBlock: 1 });
const write = (name: string, text: string) => {
	fs.writeFileSync(path.join(dir, name), text);
	return path.join(dir, name);
};
const refusal = (file: string, problem: string) => new RegExp(`^Environment variable GAZETTEER_FILE: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${problem}`);

afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('GAZETTEER_FILE', () => {
	it('is off when unset or empty', () => {
		expect(parseEnv({}).gazetteer).toBeNull();
		expect(parseEnv({ GAZETTEER_FILE: ' ' }).gazetteer).toBeNull();
	});

	it('reads, checks and indexes the file, a relative path from the working folder', () => {
		const gazetteer = parseGazetteerEnv({ GAZETTEER_FILE: path.basename(good) }, dir);
		expect([gazetteer?.blockCount, gazetteer?.roadCount]).toEqual([4, 4]);
		expect(parseEnv({ GAZETTEER_FILE: good }).gazetteer?.blockCount).toBe(4);
	});

	it.each([
		['a missing file', () => path.join(dir, 'missing.geojson'), 'cannot be read \\(no such file\\)'],
		['a folder', () => dir, 'cannot be read \\(it is a folder, not a file\\)'],
		['a file that is not JSON', () => write('broken.geojson', '{"type": "FeatureCollection", "features": ['), 'is not JSON \\('],
		['JSON that is not GeoJSON', () => write('list.json', '[1, 2]'), 'expected a GeoJSON FeatureCollection'],
		[
			'a bad feature',
			() =>
				write(
					'bad.geojson',
					JSON.stringify({
						type: 'FeatureCollection',
						features: [
							{
								type: 'Feature',
								properties: {},
								geometry: {
									type: 'LineString',
									coordinates: [
										[50.5, 26.2],
										[50.6, 26.2]
									]
								}
							}
						]
					})
				),
			'1 of 1 features are not usable; feature 0: LineString without a road number'
		]
	])('refuses %s, naming the file and the problem', (_name, file, problem) => {
		const path = file();
		expect(() => parseEnv({ GAZETTEER_FILE: path })).toThrow(refusal(path, problem));
	});

	it('refuses a file larger than the limit before reading it', () => {
		expect(() => loadGazetteer(good, 1024)).toThrow(/^is 0\.0 MB, more than the .* MB a gazetteer file may be$/);
		expect(loadGazetteer(good, fs.statSync(good).size).blockCount).toBe(4);
	});
});
