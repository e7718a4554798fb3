/** Issue 10, finding 6: quotas per person (cases per hour and per day, file bytes per day), held
 * under fifty parallel pushes, refused with a reason the app shows, recorded in the audit trail;
 * and refused actions do not stay in `intake`. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import { pngOfBytes } from '../fixtures/files.js';
import { fitActions, type QuotaLimits } from '../../sync-server/src/gate/quota.js';
import type { ActionDoc } from '../../src/lib/domain/doc-types.js';
import ar from '../../messages/ar.json' with { type: 'json' };
import en from '../../messages/en.json' with { type: 'json' };

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;

const PER_HOUR = 5;

beforeAll(async () => {
	server = await startInProcess({ QUOTA_CASES_PER_HOUR: String(PER_HOUR), QUOTA_CASES_PER_DAY: '8', QUOTA_ATTACHMENT_MB_PER_DAY: '1' });
});

afterAll(async () => {
	await server?.stop();
});

async function push(session: Session, docs: unknown[]): Promise<{ id: string; error?: string; reason?: string }[]> {
	const response = await fetch(`${server.base}/db/intake/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body: JSON.stringify({ docs, new_edits: true })
	});
	expect(response.status).toBe(201);
	return response.json();
}

async function liveInIntake(ids: string[]): Promise<string[]> {
	const response = await server.store.fetch('/intake/_all_docs', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ keys: ids })
	});
	const { rows } = (await response.json()) as { rows: { key: string; value?: { deleted?: boolean } }[] };
	return rows.filter((r) => r.value && !r.value.deleted).map((r) => r.key);
}

describe('cases per hour', () => {
	it('fifty parallel pushes of one citizen: exactly the quota gets in, every other is refused and shown to the citizen', async () => {
		const citizen = await signInCitizen(server.base, '+97336300301');
		const docs = Array.from({ length: 50 }, () => submitAction());
		const answers = await Promise.all(docs.map((doc) => push(citizen, [doc])));
		const accepted = answers.filter(([r]) => !r.error).map(([r]) => r.id);
		const refused = answers.filter(([r]) => r.reason === 'quota_exceeded').map(([r]) => r.id);
		expect(accepted).toHaveLength(PER_HOUR);
		expect(refused).toHaveLength(50 - PER_HOUR);
		expect((await liveInIntake(docs.map((d) => d._id))).sort()).toEqual([...accepted].sort());

		// The app reads `rejection:<action_id>` from the citizen's database and shows errors.quota_exceeded.
		const own = local('own');
		const refusals = await waitFor(async () => {
			await own.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
			const found = await own.allDocs({ startkey: 'rejection:', endkey: 'rejection:\uffff', include_docs: true });
			return found.rows.length >= refused.length ? found.rows.map((r: { doc: { code: string; action_id: string } }) => r.doc) : undefined;
		});
		expect(refusals.map((r: { action_id: string }) => r.action_id).sort()).toEqual([...refused].sort());
		expect(new Set(refusals.map((r: { code: string }) => r.code))).toEqual(new Set(['quota_exceeded']));
		expect(ar.errors.quota_exceeded).toBeTruthy();
		expect(en.errors.quota_exceeded).toBeTruthy();

		// Recorded in the audit trail as refused, with the code.
		const audit = await server.store.use('audit').get(`audit:${refused[0]}`);
		expect(audit).toMatchObject({ outcome: 'refused', code: 'quota_exceeded', kind: 'submit' });

		// Only the accepted cases exist.
		await waitFor(async () => {
			const rows = await server.store.use('cases').fetch({ keys: docs.map((d) => `case:${d.case_key}`) });
			const found = rows.rows.filter((r) => 'doc' in r && r.doc).length;
			return found === PER_HOUR ? found : undefined;
		});
	});

	it("another person's quota is their own, and follow-ups without files are never counted", async () => {
		const other = await signInCitizen(server.base, '+97336300302');
		const [first] = await push(other, [submitAction()]);
		expect(first.error).toBeUndefined();
		const caseKey = randomUUID();
		const many = Array.from({ length: 12 }, () => followUp(caseKey, 'provide_info', { body: 'More details.' }));
		const answers = await push(other, many);
		expect(answers.filter((a) => a.reason === 'quota_exceeded')).toHaveLength(0);
	});
});

describe('file bytes per day', () => {
	it('refuses the file that would pass one megabyte a day, under parallel pushes', async () => {
		const citizen = await signInCitizen(server.base, '+97336300303');
		// A real PNG of about 300 KB: the quota counts the bytes received, before the gate re-encodes them.
		const photo = (await pngOfBytes(300 * 1024)).toString('base64');
		const docs = Array.from({ length: 5 }, () => submitAction({ _attachments: { 'photo-1.png': { content_type: 'image/png', data: photo } } }));
		const answers = await Promise.all(docs.map((doc) => push(citizen, [doc])));
		// 3 × 300 KB fit in 1 MB (1,048,576 bytes); a fourth would not.
		expect(answers.filter(([r]) => !r.error)).toHaveLength(3);
		expect(answers.filter(([r]) => r.reason === 'quota_exceeded')).toHaveLength(2);
	});
});

describe('refused actions leave intake', () => {
	it('an action the engine refuses is recorded, then removed; its id stays taken and is not sent again', async () => {
		const citizen = await signInCitizen(server.base, '+97336300304');
		const outbox = local('outbox');
		// No such case: the engine refuses it (case_not_found).
		const orphan = followUp(randomUUID(), 'provide_info', { body: 'Here is the missing information.' });
		await outbox.put(orphan);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const own = local('own');
		const refusal = await waitFor(async () => {
			await own.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
			return own.get(`rejection:${orphan._id}`).catch(() => undefined);
		});
		expect(refusal.code).toBe('case_not_found');
		await waitFor(async () => ((await liveInIntake([orphan._id])).length === 0 ? true : undefined), 15_000, 'removal');
		expect(await server.store.use('audit').get(`audit:${orphan._id}`)).toMatchObject({ outcome: 'refused' });

		// The device's replicator, starting over, finds nothing to send; a raw re-send is refused.
		const again = await outbox.replicate.to(remote(server.base, 'intake', citizen), { checkpoint: false });
		expect(again.docs_written).toBe(0);
		const [raw] = await push(citizen, [{ ...orphan, _rev: undefined }]);
		expect(raw).toMatchObject({ error: 'forbidden', reason: 'duplicate_action' });
		expect(await liveInIntake([orphan._id])).toEqual([]);
	});
});

describe('windows (fitActions)', () => {
	const limits: QuotaLimits = { casesPerHour: 2, casesPerDay: 3, attachmentBytesPerDay: 1000 };
	const submit = { kind: 'submit' } as ActionDoc;
	const BUCKET = 10 * 60 * 1000;
	const t0 = 1_800_000_000_000 - (1_800_000_000_000 % BUCKET);

	it.each([
		['two an hour, the third refused', [[0, 3]], [true, true, false]],
		[
			'an hour later two more fit, then the day is full',
			[
				[0, 2],
				[61, 2]
			],
			[true, true, true, false]
		],
		[
			'a day later everything fits again',
			[
				[0, 2],
				[61, 1],
				[24 * 60 + 1, 2]
			],
			[true, true, true, true, true]
		]
	] as const)('%s', (_label, steps, expected) => {
		let buckets = {};
		const outcome: boolean[] = [];
		for (const [minutes, count] of steps) {
			const fitted = fitActions(
				buckets,
				Array.from({ length: count }, () => submit),
				limits,
				t0 + minutes * 60_000
			);
			buckets = fitted.buckets;
			outcome.push(...fitted.fits);
		}
		expect(outcome).toEqual(expected);
	});

	it('counts file bytes over the day and drops buckets older than a day', () => {
		const file = (bytes: number) => ({ kind: 'provide_info', _attachments: { 'a.png': { content_type: 'image/png', data: Buffer.alloc(bytes).toString('base64') } } }) as unknown as ActionDoc;
		const first = fitActions({}, [file(600), file(600)], limits, t0);
		expect(first.fits).toEqual([true, false]);
		const later = fitActions(first.buckets, [file(600)], limits, t0 + 24 * 3600_000);
		expect(later.fits).toEqual([true]);
		expect(Object.keys(later.buckets)).toHaveLength(1);
	});
});
