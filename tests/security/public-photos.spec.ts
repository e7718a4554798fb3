/** The photos of the public reports page (issue 14) as a hostile client finds them: the route
 * answers only the ids on the page, whatever else it is asked for — a photo nobody approved, a
 * private category's photo, an id made up or copied from a staff screen, a path that climbs out,
 * a name of a megabyte — and answers those at once, from memory, to a crowd as to one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPhotoId } from '../../sync-server/src/public/reports.js';
import { smallImage } from '../fixtures/files.js';
import { followUp, local, remote, settled, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, waitFor, type Session } from '../integration/harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;
let citizen: Session;
let manager: Session;
const photos = {} as Record<'approved' | 'unapproved' | 'privateCategory', string>;

async function push(session: Session, docs: object[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	await outbox.replicate.to(remote(server.base, 'intake', session));
}

async function file(category: string): Promise<{ caseKey: string; photo: string }> {
	const submit = submitAction({ category_id: category, _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: (await smallImage('jpeg', 640, 480)).toString('base64') } } });
	await push(citizen, [submit]);
	await settled(server);
	return { caseKey: submit.case_key, photo: `att:${submit._id}:photo-1.jpg` };
}

const get = (path: string, init?: RequestInit) => fetch(`${server.base}${path}`, init);

beforeAll(async () => {
	server = await startInProcess({ DATA_DIR: tempDir(), PUBLIC_URL: 'https://tawasul.example' });
	citizen = await signInCitizen(server.base, '+97336000912');
	manager = await signInStaff(server.base, 'manager.works');
	const approved = await file('works-potholes');
	const unapproved = await file('works-potholes');
	const privateCategory = await file('works-road-projects');
	await push(manager, [followUp(approved.caseKey, 'publish_photo', { attachment_id: approved.photo }), followUp(privateCategory.caseKey, 'publish_photo', { attachment_id: privateCategory.photo })]);
	await settled(server);
	Object.assign(photos, { approved: approved.photo, unapproved: unapproved.photo, privateCategory: privateCategory.photo });
	// The first read of the reports comes after the approval: the page shows the approved photo.
	await waitFor(async () => ((await (await get('/public/en/reports')).text()).includes(publicPhotoId(approved.photo)) ? true : undefined), 20_000, 'the approved photo on the page');
}, 120_000);

afterAll(async () => {
	await server?.stop();
}, 120_000);

describe('the public photos as a hostile client finds them', () => {
	it('serve the approved photo, to GET and HEAD only', async () => {
		const path = `/public/photos/${publicPhotoId(photos.approved)}.jpg`;
		expect((await get(path)).status).toBe(200);
		const head = await get(path, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('content-type')).toBe('image/jpeg');
		expect((await get(path, { method: 'POST', body: 'x'.repeat(100_000) })).status).toBe(404);
		expect((await get(path, { method: 'DELETE' })).status).toBe(404);
	});

	it.each([
		['a photo nobody approved', () => `${publicPhotoId(photos.unapproved)}.jpg`],
		["a private category's photo, even though its approval was tried", () => `${publicPhotoId(photos.privateCategory)}.jpg`],
		['the attachment id itself', () => encodeURIComponent(photos.approved)],
		['the attachment id with the extension', () => `${encodeURIComponent(photos.approved)}.jpg`],
		['an id made up in the right shape', () => 'AAAAAAAAAAAAAAAAAAAAAA.jpg'],
		['the approved id under another extension', () => `${publicPhotoId(photos.approved)}.png`],
		['the approved id in capitals', () => `${publicPhotoId(photos.approved)}.JPG`],
		['the approved id with a trailing byte', () => `${publicPhotoId(photos.approved)}.jpg%00`],
		['a path that climbs out', () => '..%2F..%2Fintake%2F_all_docs'],
		['a doubled dot path', () => `..%2F${publicPhotoId(photos.approved)}.jpg`],
		['a name in Arabic', () => encodeURIComponent('صورة.jpg')],
		['a name of 100,000 characters', () => `${'A'.repeat(100_000)}.jpg`]
	])('answer nothing for %s', async (_name, name) => {
		const response = await get(`/public/photos/${name()}`);
		expect([404, 414, 431]).toContain(response.status);
		expect(response.headers.get('content-type') ?? '').not.toMatch(/^image\//);
		const body = await response.text();
		expect(body.length).toBeLessThan(200);
		expect(response.headers.get('set-cookie')).toBeNull();
	});

	it('answer a crowd of made-up ids from memory, quickly, and the real one still', async () => {
		const started = performance.now();
		const crowd = await Promise.all(Array.from({ length: 300 }, (_, i) => get(`/public/photos/${publicPhotoId(`att:act:${i}`)}.jpg`)));
		const elapsed = performance.now() - started;
		expect(new Set(crowd.map((r) => r.status))).toEqual(new Set([404]));
		await Promise.all(crowd.map((r) => r.arrayBuffer()));
		expect(elapsed).toBeLessThan(5_000);
		expect((await get(`/public/photos/${publicPhotoId(photos.approved)}.jpg?size=100000&id=${encodeURIComponent(photos.unapproved)}`)).status).toBe(200);
	});
});
