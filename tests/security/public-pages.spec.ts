/** The public pages are the one door open to anyone (issue 14). They take nothing but their path:
 * a query, a body, a method other than GET or a crowd of parallel readers changes nothing of what
 * they send, and what they send is the same for everyone, so no personal data can ride on it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, tempDir, waitFor } from '../integration/harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
	server = await startInProcess({ DATA_DIR: tempDir(), PUBLIC_URL: 'https://tawasul.example' });
});

afterAll(async () => {
	await server?.stop();
});

describe('the public pages as a hostile client finds them', () => {
	it('answer on a fresh install, before any case was counted: the figures are zero', async () => {
		const figures = await fetch(`${server.base}/public/en/figures`);
		expect(figures.status).toBe(200);
		const data = await (await fetch(`${server.base}/public/figures.json`)).json();
		expect(data.periods.map((p: { report: { national: { cases: number } } }) => p.report.national.cases)).toEqual([0, 0]);
		const reports = async () => (await fetch(`${server.base}/public/en/reports`)).text();
		await waitFor(async () => ((await reports()).includes('No report of a public place in this period.') ? true : undefined), 20_000, 'the empty map');
	});

	it('take no query on the map of public places either: a crowd asking for more gets the same page', async () => {
		const plain = await fetch(`${server.base}/public/reports`);
		const crowd = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${server.base}/public/reports?category=${i}&since=1970-01-01&limit=1000000`)));
		expect(new Set(crowd.map((r) => r.headers.get('etag')))).toEqual(new Set([plain.headers.get('etag')]));
		await Promise.all(crowd.map((r) => r.arrayBuffer()));
	});

	it('ignore the query: the same page, the same ETag, nothing of the query echoed', async () => {
		const plain = await fetch(`${server.base}/public/en`);
		const hostile = await fetch(`${server.base}/public/en?lang=<script>alert(1)</script>&locale=ar&limit=1000000`);
		expect(hostile.status).toBe(200);
		expect(hostile.headers.get('etag')).toBe(plain.headers.get('etag'));
		const html = await hostile.text();
		expect(html).not.toContain('<script>');
		expect(html).toContain('<html lang="en" dir="ltr">');
	});

	it('answer only GET and HEAD, and a body is not read', async () => {
		const posted = await fetch(`${server.base}/public`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(1_000_000) }) });
		expect(posted.status).toBe(404);
		const head = await fetch(`${server.base}/sitemap.xml`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('cache-control')).toMatch(/^public, /);
	});

	it('send the same page to 200 parallel readers, without a session and without setting one', async () => {
		const responses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.base}/public`)));
		expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
		expect(new Set(responses.map((r) => r.headers.get('etag'))).size).toBe(1);
		expect(responses.every((r) => r.headers.get('set-cookie') === null)).toBe(true);
		await Promise.all(responses.map((r) => r.arrayBuffer()));
	});
});
