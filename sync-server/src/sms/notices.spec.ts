import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB, LEGACY_CITIZEN_ID, type CaseDoc, type TimelineEntry } from '../../../src/lib/domain/doc-types.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import { accountDocId } from '../auth/types.js';
import { log } from '../log.js';
import type { CitizenNoticeEffect } from '../rules/types.js';
import type { Store } from '../store.js';
import { enqueue, getJob, jobDocId, type NewJob } from './jobs.js';
import { noticeHandler, queueNotice, type NoticeDeps } from './notices.js';
import { setOptOut } from './opt-out.js';

let store: Store;
let close: () => Promise<void>;
const NOW = new Date('2026-03-01T08:00:00Z');
let n = 0;

beforeAll(async () => {
	({ store, close } = await openTestStore());
	for (const db of [DB.CASES, DB.AUTH, DB.CONFIG, DB.SMS]) await store.ensureDb(db);
	await store.use(DB.CONFIG).bulk({
		docs: [
			{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
			{ _id: 'entity:health', type: 'entity', entity_id: 'health', name_ar: 'وزارة الصحة', name_en: 'Ministry of Health', active: true }
		]
	});
});
afterAll(() => close());
afterEach(() => vi.restoreAllMocks());

/** The sender's enqueue, without the sender: a job once per source. */
const deps = (): NoticeDeps => ({ store, enqueue: async (job: NewJob) => (await enqueue(store, job, NOW)) !== null });

/** A citizen (with `phone` on the account, or none; `account: false` for no account at all) and
 * their case, transferred from works to health by the action the notice is about. */
async function transferredCase(phone: string | null, options: { account?: boolean; locale?: 'ar' | 'en'; citizen?: string } = {}) {
	const id = ++n;
	const citizenId = options.citizen ?? `c-notice-${id}`;
	if (options.account !== false && citizenId !== LEGACY_CITIZEN_ID) {
		await store.use(DB.AUTH).insert({
			_id: accountDocId(citizenId),
			type: 'account',
			user_id: citizenId,
			role: 'citizen',
			name: '',
			...(phone ? { phone } : {}),
			failed_logins: 0,
			locked_until: null,
			created_at: NOW.toISOString()
		});
	}
	const entry = (kind: TimelineEntry['kind'], extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
		action_id: `act:${kind}-${id}`,
		kind,
		at: NOW.toISOString(),
		author_role: 'agent',
		author_id: 's1',
		...extra
	});
	const caseKey = `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
	const caseDoc = {
		_id: `case:${caseKey}`,
		type: 'case',
		case_key: caseKey,
		ref: `26-0000${id}-0`,
		entity_id: 'health',
		locale: options.locale ?? 'en',
		citizen_id: citizenId,
		timeline: [entry('submit', { author_role: 'citizen' }), entry('transfer', { from_entity_id: 'works', to_entity_id: 'health' })]
	} as unknown as CaseDoc;
	await store.use(DB.CASES).insert(caseDoc as never);
	const effect: CitizenNoticeEffect = { kind: 'citizen_notice', notice: 'transferred', key: `notice:act:transfer-${id}`, action_id: `act:transfer-${id}`, case_key: caseKey };
	return { effect, caseDoc };
}

describe('citizen notices', () => {
	it("queues one SMS per action, in the case's language, naming both entities; asked again, nothing more", async () => {
		const { effect, caseDoc } = await transferredCase('+97336000701');
		expect(await queueNotice(deps(), effect)).toBe('queued');
		const job = await getJob(store, jobDocId(`notice:${effect.action_id}`));
		expect(job).toMatchObject({ purpose: 'notice', to: '+97336000701', status: 'queued' });
		expect(job!.text).toBe(`Tawasul: your case ${caseDoc.ref} was transferred from Ministry of Works to Ministry of Health, which will answer it.`);
		expect(await queueNotice(deps(), effect)).toBe('already_queued');
		const arabic = await transferredCase('+97336000702', { locale: 'ar' });
		await queueNotice(deps(), arabic.effect);
		expect((await getJob(store, jobDocId(`notice:${arabic.effect.action_id}`)))!.text).toContain('من وزارة الأشغال إلى وزارة الصحة');
	});

	it("uses the coordinator's wording when there is one", async () => {
		await store.use(DB.CONFIG).insert({
			_id: 'sms_template:notice_transferred',
			type: 'sms_template',
			key: 'notice_transferred',
			text_ar: 'طلبك {ref} لدى {entity}',
			text_en: 'Case {ref} is now with {entity}',
			updated_at: NOW.toISOString()
		});
		const { effect, caseDoc } = await transferredCase('+97336000703');
		await queueNotice(deps(), effect);
		expect((await getJob(store, jobDocId(`notice:${effect.action_id}`)))!.text).toBe(`Case ${caseDoc.ref} is now with Ministry of Health`);
		await store.use(DB.CONFIG).destroy('sms_template:notice_transferred', (await store.use(DB.CONFIG).get('sms_template:notice_transferred'))._rev);
	});

	it.each<[string, () => Promise<{ effect: CitizenNoticeEffect }>, string]>([
		['an account without a phone', () => transferredCase(null), 'no_phone'],
		['a phone that is not a mobile number', () => transferredCase('+9731700000'), 'invalid_phone'],
		['a citizen without an account', () => transferredCase('+97336000704', { account: false }), 'no_account'],
		['a case imported from a legacy system', () => transferredCase(null, { citizen: LEGACY_CITIZEN_ID }), 'no_account'],
		[
			'a number that replied STOP',
			async () => {
				await setOptOut(store, '+97336000705', true, NOW);
				return transferredCase('+97336000705');
			},
			'opted_out'
		],
		[
			'an action the case does not hold',
			async () => {
				const { effect } = await transferredCase('+97336000706');
				return { effect: { ...effect, action_id: 'act:elsewhere', key: 'notice:act:elsewhere' } };
			},
			'no_case'
		]
	])('queues nothing for %s, and logs why without the number', async (_name, make, reason) => {
		const { effect } = await make();
		const info = vi.spyOn(log, 'info');
		await noticeHandler(deps())([effect]);
		expect(await getJob(store, jobDocId(`notice:${effect.action_id}`))).toBeNull();
		expect(info).toHaveBeenCalledWith('citizen notice not sent', { key: effect.key, notice: 'transferred', reason });
		expect(JSON.stringify(info.mock.calls)).not.toMatch(/\+973/);
	});
});
