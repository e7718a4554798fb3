/** Public places reported (issue 14), through the real server: the public-place reports of the
 * last 90 days on a map and in tables, without signing in, in Arabic and English; counted by area
 * of about a kilometre and by category, waiting or answered; never a reference, a text, a citizen
 * or an exact place; a duplicate linked to its primary, a case of a private category and an older
 * case are left out. */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { readPublicReports } from '../../sync-server/src/public/reports.js';
import { publicPages } from '../../sync-server/src/public/routes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/lib/domain/doc-types.js';
import { settled, signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let citizen: Session;
let agent: Session;
const DAY = 86_400_000;
const filed: { key: string; subject: string }[] = [];

const author = (s: Session) => ({ user_id: s.user.user_id, role: s.user.role, ...(s.user.entity_id ? { entity_id: s.user.entity_id } : {}) });
function action(by: Session, kind: string, caseKey: string, at: Date, fields: Record<string, unknown>) {
	const time = at.toISOString();
	return { _id: `act:${randomUUID()}`, type: 'action', kind, case_key: caseKey, client_time: time, device_id: 'public-reports', author: author(by), received_at: time, ...fields };
}
function report(subject: string, location: { lat: number; lng: number }, options: { category?: string; daysAgo?: number } = {}) {
	const key = randomUUID();
	filed.push({ key, subject });
	const at = new Date(Date.now() - (options.daysAgo ?? 1) * DAY);
	return action(citizen, 'submit', key, at, { case_type: 'complaint', category_id: options.category ?? 'works-potholes', subject, body: `${subject}, please fix it soon.`, locale: 'ar', location });
}
async function file(docs: object[]): Promise<void> {
	await server.store.use(DB.INTAKE).bulk({ docs: docs as never[] });
	await settled(server);
}
const page = async (path: string) => {
	const res = await fetch(`${server.base}${path}`);
	expect(res.status).toBe(200);
	expect(res.headers.get('set-cookie')).toBeNull();
	return res.text();
};

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336000781');
	agent = await signInStaff(server.base, 'agent.works');
	const near = [
		report('Deep pothole on Road 4417 by house 12', { lat: 26.22351, lng: 50.58762 }),
		report('Pothole again on Road 4417', { lat: 26.22402, lng: 50.58811 }),
		report('Broken road surface at Road 4419', { lat: 26.22104, lng: 50.58597 })
	];
	const far = report('Pothole at the Sitra roundabout', { lat: 26.15012, lng: 50.6203 });
	const duplicate = report('Same pothole on 4417', { lat: 26.2236, lng: 50.5877 });
	const privateCategory = report('Appointment delayed at the clinic', { lat: 26.2235, lng: 50.5876 }, { category: 'health-appointments' });
	const old = report('An old pothole', { lat: 26.2, lng: 50.5 }, { daysAgo: 120 });
	await file([...near, far, duplicate, privateCategory, old]);
	const now = new Date();
	await file([action(agent, 'reply', far.case_key, now, { body: 'The roundabout was resurfaced this morning.' }), action(agent, 'link', duplicate.case_key, now, { primary_key: near[0].case_key })]);
	// The first read of the reports runs beside the other public pages: the map comes once it is done.
	await waitFor(async () => ((await (await fetch(`${server.base}/public/en/reports`)).text()).includes('<figure class="map">') ? true : undefined), 20_000, 'the map');
}, 120_000);
afterAll(() => server?.stop(), 120_000);

describe('public places reported', () => {
	it('says the map is being prepared while its first read runs, not to be kept, and the other pages do not wait for it', async () => {
		// The read of the reports held back until the test lets it finish, as a first read on a
		// store of many cases takes a minute.
		let finish: () => void = () => undefined;
		const held = new Promise<void>((resolve) => (finish = resolve));
		const pages = publicPages({ store: server.store, publicUrl: 'https://tawasul.example', readReports: async (...args) => (await held, readPublicReports(...args)) });
		const app = express().use(pages.router);
		const listening = app.listen(0);
		await once(listening, 'listening');
		const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
		try {
			const list = await fetch(`${base}/public/en`);
			expect(list.status).toBe(200);
			const preparing = await fetch(`${base}/public/en/reports`);
			expect(preparing.headers.get('cache-control')).toBe('no-cache');
			expect(await preparing.text()).toContain('The map of public places reported is being prepared.');
			finish();
			const ready = await waitFor(
				async () => {
					const response = await fetch(`${base}/public/en/reports`);
					const html = await response.text();
					return html.includes('<figure class="map">') ? response : undefined;
				},
				20_000,
				'the map'
			);
			expect(ready.headers.get('cache-control')).toMatch(/^public, /);
		} finally {
			listening.close();
		}
	}, 60_000);

	it('shows the reports by area on a map, waiting or answered, in English', async () => {
		const html = await page('/public/en/reports');
		expect(html).toContain('<html lang="en" dir="ltr">');
		expect(html).toContain('Map of 4 reports in 2 areas: 3 waiting for an answer, 1 answered.');
		// One marker per area: a circle where a report waits, a square where all are answered
		// (the legend draws one of each as well).
		const map = html.slice(html.indexOf('<figure class="map">'), html.indexOf('<figcaption>'));
		expect(map.match(/<circle /g)).toHaveLength(1);
		expect(map.match(/<rect x=/g)).toHaveLength(1);
		expect(html).toMatch(/<th scope="row">Potholes and road damage<\/th><td>Ministry of Works<\/td><td>3<\/td><td>1<\/td><td>0<\/td>/);
		expect(html).toMatch(/<bdi dir="ltr">26\.22, 50\.59<\/bdi><\/th><td>3<\/td><td>0<\/td>/);
		expect(html).toMatch(/<bdi dir="ltr">26\.15, 50\.62<\/bdi><\/th><td>0<\/td><td>1<\/td>/);
		expect(html).toContain('<meta property="og:title" content="Public places reported">');
	});

	it('names no case, text, person or exact place, and leaves out duplicates, private categories and older reports', async () => {
		const html = (await page('/public/en/reports')) + (await page('/public/reports'));
		for (const { key, subject } of filed) {
			expect(html).not.toContain(key);
			expect(html).not.toContain(subject);
		}
		for (const secret of ['+97336000781', citizen.user.user_id, '26.2235', '50.5876', 'Appointments', 'roundabout was resurfaced']) expect(html).not.toContain(secret);
		expect(html).not.toMatch(/\d{2}-\d{6}-\d/);
	});

	it('speaks Arabic by default, with Arabic digits, and is linked from the other public pages and the sitemap', async () => {
		const html = await page('/public/reports');
		expect(html).toContain('<html lang="ar" dir="rtl">');
		expect(html).toContain('خريطة البلاغات. عدد البلاغات: ٤، في مناطق عددها ٢؛ بانتظار الرد: ٣، وأُجيب: ١.');
		expect(await page('/public')).toContain('<a href="/public/reports">');
		expect(await page('/public/en/figures')).toContain('<a href="/public/en/reports">');
		expect(await page('/sitemap.xml')).toContain('/public/en/reports</loc>');
	});
});
