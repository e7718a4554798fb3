/** The map with tiles configured (MAP_TILE_URL, issue 15): tiles are drawn from the template and
 * credited; when they cannot be loaded (offline) the map turns into the coordinate grid with the
 * pin still in place. The tile server is played by the browser's request interception: nothing
 * leaves this machine. */
import { describe, expect, it } from 'vitest';
import { smallImage } from '../fixtures/files.js';
import { axe, msg, PHONE, preferLanguage, useApp, type Locale } from './browser.js';

const TILES = 'https://tiles.example.test';
const app = useApp({ MAP_TILE_URL: `${TILES}/osm/{z}/{x}/{y}.png`, MAP_TILE_ATTRIBUTION: '© Test Survey' });

describe('map tiles', () => {
	it("are let in by the page's own content security policy", async () => {
		const tile = await smallImage('png', 256, 256);
		const context = await app.context();
		await context.route(`${TILES}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: tile }));
		const page = await context.newPage();
		const response = await page.goto('/new');
		expect(response!.headers()['content-security-policy']).toContain(`img-src 'self' blob: data: ${TILES}`);
		const map = page.locator('.map');
		await map.waitFor({ timeout: 20_000 });
		await expect.poll(() => map.locator('img.tile').evaluateAll((images: HTMLImageElement[]) => images.length > 0 && images.every((i) => i.complete && i.naturalWidth === 256))).toBe(true);
		expect(await map.getAttribute('data-mode')).toBe('tiles');
	});

	for (const L of ['ar', 'en'] as Locale[]) {
		for (const viewport of [PHONE, { width: 1366, height: 800 }]) {
			it(`are drawn from the configured server, and give way to a grid when they fail (${L}, ${viewport.width} px)`, async () => {
				const t = (key: string) => msg(L, key);
				const tile = await smallImage('png', 256, 256);
				const context = await app.context({ viewport, bypassCSP: true });
				await preferLanguage(context, L);
				const asked: string[] = [];
				await context.route(`${TILES}/**`, (route) => {
					asked.push(new URL(route.request().url()).pathname);
					return route.fulfill({ status: 200, contentType: 'image/png', body: tile });
				});
				const page = await context.newPage();
				await page.goto('/new');
				const map = page.locator('.map');
				await map.waitFor({ timeout: 20_000 });
				await expect.poll(() => map.getAttribute('data-mode')).toBe('tiles');
				await expect.poll(() => map.locator('img.tile').evaluateAll((images: HTMLImageElement[]) => images.length > 0 && images.every((i) => i.complete && i.naturalWidth === 256))).toBe(true);
				expect(asked.every((p) => /^\/osm\/\d+\/\d+\/\d+\.png$/.test(p))).toBe(true);
				// Bahrain at the zoom that fits it: the tile of the country's middle is among them.
				const middle = (z: number) => `/osm/${z}/${Math.floor(((50.6 + 180) / 360) * 2 ** z)}/`;
				expect(asked.some((p) => p.startsWith(middle(Number(p.split('/')[2]))))).toBe(true);
				await page.getByText('© Test Survey').waitFor();
				expect(await page.getByText(t('map.grid_no_tiles')).count()).toBe(0);
				await page.getByRole('button', { name: t('map.place') }).click();
				expect(await axe(page)).toEqual([]);

				// Offline: the next tiles fail, and the grid is shown with the pin where it was.
				await context.unroute(`${TILES}/**`);
				await context.route(`${TILES}/**`, (route) => route.abort('internetdisconnected'));
				await context.setOffline(true);
				const placed = await page.locator('#location-lat').inputValue();
				await page.getByRole('button', { name: t('map.zoom_in') }).click();
				await expect.poll(() => map.getAttribute('data-mode')).toBe('grid');
				await page.getByText(t('map.grid_offline')).waitFor();
				expect(await map.locator('img.tile').count()).toBe(0);
				expect(await map.locator('svg.grid line').count()).toBeGreaterThan(2);
				await page.locator('#location-map-pin').waitFor();
				expect(await page.locator('#location-lat').inputValue()).toBe(placed);
				expect(await axe(page)).toEqual([]);
			});
		}
	}
});
