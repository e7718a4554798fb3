/** Issue 15, step 5: staff pixelate regions of a case photo; the entity's devices then pull the
 * redacted version, the original stays and is handed only to the entity's staff who give a
 * reason, a manager can show the original again, and the audit trail names who did each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, attachmentPath, caseWithPhoto, grey, meanDifference, post, pulledPhoto, startWorld, type World } from './redaction-helpers.js';
import { followUp, LANE, local, remote, waitFor } from './harness.js';

let world: World;
let photo: { caseKey: string; photoId: string; pdfId: string };

beforeAll(async () => {
	world = await startWorld();
	photo = await caseWithPhoto(world);
});

afterAll(async () => {
	await world?.server.stop();
});

// The checkerboard ("face") fills the middle half of the photo; the request covers exactly it.
const FACE = { x: 0.25, y: 0.25, w: 0.5, h: 0.5 };
const W = 320;
const H = 240;
const MARGIN = 16; // JPEG blocks around the region's edge change a little: compare beyond them
const inFace = (x: number, y: number) => x >= 80 && x < 240 && y >= 60 && y < 180;
const wellOutside = (x: number, y: number) => x < 80 - MARGIN || x >= 240 + MARGIN || y < 60 - MARGIN || y >= 180 + MARGIN;

describe(`redacting a photo (${LANE} store)`, () => {
	it('pixelates the regions in what staff pull, keeps the rest, and audits who did it', async () => {
		const before = await pulledPhoto(world, world.agent, photo.photoId);
		const redact = await post(world, world.agent, attachmentPath(photo.caseKey, photo.photoId, 'redact'), { rects: [FACE] });
		expect(redact.status, await redact.clone().text()).toBe(200);
		expect(await redact.json()).toMatchObject({ shown: 'redacted', count: 1 });

		const after = await pulledPhoto(world, world.agent, photo.photoId);
		expect(after.doc.redacted).toBe(true);
		const a = await grey(before.bytes);
		const b = await grey(after.bytes);
		expect([b.width, b.height]).toEqual([W, H]);
		// The checkerboard alternates 0 and 255: pixelated, every pixel is near a block's average.
		expect(meanDifference(a, b, inFace)).toBeGreaterThan(80);
		expect(meanDifference(a, b, wellOutside)).toBeLessThan(4);

		const entries = await auditOf(world, photo.photoId);
		expect(entries.map((e) => e.kind)).toEqual(['redaction.apply']);
		expect(entries[0]).toMatchObject({ actor: { user_id: world.agent.user.user_id }, changes: { rects: 1 } });
	});

	it('hands the original to staff of the entity who give a reason, and records the reason', async () => {
		const reason = 'Checking the plate number for the police report';
		const response = await post(world, world.agent, attachmentPath(photo.caseKey, photo.photoId, 'original'), { reason });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe('attachment');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('content-security-policy')).toContain('sandbox');
		const original = await grey(Buffer.from(await response.arrayBuffer()));
		const shown = await grey((await pulledPhoto(world, world.agent, photo.photoId)).bytes);
		const pristine = await grey(
			await world.server.store
				.fetch(`/intake/${encodeURIComponent(photo.photoId.slice(4, -12))}/photo-1.jpg`)
				.then((r) => r.arrayBuffer())
				.then(Buffer.from)
		);
		expect(meanDifference(original, pristine, () => true)).toBe(0);
		expect(meanDifference(original, shown, inFace)).toBeGreaterThan(80);

		const entries = await auditOf(world, photo.photoId);
		expect(entries.at(-1)).toMatchObject({ kind: 'redaction.view_original', actor: { user_id: world.agent.user.user_id }, changes: { reason } });
	});

	it.each([
		['without a reason', 'agent', {}, 400, 'required'],
		['with a blank reason', 'agent', { reason: '    ' }, 400, 'required'],
		['to staff of another entity', 'other', { reason: 'Just curious about it' }, 404, 'case_not_found'],
		['to the citizen', 'citizen', { reason: 'It is my own photo' }, 403, 'forbidden'],
		['to nobody signed in', null, { reason: 'Anonymous request' }, 401, 'unauthorized']
	] as const)('refuses the original %s', async (_name, who, body, status, code) => {
		const count = (await auditOf(world, photo.photoId)).length;
		const response = await post(world, who ? world[who] : null, attachmentPath(photo.caseKey, photo.photoId, 'original'), body);
		expect(response.status).toBe(status);
		expect((await response.json()).error.code).toBe(code);
		expect(await auditOf(world, photo.photoId)).toHaveLength(count);
	});

	it('lets a manager, not an agent, show the original again, audited', async () => {
		const agent = await post(world, world.agent, attachmentPath(photo.caseKey, photo.photoId, 'revert'), {});
		expect(agent.status).toBe(403);
		const manager = await post(world, world.manager, attachmentPath(photo.caseKey, photo.photoId, 'revert'), {});
		expect(manager.status).toBe(200);
		const shown = await pulledPhoto(world, world.agent, photo.photoId);
		expect(shown.doc.redacted).toBeUndefined();
		const response = await post(world, world.manager, attachmentPath(photo.caseKey, photo.photoId, 'original'), { reason: 'Compare after the undo' });
		const original = await grey(Buffer.from(await response.arrayBuffer()));
		expect(meanDifference(original, await grey(shown.bytes), () => true)).toBe(0);
		// Nothing left to undo.
		expect((await post(world, world.manager, attachmentPath(photo.caseKey, photo.photoId, 'revert'), {})).status).toBe(409);
		const kinds = (await auditOf(world, photo.photoId)).map((e) => e.kind);
		expect(kinds).toEqual(['redaction.apply', 'redaction.view_original', 'redaction.revert', 'redaction.view_original']);
	});

	it('forwards the redacted version, not the original, when the case is transferred', async () => {
		const redact = await post(world, world.agent, attachmentPath(photo.caseKey, photo.photoId, 'redact'), { rects: [FACE] });
		expect(redact.status).toBe(200);
		const original = await grey((await pulledPhoto(world, world.agent, photo.photoId)).bytes);
		const outbox = local('outbox');
		await outbox.put(followUp(photo.caseKey, 'transfer', { to_entity_id: 'health', reason: 'A clinic is behind the wall in the photo.' }));
		await outbox.replicate.to(remote(world.server.base, 'intake', world.agent));
		const forwarded = await waitFor(() => pulledPhoto(world, world.other, photo.photoId), 15_000, 'the photo in e_health');
		expect(forwarded.doc.redacted).toBe(true);
		const pristine = await grey(Buffer.from(await (await world.server.store.fetch(`/intake/${encodeURIComponent(photo.photoId.slice(4, -12))}/photo-1.jpg`)).arrayBuffer()));
		expect(meanDifference(pristine, await grey(forwarded.bytes), inFace)).toBeGreaterThan(80);
		expect(meanDifference(original, await grey(forwarded.bytes), () => true)).toBe(0);
		// And it leaves the entity that gave the case away, redacted or not.
		await waitFor(async () => ((await world.server.store.fetch(`/e_works/${encodeURIComponent(photo.photoId)}`)).status === 404 ? true : undefined), 15_000, 'the photo gone from e_works');
	});
});
