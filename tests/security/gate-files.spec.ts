/** Issue 10, finding 2: attachment names with `../`, `/` or control characters were accepted, and
 * then the entity's and the citizen's databases failed to replicate. Only names the app makes are
 * accepted, with a type from the allowlist that the bytes confirm, within the size limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/lib/domain/limits';
import { local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness';
import { caseOf, engineAdvances, expectRefused, pushRaw, stored, type Server } from './gate-helpers';
import { smallImage } from '../fixtures/files';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n').toString('base64');
// A real photo: the gate decodes and re-encodes every image (gate/files.ts).
const jpeg = { content_type: 'image/jpeg', data: '' };

let server: Server;
let citizen: Session;
let agent: Session;

beforeAll(async () => {
	jpeg.data = (await smallImage('jpeg')).toString('base64');
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336200001');
	agent = await signInStaff(server.base, 'agent.works');
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

const POISONED_NAMES = [
	'../../etc/passwd.jpg',
	'..%2F..%2Fx.jpg',
	'a/b.jpg',
	'a\\b.jpg',
	'photo\u0000.jpg',
	'photo\n1.jpg',
	'photo\u202Egpj.pdf',
	'\u0635\u0648\u0631\u0629.jpg',
	'ｐｈｏｔｏ.jpg',
	'_design.jpg',
	'.hidden.jpg',
	'photo.jpg.exe',
	'photo.JPG ',
	'photo-1.pdf',
	`${'x'.repeat(200)}.jpg`
];

describe('attachment names', () => {
	it('refuses every unsafe name with a reason, in parallel, and routes the valid actions beside them', async () => {
		const poisoned = POISONED_NAMES.map((name) => submitAction({ _attachments: { [name]: jpeg } }));
		const valid = POISONED_NAMES.map((_, i) => submitAction({ subject: `With a photo ${i}`, _attachments: { 'photo-1.jpg': jpeg } }));
		const answers = await Promise.all(poisoned.map((doc, i) => pushRaw(server.base, citizen, [doc, valid[i]])));
		for (const [i, doc] of poisoned.entries()) {
			await expectRefused(server, answers[i], [doc._id], 'invalid_file_name');
			expect(answers[i].results.find((r) => r.id === valid[i]._id)?.ok, answers[i].text).toBe(true);
		}
		for (const doc of valid) {
			const routed = await waitFor(() => caseOf(server, doc.case_key), 30_000, `case ${doc.subject}`);
			expect(routed.timeline[0].attachments.map((a: { name: string }) => a.name)).toEqual(['photo-1.jpg']);
		}
		for (const doc of poisoned) expect(await caseOf(server, doc.case_key)).toBeUndefined();
	});

	it('refuses a type off the list, bytes that are not the type claimed, and files over the limits', async () => {
		const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
		const cases: [Record<string, unknown>, string][] = [
			[{ 'photo-1.jpg': { content_type: 'image/jpeg', data: PDF } }, 'unsupported_file_type'],
			[{ 'document-1.pdf': { content_type: 'application/pdf', data: html } }, 'unsupported_file_type'],
			[{ 'page-1.html': { content_type: 'text/html', data: html } }, 'unsupported_file_type'],
			[{ 'photo-1.jpg': { content_type: 'image/jpeg', stub: true, digest: 'md5-AAAAAAAAAAAAAAAAAAAAAA==', length: 12 } }, 'required'],
			[{ 'document-1.pdf': { content_type: 'application/pdf', data: Buffer.concat([Buffer.from(PDF, 'base64'), Buffer.alloc(LIMITS.FILE_BYTES_MAX)]).toString('base64') } }, 'file_too_large'],
			[Object.fromEntries(Array.from({ length: LIMITS.FILES_MAX + 1 }, (_, i) => [`photo-${i + 1}.jpg`, jpeg])), 'too_many_files']
		];
		const docs = cases.map(([files]) => submitAction({ _attachments: files }));
		const answers = await Promise.all(docs.map((doc) => pushRaw(server.base, citizen, [doc])));
		for (const [i, [, reason]] of cases.entries()) await expectRefused(server, answers[i], [docs[i]._id], new RegExp(`^(${reason})$`));
		// Files on a kind that carries none.
		const note = { ...submitAction(), kind: 'reopen', reason: 'Not fixed yet.', _attachments: { 'photo-1.jpg': jpeg } };
		for (const field of ['subject', 'body', 'case_type', 'category_id', 'location', 'locale']) delete (note as Record<string, unknown>)[field];
		await expectRefused(server, await pushRaw(server.base, citizen, [note]), [note._id], 'unknown_field');
	});
});

describe('replication with a poisoned action in the outbox', () => {
	it('the gate denies that one action with its reason, the others arrive, and the entity database still replicates', async () => {
		const outbox = local('poisoned-outbox');
		const bad = submitAction({ subject: 'Poisoned', _attachments: { '../../x.jpg': jpeg } });
		const good = [1, 2].map((n) => submitAction({ subject: `Good ${n}`, _attachments: { 'photo-1.jpg': jpeg, 'document-1.pdf': { content_type: 'application/pdf', data: PDF } } }));
		await outbox.bulkDocs([good[0], bad, good[1]]);
		const denied: { id: string; reason: string }[] = [];
		const replication = outbox.replicate.to(remote(server.base, 'intake', citizen));
		replication.on('denied', (error: { id: string; reason: string }) => denied.push({ id: error.id, reason: error.reason }));
		const result = await replication;
		expect(result.docs_written).toBe(2);
		expect(denied).toEqual([{ id: bad._id, reason: 'invalid_file_name' }]);

		for (const doc of good) await waitFor(() => caseOf(server, doc.case_key), 30_000, doc.subject as string);
		const inbox = local('entity-mirror');
		const pulled = await inbox.replicate.from(remote(server.base, 'e_works', agent));
		expect(pulled.ok).toBe(true);
		expect(pulled.doc_write_failures).toBe(0);
		for (const doc of good) {
			const file = await inbox.getAttachment(`att:${doc._id}:document-1.pdf`, 'document-1.pdf');
			expect(Buffer.from(file).subarray(0, 5).toString()).toBe('%PDF-');
		}
		const own = local('citizen-mirror');
		const mine = await own.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
		expect(mine.doc_write_failures).toBe(0);
		expect(await stored(server, 'intake', bad._id)).toBeUndefined();
		await engineAdvances(server, citizen, 'after a poisoned outbox');
	});
});
