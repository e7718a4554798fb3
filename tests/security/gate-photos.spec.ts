/** Issue 15, "the server trusts nothing": every file pushed to the gate is judged by its bytes and
 * images are made again on the server. Real files, made by tests/fixtures/files.ts: a phone photo
 * with GPS comes out without it, a decompression bomb is refused from its header, an HTML/JPEG
 * polyglot loses its page, SVG, HEIC and PDFs with active content are refused by name of the
 * problem, and a refused action leaves nothing behind. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitActions } from '../../sync-server/src/gate/gate';
import { EncodePool, GateBusy, IMAGE_MAX_SIDE } from '../../sync-server/src/gate/files';
import { DEFAULT_QUOTAS } from '../../sync-server/src/gate/quota';
import { heic, htmlJpegPolyglot, jpegWithGps, pdf, PDF_WITH_EMBEDDED_FILE, PDF_WITH_JAVASCRIPT, pdfWithHiddenScript, pngBomb, POLYGLOT_HTML, smallImage, SVG_WITH_SCRIPT } from '../fixtures/files';
import { signInCitizen, startInProcess, submitAction, waitFor, type Session } from '../integration/harness';
import { caseOf, engineAdvances, expectRefused, pushRaw, stored, uploadHuge, type Server } from './gate-helpers';

let server: Server;
let citizen: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336200151');
}, 60_000);

afterAll(async () => {
	// On a loaded CI machine this server has been seen to take minutes to stop after the huge
	// upload; the file's tests are over by then, so the wait is bounded and said.
	const stopped = await Promise.race([server?.stop().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 60_000))]);
	if (!stopped) console.warn('gate-photos: the server did not stop within 60 s');
}, 90_000);

const file = (type: string, bytes: Buffer) => ({ content_type: type, data: bytes.toString('base64') });

/** The files of an action as the store keeps them in intake. */
async function storedFiles(id: string): Promise<Record<string, { content_type: string; data: string }>> {
	const response = await server.store.fetch(`/intake/${encodeURIComponent(id)}?attachments=true`, { headers: { accept: 'application/json' } });
	expect(response.status).toBe(200);
	return ((await response.json()) as { _attachments: Record<string, { content_type: string; data: string }> })._attachments;
}

