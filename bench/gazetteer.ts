/** Block and road numbers (issue 15) over a generated gazetteer of Bahrain's size: 2,000 square
 * blocks of 500 m in Manama, each crossed by ten roads (20,000 roads). `gazetteer.load_ms` is the
 * start-up's cost of GAZETTEER_FILE (read, check every feature, index); `gazetteer.lookup_p95_ms`
 * one lookup of a pin anywhere over the grid and a little around it, in the server's process;
 * `gazetteer.request_p95_ms` the same asked over HTTP of the real server (GET /api/gazetteer),
 * shared among a few citizens within the per-person quota. */
import fs from 'node:fs';
import { gazetteerGrid, pointIn, type GridOptions } from '../tests/fixtures/gazetteer.js';
import { signInCitizen, startInProcess, type Session } from '../tests/integration/harness.js';
import { loadGazetteer } from '../sync-server/src/gazetteer/config.js';
import { GAZETTEER_PER_MINUTE } from '../sync-server/src/http/gazetteer-routes.js';
import { emit, percentile, seededRandom } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const GRID: GridOptions = { columns: 50, rows: 40, sideM: 500, roadsPerBlock: 10 };
const LOOKUPS = 20_000;
const CITIZENS = 5;

const round = (ms: number, places = 1) => Math.round(ms * 10 ** places) / 10 ** places;

export async function benchGazetteer(): Promise<void> {
	const place = benchPlace('gazetteer');
	const file = `${place.dataDir}/gazetteer.geojson`;
	fs.writeFileSync(file, JSON.stringify(gazetteerGrid(GRID)));
	const next = seededRandom(15);
	// A tenth of the pins fall outside the grid, where the lookup finds nothing.
	const pin = () => pointIn(GRID, -2 + next() * (GRID.columns + 4), -2 + next() * (GRID.rows + 4), 0, 0);
	try {
		const started = performance.now();
		const gazetteer = loadGazetteer(file);
		emit({
			name: 'gazetteer.load_ms',
			value: Math.round(performance.now() - started),
			unit: 'ms',
			blocks: gazetteer.blockCount,
			roads: gazetteer.roadCount,
			file_mb: round(fs.statSync(file).size / 1024 / 1024)
		});

		const times: number[] = [];
		let withRoad = 0;
		for (let i = 0; i < LOOKUPS; i++) {
			const point = pin();
			const t0 = performance.now();
			const found = gazetteer.lookup(point);
			times.push(performance.now() - t0);
			if (found?.road) withRoad++;
		}
		emit({
			name: 'gazetteer.lookup_p95_ms',
			value: round(percentile(times, 95), 4),
			unit: 'ms',
			blocks: gazetteer.blockCount,
			roads: gazetteer.roadCount,
			lookups: LOOKUPS,
			p50_ms: round(percentile(times, 50), 4),
			with_road: round(withRoad / LOOKUPS, 2)
		});

		const server = await startInProcess({ ...benchServerEnv(place), GAZETTEER_FILE: file });
		try {
			const citizens: Session[] = [];
			for (let i = 0; i < CITIZENS; i++) citizens.push(await signInCitizen(server.base, `+9733691${String(i).padStart(4, '0')}`));
			const requests: number[] = [];
			for (let i = 0; i < CITIZENS * GAZETTEER_PER_MINUTE; i++) {
				const point = pin();
				const t0 = performance.now();
				const response = await fetch(`${server.base}/api/gazetteer?lat=${point.lat.toFixed(6)}&lng=${point.lng.toFixed(6)}`, { headers: { cookie: citizens[i % CITIZENS].cookie } });
				await response.arrayBuffer();
				if (response.status !== 200 && response.status !== 404) throw new Error(`lookup answered ${response.status}`);
				requests.push(performance.now() - t0);
			}
			emit({ name: 'gazetteer.request_p95_ms', value: round(percentile(requests, 95)), unit: 'ms', requests: requests.length, p50_ms: round(percentile(requests, 50)) });
		} finally {
			await server.stop();
		}
	} finally {
		await removeBenchPlace(place);
	}
}
