/** Block and road numbers of a pin (issue 15) on the real server: GAZETTEER_FILE set to a generated
 * gazetteer in Manama, GET /api/gazetteer for a citizen and for staff, refused without a session,
 * for bad coordinates and past the per-person quota; a server without the file says it is off, and
 * a server given a broken file does not start. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockNumber, gazetteerGrid, pointIn, roadFraction, roadNumber, writeGazetteerGrid, type GridOptions } from '../fixtures/gazetteer.js';
import { GAZETTEER_PER_MINUTE } from '../../sync-server/src/http/gazetteer-routes.js';
import { signInCitizen, signInStaff, startChild, startInProcess, tempDir, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const GRID: GridOptions = { columns: 4, rows: 3, sideM: 500, roadsPerBlock: 3 };
const FILES = tempDir('tawasul-gazetteer-');
const GAZETTEER_FILE = writeGazetteerGrid(FILES, GRID);
const ON_ROAD = pointIn(GRID, 2, 1, 0.5, roadFraction(GRID, 1));
const EXPECTED = {
	block: blockNumber(GRID, 2, 1),
	road: roadNumber(blockNumber(GRID, 2, 1), 1),
	area: { ar: 'الحي 2', en: 'Quarter 2' },
	governorate: { ar: 'العاصمة', en: 'Capital' }
};

let server: Server;
let citizen: Session;
let agent: Session;

const ask = (base: string, session: Session | null, query: string) => fetch(`${base}/api/gazetteer?${query}`, { headers: session ? { cookie: session.cookie } : {} });
const at = (point: { lat: number; lng: number }) => `lat=${point.lat.toFixed(6)}&lng=${point.lng.toFixed(6)}`;
const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

beforeAll(async () => {
	server = await startInProcess({ GAZETTEER_FILE });
	[citizen, agent] = await Promise.all([signInCitizen(server.base, '+97336008101'), signInStaff(server.base, 'agent.works')]);
});

afterAll(async () => {
	await server.stop();
	fs.rmSync(FILES, { recursive: true, force: true });
});

describe('GET /api/gazetteer', () => {
	it("answers a citizen's pin with its block, road, area and governorate", async () => {
		const response = await ask(server.base, citizen, at(ON_ROAD));
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual(EXPECTED);
	});

	it("answers staff reading a case's location", async () => {
		const response = await ask(server.base, agent, at(ON_ROAD));
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual(EXPECTED);
	});

	it('answers the block alone where no road is within 60 m', async () => {
		const response = await ask(server.base, citizen, at(pointIn(GRID, 0, 0, 0.5, (roadFraction(GRID, 0) + roadFraction(GRID, 1)) / 2)));
		expect(await response.json()).toMatchObject({ block: blockNumber(GRID, 0, 0), road: null });
	});

	it('says 404 not_in_gazetteer outside every block with no road near', async () => {
		const response = await ask(server.base, citizen, 'lat=26.1&lng=50.4');
		expect(response.status).toBe(404);
		expect(await codeOf(response)).toBe('not_in_gazetteer');
	});

	it('is for signed-in people only', async () => {
		const response = await ask(server.base, null, at(ON_ROAD));
		expect(response.status).toBe(401);
		expect(await codeOf(response)).toBe('unauthorized');
	});

	it.each([
		['lat=abc&lng=50.6', 'invalid_location'],
		['lat=26.2', 'required'],
		['lat=91&lng=50.6', 'invalid_location'],
		['lat=26.2&lng=180.5', 'invalid_location'],
		['lat=2.62e1&lng=50.6', 'invalid_location'],
		['lat=26.2&lng=50.6&lng=50.7', 'invalid_location'],
		['lat=26.2&lng=50.6&category_id=x', 'unknown_field'],
		[`lat=26.2&lng=50.6${'0'.repeat(250)}`, 'payload_too_large']
	])('refuses %s with %s', async (query, code) => {
		const response = await ask(server.base, citizen, query);
		expect(response.status).toBe(code === 'payload_too_large' ? 413 : 400);
		expect(await codeOf(response)).toBe(code);
	});

	it(`answers a person ${GAZETTEER_PER_MINUTE} times a minute, then 429 rate_limited`, async () => {
		const busy = await signInCitizen(server.base, '+97336008102');
		// The quota counts in whole minutes: start well inside one, so the window does not turn midway.
		const left = 60_000 - (Date.now() % 60_000);
		if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
		const statuses = [];
		for (let i = 0; i < GAZETTEER_PER_MINUTE; i++) statuses.push((await ask(server.base, busy, at(ON_ROAD))).status);
		expect(new Set(statuses)).toEqual(new Set([200]));
		const over = await ask(server.base, busy, at(ON_ROAD));
		expect(over.status).toBe(429);
		expect(await codeOf(over)).toBe('rate_limited');
		expect((await ask(server.base, citizen, at(ON_ROAD))).status).toBe(200);
	});
});

describe('without GAZETTEER_FILE', () => {
	it('says 404 gazetteer_off to a signed-in person, and nothing to anyone else', async () => {
		const off = await startInProcess({});
		try {
			const person = await signInCitizen(off.base, '+97336008103');
			const response = await ask(off.base, person, at(ON_ROAD));
			expect(response.status).toBe(404);
			expect(await codeOf(response)).toBe('gazetteer_off');
			expect((await ask(off.base, null, at(ON_ROAD))).status).toBe(401);
		} finally {
			await off.stop();
		}
	});
});

describe('a broken GAZETTEER_FILE', () => {
	it('stops a production server at start, naming the variable, the file and the first bad feature', async () => {
		const broken = path.join(FILES, 'broken.geojson');
		// The generated grid with one block's ring left open: its second block, after the first's roads.
		const grid = gazetteerGrid(GRID) as { features: { geometry: { coordinates: unknown[][] } }[] };
		const index = 1 + GRID.roadsPerBlock;
		grid.features[index].geometry.coordinates[0].pop();
		fs.writeFileSync(broken, JSON.stringify(grid));
		const production = {
			NODE_ENV: 'production',
			PUBLIC_URL: 'http://127.0.0.1:3000',
			SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
			SMS_GATEWAY: 'outbox',
			DATA_DIR: tempDir(),
			GAZETTEER_FILE: broken
		};
		const failure = await startChild(production, { readyTimeoutMs: 60_000 }).then(
			async (child) => {
				await child.kill();
				return null;
			},
			(error: unknown) => error as Error
		);
		expect(failure?.message).toMatch(/server exited 1: /);
		expect(failure?.message).toContain(
			`Environment variable GAZETTEER_FILE: ${broken}: 1 of ${grid.features.length} features are not usable; feature ${index}: a polygon ring must end where it starts`
		);
	});

	it('stops a development server too, before it opens its store', async () => {
		const missing = path.join(FILES, 'missing.geojson');
		const dataDir = tempDir();
		await expect(startInProcess({ GAZETTEER_FILE: missing, DATA_DIR: dataDir })).rejects.toThrow(`Environment variable GAZETTEER_FILE: ${missing}: cannot be read (no such file)`);
		expect(fs.readdirSync(dataDir)).toEqual([]);
	});
});