describe('images are made again on the server', () => {
	it('a phone photo with GPS in its EXIF is stored upright, at most 2,560 px, without any metadata, and served as a sandboxed download', async () => {
		const photo = await jpegWithGps(3000, 2000);
		const before = await sharp(photo).metadata();
		expect(before.exif?.includes(Buffer.from('TawasulTestCam'))).toBe(true);
		expect(before.exif?.includes(Buffer.from([0x25, 0x88])) || before.exif?.includes(Buffer.from([0x88, 0x25]))).toBe(true); // the GPS IFD pointer
		const doc = submitAction({ subject: 'Photo with GPS', _attachments: { 'photo-1.jpg': file('image/jpeg', photo) } });
		const answer = await pushRaw(server.base, citizen, [doc]);
		expect(answer.results[0]?.ok, answer.text).toBe(true);

		const kept = await storedFiles(doc._id);
		expect(Object.keys(kept)).toEqual(['photo-1.jpg']);
		const bytes = Buffer.from(kept['photo-1.jpg'].data, 'base64');
		const after = await sharp(bytes).metadata();
		expect(after.format).toBe('jpeg');
		expect(after.exif).toBeUndefined();
		expect(after.xmp).toBeUndefined();
		expect(after.icc).toBeUndefined();
		expect(Math.max(after.width!, after.height!)).toBe(IMAGE_MAX_SIDE);
		expect(bytes.includes(Buffer.from('TawasulTestCam'))).toBe(false);
		expect(bytes.length).toBeLessThan(photo.length);

		await waitFor(() => caseOf(server, doc.case_key), 30_000, 'case with the photo');
		const attId = `att:${doc._id}:photo-1.jpg`;
		const url = `${server.base}/db/u_${citizen.user.user_id}/${encodeURIComponent(attId)}/photo-1.jpg`;
		const served = await waitFor(
			async () => {
				const response = await fetch(url, { headers: { cookie: citizen.cookie } });
				return response.status === 200 ? response : undefined;
			},
			30_000,
			'the photo in the citizen database'
		);
		expect(served.headers.get('content-type')).toBe('image/jpeg');
		expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
		expect(served.headers.get('x-content-type-options')).toBe('nosniff');
		expect(served.headers.get('content-security-policy')).toMatch(/(^|; )sandbox(;|$)/);
		expect(served.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).exif).toBeUndefined();
	}, 60_000);

	it('a PNG is stored as WebP under the matching name; a small photo is not enlarged', async () => {
		const doc = submitAction({
			subject: 'A screenshot',
			_attachments: { 'photo-1.png': file('image/png', await smallImage('png', 64, 48)), 'photo-2.webp': file('image/webp', await smallImage('webp')) }
		});
		const answer = await pushRaw(server.base, citizen, [doc]);
		expect(answer.results[0]?.ok, answer.text).toBe(true);
		const kept = await storedFiles(doc._id);
		expect(Object.keys(kept).sort()).toEqual(['photo-1.webp', 'photo-2.webp']);
		expect(kept['photo-1.webp'].content_type).toBe('image/webp');
		const meta = await sharp(Buffer.from(kept['photo-1.webp'].data, 'base64')).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 48]);
		const routed = await waitFor(() => caseOf(server, doc.case_key), 30_000, 'case with the screenshot');
		expect(routed.timeline[0].attachments.map((a: { name: string }) => a.name).sort()).toEqual(['photo-1.webp', 'photo-2.webp']);
	}, 60_000);

	it('an HTML/JPEG polyglot is accepted as the image alone: the page is gone', async () => {
		const polyglot = await htmlJpegPolyglot();
		expect(polyglot.includes(Buffer.from(POLYGLOT_HTML))).toBe(true);
		const doc = submitAction({ subject: 'Polyglot', _attachments: { 'photo-1.jpg': file('image/jpeg', polyglot) } });
		const answer = await pushRaw(server.base, citizen, [doc]);
		expect(answer.results[0]?.ok, answer.text).toBe(true);
		const bytes = Buffer.from((await storedFiles(doc._id))['photo-1.jpg'].data, 'base64');
		expect(bytes.includes(Buffer.from('<script'))).toBe(false);
		expect(bytes.includes(Buffer.from('<html'))).toBe(false);
		expect((await sharp(bytes).metadata()).width).toBe(320);
	});
});

