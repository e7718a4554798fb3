import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCalendar } from '../../../src/lib/domain/calendar.js';
import { DB } from '../../../src/lib/domain/doc-types.js';
import type { DailyDigest } from '../../../src/lib/domain/digest.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import { smsTemplateDocId, type SmsTemplateDoc } from '../admin/config-docs.js';
import { enqueue, getJob, jobDocId, type NewJob } from '../sms/jobs.js';
import { setOptOut } from '../sms/opt-out.js';
import type { Store } from '../store.js';
import { deliverDigest, digestDocId, digestSms, digestSmsSource, latestDigest, type DigestDoc } from './digest.js';

let store: Store;
let close: () => Promise<void>;
const NOW = new Date('2026-01-04T05:00:00Z');
const DAY = '2026-01-04';
const LINK = 'https://tawasul.example';
const BUSY: DailyDigest = {
	day: DAY,
	entity_id: 'works',
	manager_id: 's-manager',
	made_at: NOW.toISOString(),
	working_days: 1,
	counts: { late: 2, due_soon: 1, low_ratings: 0, reopened: 1 },
	late: [],
	due_soon: [],
	attention: [],
	truncated: false
};

beforeAll(async () => {
	({ store, close } = await openTestStore());
	for (const db of [DB.CASES, DB.CONFIG, DB.SMS]) await store.ensureDb(db);
	await setOptOut(store, '+97336500002', true, NOW);
	await store.use(DB.CONFIG).insert({
		_id: smsTemplateDocId('manager_digest'),
		type: 'sms_template',
		key: 'manager_digest',
		text_ar: 'ملخص {day}: {late} متأخرة',
		text_en: 'Digest {day}: {late} late, {due_soon} soon {link}',
		updated_at: NOW.toISOString()
	} satisfies SmsTemplateDoc);
});
afterAll(() => close());

const manager = (fields: Record<string, unknown> = {}) => ({ user_id: 's-manager', entity_id: 'works', phone: '+97336500001', digest_sms: true, digest_locale: 'en' as const, ...fields });

describe('digestSms', () => {
	it.each([
		['nothing to chase', {}, { ...BUSY.counts, late: 0, due_soon: 0, reopened: 0 }, 'quiet'],
		['not chosen', { digest_sms: false }, BUSY.counts, 'not_opted_in'],
		['no phone', { phone: undefined }, BUSY.counts, 'no_phone'],
		['a number that is not one', { phone: '12' }, BUSY.counts, 'invalid_phone'],
		['a number that replied STOP', { phone: '+97336500002' }, BUSY.counts, 'opted_out']
	])('sends nothing for %s', async (_label, fields, counts, outcome) => {
		const answer = await digestSms({ store, publicUrl: LINK }, manager(fields), { ...BUSY, counts });
		expect(answer).toEqual({ outcome });
	});

	it('words the SMS as the coordinator did, in the language the manager chose, once per manager and day', async () => {
		const en = await digestSms({ store, publicUrl: `${LINK}/` }, manager(), BUSY);
		expect(en).toEqual({ outcome: 'queued', job: { source: digestSmsSource('s-manager', DAY), purpose: 'digest', to: '+97336500001', text: `Digest ${DAY}: 2 late, 1 soon ${LINK}/staff` } });
		const ar = await digestSms({ store, publicUrl: LINK }, manager({ digest_locale: 'ar' }), BUSY);
		expect(ar.job?.text).toBe(`ملخص ${DAY}: 2 متأخرة`);
	});
});

describe('deliverDigest', () => {
	const deps = (queued: NewJob[]) => ({
		store,
		publicUrl: LINK,
		workingDays: 1,
		enqueue: async (job: NewJob) => {
			queued.push(job);
			return (await enqueue(store, job, NOW)) !== null;
		}
	});
	const ctx = { now: NOW, day: DAY, calendar: makeCalendar({ time_zone: 'Asia/Bahrain', weekend: [5, 6] }, []), threshold: 2 };

	it("makes the day's digest once, and settles its SMS once, also when a pass died before settling it", async () => {
		const queued: NewJob[] = [];
		const quietManager = manager({ user_id: 's-quiet' });
		expect(await deliverDigest(deps(queued), quietManager, ctx)).toBe(true);
		expect(await deliverDigest(deps(queued), quietManager, ctx)).toBe(false);
		const db = store.use<DigestDoc>(DB.DIGESTS);
		const doc = await db.get(digestDocId('s-quiet', DAY));
		// No case at all: a quiet digest, listed for the manager, without an SMS.
		expect(doc).toMatchObject({ day: DAY, entity_id: 'works', manager_id: 's-quiet', counts: { late: 0, due_soon: 0, low_ratings: 0, reopened: 0 }, sms: 'quiet' });
		expect(queued).toEqual([]);

		// A digest with something to chase whose pass died after writing it.
		await db.insert({ ...doc, _id: digestDocId('s-busy', DAY), _rev: undefined, manager_id: 's-busy', counts: BUSY.counts, sms: null });
		const busy = manager({ user_id: 's-busy' });
		expect(await deliverDigest(deps(queued), busy, ctx)).toBe(false);
		expect(await deliverDigest(deps(queued), busy, ctx)).toBe(false);
		expect((await db.get(digestDocId('s-busy', DAY))).sms).toBe('queued');
		expect(queued.map((j) => j.source)).toEqual([digestSmsSource('s-busy', DAY)]);
		expect(await getJob(store, jobDocId(digestSmsSource('s-busy', DAY)))).toMatchObject({ purpose: 'digest', to: '+97336500001', status: 'queued' });
	});

	it("gives a manager their latest digest and no one else's", async () => {
		const db = store.use<DigestDoc>(DB.DIGESTS);
		const older = await db.get(digestDocId('s-quiet', DAY));
		await db.insert({ ...older, _id: digestDocId('s-quiet', '2026-01-01'), _rev: undefined, day: '2026-01-01' });
		expect((await latestDigest(store, 's-quiet'))?.day).toBe(DAY);
		expect(await latestDigest(store, 's-quie')).toBeNull();
		expect(await latestDigest(store, 's-nobody')).toBeNull();
	});
});
