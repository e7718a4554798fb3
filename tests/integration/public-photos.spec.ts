/** Photos on the public map (issue 14), through the real server: a manager of the case's entity
 * shows one photo of a public-place report, and the public reports page lists it beside its area
 * as a small thumbnail without metadata, from the redacted version whenever there is one; a
 * withdrawn photo, or a case that leaves the page, is no longer served at the next read of the
 * reports. A citizen, an agent, a manager of another entity, a file that is not a photo of the
 * case, a private category and a linked duplicate are refused, and every step is audited. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import exifr from 'exifr';
import express from 'express';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { PUBLIC_REPORT_DAYS } from '../../src/lib/domain/public-reports.js';
import { createStaff } from '../../sync-server/src/auth/accounts.js';
import { publicPhotoId } from '../../sync-server/src/public/reports.js';
import { THUMBNAIL_BYTES_MAX } from '../../sync-server/src/public/photos.js';
import { publicPages } from '../../sync-server/src/public/routes.js';
import { checkeredPhoto, jpegWithGps, pdf } from '../fixtures/files.js';
import { followUp, local, remote, settled, signInStaff, submitAction, waitFor, type Session } from './harness.js';
import { attachmentPath, grey, post, startWorld, type World } from './redaction-helpers.js';

let world: World;
let healthManager: Session;
let pages: { base: string; close: () => void };
/** The public pages' clock: moved on to make them read the reports again. */
let clock = Date.now();
const DAY = 86_400_000;
const REFRESH_MS = 5 * 60_000 + 1;

interface Filed {
	caseKey: string;
	checkered: string;
	gps: string;
	pdf: string;
}
let pothole: Filed;
let privateCase: Filed;
let duplicate: Filed;

async function push(session: Session, docs: object[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	await outbox.replicate.to(remote(world.server.base, 'intake', session));
}

/** A citizen's report with two photos (one with GPS in its EXIF) and a PDF, once the engine has it. */
async function file(category: string): Promise<Filed> {
	const submit = submitAction({
		category_id: category,
		_attachments: {
			'photo-1.jpg': { content_type: 'image/jpeg', data: (await checkeredPhoto()).toString('base64') },
			'photo-2.jpg': { content_type: 'image/jpeg', data: (await jpegWithGps(800, 600)).toString('base64') },
			'document-1.pdf': { content_type: 'application/pdf', data: pdf().toString('base64') }
		}
	});
	await push(world.citizen, [submit]);
	const id = (name: string) => `att:${submit._id}:${name}`;
	await waitFor(async () => ((await world.server.store.fetch(`/e_works/${encodeURIComponent(id('photo-2.jpg'))}`)).ok ? true : undefined), 20_000, 'the photos in e_works');
	return { caseKey: submit.case_key, checkered: id('photo-1.jpg'), gps: id('photo-2.jpg'), pdf: id('document-1.pdf') };
}

const caseOf = (key: string) => world.server.store.use<CaseDoc>(DB.CASES).get(`case:${key}`);

/** Pushes one staff step and waits for the engine's decision: the case after it, or the refusal's code. */
async function act(session: Session, caseKey: string, kind: string, fields: Record<string, unknown> = {}): Promise<{ code?: string; caseDoc: CaseDoc }> {
	const action = followUp(caseKey, kind, fields);
	await push(session, [action]);
	await settled(world.server);
	const rejection = await world.server.store
		.use<{ code: string }>(`u_${session.user.user_id}`)
		.get(`rejection:${action._id}`)
		.catch(() => null);
	return { code: rejection?.code, caseDoc: await caseOf(caseKey) };
}

/** The gate's answer to an action pushed straight into `intake` by `session`. */
async function gateAnswer(session: Session, doc: object): Promise<Record<string, unknown>> {
	const response = await fetch(`${world.server.base}/db/intake/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body: JSON.stringify({ docs: [doc] })
	});
	const answer = (await response.json()) as Record<string, unknown>[];
	return answer[0];
}

/** The English reports page once the public pages have read the reports again and `until` holds. */
async function refreshed(until: (html: string) => boolean): Promise<string> {
	return waitFor(
		async () => {
			clock += REFRESH_MS;
			const html = await (await fetch(`${pages.base}/public/en/reports`)).text();
			return until(html) ? html : undefined;
		},
		20_000,
		'the reports read again'
	);
}

const img = (attachmentId: string) => `/public/photos/${publicPhotoId(attachmentId)}.jpg`;
const photo = (attachmentId: string) => fetch(`${pages.base}${img(attachmentId)}`);

beforeAll(async () => {
	world = await startWorld();
	await createStaff(world.server.store, { username: 'manager.health', password: 'a-health-manager-password', role: 'manager', name: 'Health manager', entity_id: 'health' });
	healthManager = await signInStaff(world.server.base, 'manager.health', 'a-health-manager-password');
	pothole = await file('works-potholes');
	privateCase = await file('works-road-projects');
	duplicate = await file('works-potholes');
	await act(world.agent, duplicate.caseKey, 'link', { primary_key: pothole.caseKey });
	const router = publicPages({ store: world.server.store, publicUrl: 'https://tawasul.example', now: () => clock }).router;
	const listening = express().use(router).listen(0);
	await once(listening, 'listening');
	pages = { base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`, close: () => listening.close() };
	await refreshed((html) => html.includes('<figure class="map">'));
}, 120_000);