describe('files refused by what they are', () => {
	it('a 20,000 × 20,000 PNG bomb is refused from its header, without being decoded', async () => {
		const bomb = pngBomb();
		expect(bomb.length).toBeLessThan(1024 * 1024);
		const doc = submitAction({ subject: 'Bomb', _attachments: { 'photo-1.png': file('image/png', bomb) } });
		const rss = process.memoryUsage().rss;
		const started = performance.now();
		const answer = await pushRaw(server.base, citizen, [doc]);
		// Decoding 400 megapixels would take seconds and 400 MB at least.
		expect(performance.now() - started).toBeLessThan(5_000);
		expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
		await expectRefused(server, answer, [doc._id], 'image_too_large');
		expect(answer.results[0].field).toBe('_attachments.photo-1.png');
	});

	it('SVG with a script, HEIC, PDFs with scripts, actions or embedded files, and broken images are refused with their own reason', async () => {
		const svg = Buffer.from(SVG_WITH_SCRIPT);
		const broken = Buffer.concat([(await smallImage('jpeg')).subarray(0, 20), Buffer.alloc(200, 0x41)]);
		const cases: [Record<string, unknown>, string][] = [
			[{ 'photo-1.svg': file('image/svg+xml', svg) }, 'unsupported_file_type|invalid_file_name'],
			[{ 'photo-1.png': file('image/png', svg) }, 'unsupported_file_type'],
			[{ 'photo-1.jpg': file('image/jpeg', heic()) }, 'heic_unsupported'],
			[{ 'photo-1.heic': file('image/heic', heic()) }, 'heic_unsupported'],
			[{ 'document-1.pdf': file('application/pdf', PDF_WITH_JAVASCRIPT) }, 'pdf_active_content'],
			[{ 'document-1.pdf': file('application/pdf', pdfWithHiddenScript()) }, 'pdf_active_content'],
			[{ 'document-1.pdf': file('application/pdf', PDF_WITH_EMBEDDED_FILE) }, 'pdf_active_content'],
			[{ 'photo-1.jpg': file('image/jpeg', broken) }, 'unreadable_image']
		];
		const docs = cases.map(([files]) => submitAction({ _attachments: files }));
		const answers = await Promise.all(docs.map((doc) => pushRaw(server.base, citizen, [doc])));
		for (const [i, [, reason]] of cases.entries()) await expectRefused(server, answers[i], [docs[i]._id], new RegExp(`^(${reason})$`));
		for (const doc of docs) expect(await caseOf(server, doc.case_key)).toBeUndefined();
	});

	it('a refused file refuses its whole action: the good photo beside it is not kept either; the action beside it is', async () => {
		const good = file('image/jpeg', await smallImage('jpeg'));
		const mixed = submitAction({ subject: 'Half good', _attachments: { 'photo-1.jpg': good, 'document-1.pdf': file('application/pdf', PDF_WITH_JAVASCRIPT) } });
		const clean = submitAction({ subject: 'All good', _attachments: { 'photo-1.jpg': good, 'document-1.pdf': file('application/pdf', pdf()) } });
		const answer = await pushRaw(server.base, citizen, [mixed, clean]);
		await expectRefused(server, answer, [mixed._id], 'pdf_active_content');
		expect(answer.results.find((r) => r.id === clean._id)?.ok, answer.text).toBe(true);
		expect(Buffer.from((await storedFiles(clean._id))['document-1.pdf'].data, 'base64').equals(pdf())).toBe(true);
		expect(await stored(server, 'intake', mixed._id)).toBeUndefined();
		await engineAdvances(server, citizen, 'after refused files');
		expect(await caseOf(server, mixed.case_key)).toBeUndefined();
	}, 60_000);

	it('`../` names are refused even with a real photo, and a declared gigabyte is refused before it is read', async () => {
		const photo = file('image/jpeg', await smallImage('jpeg'));
		const names = ['../photo-1.jpg', '..%2Fphoto-1.jpg', 'a/../../photo-1.jpg'];
		const docs = names.map((name) => submitAction({ _attachments: { [name]: photo } }));
		const answer = await pushRaw(server.base, citizen, docs);
		await expectRefused(
			server,
			answer,
			docs.map((d) => d._id),
			'invalid_file_name'
		);
		const stub = submitAction({ _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', stub: true, digest: 'md5-AAAAAAAAAAAAAAAAAAAAAA==', length: 1024 ** 3 } } });
		await expectRefused(server, await pushRaw(server.base, citizen, [stub]), [stub._id], 'required');
		const huge = await uploadHuge(server.base, '/db/intake/_bulk_docs', citizen.cookie, 1024 ** 3);
		expect(huge.status).toBe(413);
		expect(huge.sentBytes).toBeLessThan(64 * 1024 * 1024);
	}, 60_000);
});

describe('re-encoding is bounded', () => {
	it('beyond the queue a request is refused as busy before anything is counted or kept, and goes through once there is room', async () => {
		const fresh = await signInCitizen(server.base, '+97336200152');
		const pool = new EncodePool(1, 1);
		const held = pool.reserve(2);
		const doc = submitAction({ subject: 'Busy', _attachments: { 'photo-1.jpg': file('image/jpeg', await smallImage('jpeg')) } });
		const user = fresh.user as Parameters<typeof admitActions>[2];
		await expect(admitActions(server.store, DEFAULT_QUOTAS, user, [doc], new Date(), true, {}, pool)).rejects.toBeInstanceOf(GateBusy);
		expect(await stored(server, 'intake', doc._id)).toBeUndefined();
		const usage = await stored(server, 'quotas', `quota:person:${fresh.user.user_id}`);
		pool.release(held);
		const [result] = await admitActions(server.store, DEFAULT_QUOTAS, user, [doc], new Date(), true, {}, pool);
		expect(result.ok, JSON.stringify(result)).toBe(true);
		expect(pool.load()).toEqual({ running: 0, waiting: 0 });
		// The busy attempt was not charged: the one success is the only change to the quota.
		const after = await stored(server, 'quotas', `quota:person:${fresh.user.user_id}`);
		const cases = (u: Record<string, any> | undefined) => Object.values<{ cases: number }>(u?.buckets ?? {}).reduce((n, b) => n + b.cases, 0);
		expect(cases(after) - cases(usage)).toBe(1);
	});
});
