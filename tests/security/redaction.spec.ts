/** Issue 15, step 5: the redaction door replayed by hostile staff and citizens. Every refusal
 * leaves the photo, the record and the audit trail as they were. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTIONS_PER_HOUR } from '../../sync-server/src/redaction/routes.js';
import { LANE } from '../integration/harness.js';
import { attachmentPath, auditOf, caseWithPhoto, post, pulledPhoto, startWorld, type World } from '../integration/redaction-helpers.js';

let world: World;
let photo: { caseKey: string; photoId: string; pdfId: string };
const FACE = { x: 0.25, y: 0.25, w: 0.5, h: 0.5 };

beforeAll(async () => {
	world = await startWorld();
	photo = await caseWithPhoto(world);
});

afterAll(async () => {
	await world?.server.stop();
});

const redactPath = () => attachmentPath(photo.caseKey, photo.photoId, 'redact');

describe(`hostile redaction requests (${LANE} store)`, () => {
	it.each([
		['too many rectangles', { rects: Array.from({ length: 21 }, () => FACE) }, 400, 'out_of_range'],
		['no rectangle', { rects: [] }, 400, 'required'],
		['NaN written into the JSON', '{"rects":[{"x":NaN,"y":0,"w":0.1,"h":0.1}]}', 400, 'invalid_format'],
		['a negative coordinate', { rects: [{ ...FACE, x: -0.2 }] }, 400, 'out_of_range'],
		['a huge size', { rects: [{ ...FACE, w: 1e308 }] }, 400, 'out_of_range'],
		['a region outside the photo', { rects: [{ x: 0.9, y: 0.9, w: 0.5, h: 0.5 }] }, 400, 'out_of_range'],
		['coordinates as text', { rects: [{ x: '0', y: '0', w: '1', h: '1' }] }, 400, 'invalid_format'],
		['an unknown field', { rects: [FACE], mode: 'none' }, 400, 'unknown_field'],
		['an array body', [FACE], 400, 'invalid_format'],
		['a body over the limit', { rects: [FACE], pad: 'x'.repeat(1024 * 1024) }, 413, 'payload_too_large']
	] as const)('refuses %s, changing nothing', async (_name, body, status, code) => {
		const started = Date.now();
		const response = await post(world, world.agent, redactPath(), body);
		expect(response.status).toBe(status);
		expect((await response.json()).error.code).toBe(code);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect((await pulledPhoto(world, world.agent, photo.photoId)).doc.redacted).toBeUndefined();
	});

	it.each([
		['staff of another entity', 'other', () => redactPath(), 404, 'case_not_found'],
		['the citizen who sent the photo', 'citizen', () => redactPath(), 403, 'forbidden'],
		['an attachment that is not an image', 'agent', () => attachmentPath(photo.caseKey, photo.pdfId, 'redact'), 400, 'unsupported_file_type'],
		['an attachment of another case', 'agent', () => attachmentPath(photo.caseKey, photo.photoId.replace(/act:[0-9a-f-]{36}/, 'act:00000000-0000-4000-8000-000000000000'), 'redact'), 404, 'not_found'],
		['an id in the server namespace', 'agent', () => attachmentPath(photo.caseKey, 'redaction:att:x', 'redact'), 404, 'not_found'],
		['a case that does not exist', 'agent', () => attachmentPath('00000000-0000-4000-8000-000000000000', photo.photoId, 'redact'), 404, 'case_not_found']
	] as const)('refuses %s', async (_name, who, path, status, code) => {
		const response = await post(world, world[who], path(), { rects: [FACE] });
		expect(response.status).toBe(status);
		expect((await response.json()).error.code).toBe(code);
		expect(await auditOf(world, photo.photoId)).toEqual([]);
	});

	it('applies parallel redactions of one photo one at a time, each applied one audited', async () => {
		const responses = await Promise.all(Array.from({ length: 6 }, () => post(world, world.agent, redactPath(), { rects: [FACE] })));
		const statuses = responses.map((r) => r.status);
		expect(statuses.every((s) => s === 200 || s === 409 || s === 503)).toBe(true);
		const applied = statuses.filter((s) => s === 200).length;
		expect(applied).toBeGreaterThanOrEqual(1);
		const record = await world.server.store.use<{ count: number }>('redactions').get(`redaction:${photo.photoId}`);
		expect(record.count).toBe(applied);
		expect((await auditOf(world, photo.photoId)).filter((e) => e.kind === 'redaction.apply')).toHaveLength(applied);
		// One version of the photo, no conflicting branch a device might show instead.
		const stored = await world.server.store.use('e_works').get(photo.photoId, { conflicts: true });
		expect(stored._conflicts).toBeUndefined();
		expect((await pulledPhoto(world, world.agent, photo.photoId)).doc.redacted).toBe(true);
	});

	it('stops a staff member past the hourly quota', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < REDACTIONS_PER_HOUR + 1; i++) statuses.push((await post(world, world.agent, redactPath(), { rects: [] })).status);
		expect(statuses.at(-1)).toBe(429);
		expect(statuses.slice(0, -1).every((s) => s === 400 || s === 429)).toBe(true);
		// Another staff member of the entity is not held back by it.
		expect((await post(world, world.manager, redactPath(), { rects: [] })).status).toBe(400);
	});
});