afterAll(async () => {
	pages?.close();
	await world?.server.stop();
}, 120_000);

describe('a photo on the public map', () => {
	it('shows no photo before a manager chose one', async () => {
		const html = await refreshed((page) => page.includes('<figure class="map">'));
		expect(html).not.toContain('<img');
		expect((await photo(pothole.gps)).status).toBe(404);
	});

	it('is shown by a manager of the entity: a small thumbnail beside its area, without metadata, cached, and audited', async () => {
		const { code, caseDoc } = await act(world.manager, pothole.caseKey, 'publish_photo', { attachment_id: pothole.gps });
		expect(code).toBeUndefined();
		expect(caseDoc.public_photo).toBe(pothole.gps);
		const html = await refreshed((page) => page.includes(img(pothole.gps)));
		expect(html).toContain(`<img src="${img(pothole.gps)}" alt="Photo of a report: Potholes and road damage, area 26.22, 50.59" width="320" height="320" loading="lazy"`);
		// Nothing of the case, the citizen or the file rides on the page.
		for (const secret of [pothole.caseKey, pothole.gps, 'photo-2.jpg', caseDoc.ref, world.citizen.user.user_id, '26.2235', '50.5876']) expect(html).not.toContain(secret);
		const arabic = await (await fetch(`${pages.base}/public/reports`)).text();
		expect(arabic).toContain(`alt="صورة بلاغ: حفر وتلف الطرق، المنطقة 26.22, 50.59"`);

		const response = await photo(pothole.gps);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/jpeg');
		expect(response.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('set-cookie')).toBeNull();
		const bytes = Buffer.from(await response.arrayBuffer());
		expect(bytes.length).toBeLessThanOrEqual(THUMBNAIL_BYTES_MAX);
		const meta = await sharp(bytes).metadata();
		expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 320, 320, undefined]);
		expect(await exifr.parse(bytes, { gps: true, tiff: true }).catch(() => undefined)).toBeUndefined();
		const etag = response.headers.get('etag') ?? '';
		expect((await fetch(`${pages.base}${img(pothole.gps)}`, { headers: { 'if-none-match': etag } })).status).toBe(304);

		const audit = await fetch(`${world.server.base}/api/audit?limit=200`, { headers: { cookie: world.manager.cookie } });
		const { entries } = (await audit.json()) as { entries: { kind: string; case_key?: string; actor: { user_id: string }; outcome: string }[] };
		expect(entries.find((e) => e.kind === 'publish_photo' && e.case_key === pothole.caseKey)).toMatchObject({ actor: { user_id: world.manager.user.user_id }, outcome: 'applied' });
	});

	it('sends only the redacted version of a photo that was ever redacted, even once staff see its original again', async () => {
		expect((await act(world.manager, pothole.caseKey, 'publish_photo', { attachment_id: pothole.checkered })).caseDoc.public_photo).toBe(pothole.checkered);
		await refreshed((page) => page.includes(img(pothole.checkered)) && !page.includes(img(pothole.gps)));
		// The checkerboard fills the middle of the photo: its 4-pixel squares show as strong contrast.
		const contrast = async () => {
			const { data, width } = await grey(Buffer.from(await (await photo(pothole.checkered)).arrayBuffer()));
			let sum = 0;
			for (let y = 140; y < 180; y++) for (let x = 140; x < 180; x++) sum += Math.abs(data[y * width + x] - data[y * width + x + 1]);
			return sum / 1600;
		};
		expect(await contrast()).toBeGreaterThan(40);
		const redact = await post(world, world.agent, attachmentPath(pothole.caseKey, pothole.checkered, 'redact'), { rects: [{ x: 0.25, y: 0.25, w: 0.5, h: 0.5 }] });
		expect(redact.status).toBe(200);
		const revert = await post(world, world.manager, attachmentPath(pothole.caseKey, pothole.checkered, 'revert'), {});
		expect(revert.status).toBe(200);
		await waitFor(
			async () => {
				clock += REFRESH_MS;
				await fetch(`${pages.base}/public/en/reports`);
				return (await contrast()) < 10 ? true : undefined;
			},
			20_000,
			'the redacted thumbnail'
		);
	});

	it('is gone from the page and the route once withdrawn', async () => {
		const { code, caseDoc } = await act(world.manager, pothole.caseKey, 'withdraw_photo');
		expect(code).toBeUndefined();
		expect(caseDoc.public_photo).toBeUndefined();
		const html = await refreshed((page) => !page.includes(img(pothole.checkered)));
		expect(html).not.toContain('<img');
		expect((await photo(pothole.checkered)).status).toBe(404);
		const audit = await fetch(`${world.server.base}/api/audit?limit=200`, { headers: { cookie: world.manager.cookie } });
		const { entries } = (await audit.json()) as { entries: { kind: string; case_key?: string; actor: { user_id: string } }[] };
		expect(entries.find((e) => e.kind === 'withdraw_photo' && e.case_key === pothole.caseKey)?.actor.user_id).toBe(world.manager.user.user_id);
	});

	it('is gone once its case is linked as a duplicate of another', async () => {
		const other = await file('works-potholes');
		expect((await act(world.manager, other.caseKey, 'publish_photo', { attachment_id: other.gps })).code).toBeUndefined();
		await refreshed((page) => page.includes(img(other.gps)));
		expect((await act(world.agent, other.caseKey, 'link', { primary_key: pothole.caseKey })).code).toBeUndefined();
		await refreshed((page) => !page.includes(img(other.gps)));
		expect((await photo(other.gps)).status).toBe(404);
	});

	it('is refused to a citizen and to an agent at the gate, with a code', async () => {
		for (const session of [world.citizen, world.agent]) {
			const answer = await gateAnswer(session, followUp(pothole.caseKey, 'publish_photo', { attachment_id: pothole.checkered }));
			expect(answer).toMatchObject({ error: 'forbidden', reason: 'not_allowed', field: 'kind' });
		}
		const odd = await gateAnswer(world.manager, followUp(pothole.caseKey, 'publish_photo', { attachment_id: `att:../../${'x'.repeat(5000)}` }));
		expect(odd).toMatchObject({ error: 'forbidden', reason: 'invalid_format', field: 'attachment_id' });
	});

	it.each([
		['a manager of another entity', () => healthManager, () => pothole.caseKey, () => pothole.checkered, 'not_allowed'],
		['a file of the case that is not a photo', () => world.manager, () => pothole.caseKey, () => pothole.pdf, 'not_a_photo'],
		["another case's photo", () => world.manager, () => pothole.caseKey, () => privateCase.gps, 'not_a_photo'],
		['a case of a category that is not a public place', () => world.manager, () => privateCase.caseKey, () => privateCase.gps, 'not_public_place'],
		['a duplicate linked to its primary', () => world.manager, () => duplicate.caseKey, () => duplicate.gps, 'linked_not_public']
	])('is refused by the rules for %s', async (_name, who, caseKey, attachmentId, expected) => {
		const before = await caseOf(caseKey());
		const { code, caseDoc } = await act(who(), caseKey(), 'publish_photo', { attachment_id: attachmentId() });
		expect(code).toBe(expected);
		expect(caseDoc.public_photo).toBe(before.public_photo);
		const html = await refreshed(() => true);
		for (const id of [privateCase.gps, privateCase.checkered, duplicate.gps, pothole.pdf]) {
			expect(html).not.toContain(img(id));
			expect((await photo(id)).status).toBe(404);
		}
	});

	// Last: the pages' clock is then past the window of every case filed here.
	it('is gone once its case leaves the window of the page', async () => {
		expect((await act(world.manager, pothole.caseKey, 'publish_photo', { attachment_id: pothole.gps })).code).toBeUndefined();
		await refreshed((page) => page.includes(img(pothole.gps)));
		clock += (PUBLIC_REPORT_DAYS + 1) * DAY;
		await refreshed((page) => !page.includes(img(pothole.gps)));
		expect((await photo(pothole.gps)).status).toBe(404);
	});
});
