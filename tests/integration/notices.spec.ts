/** The citizen's SMS notices (issue 16), end to end: one case taken through the entity's request
 * for information, a transfer, an interim reply, the final reply and the citizen's reopening, each read from the SMS
 * outbox as the citizen's phone would receive it: one message per event, in the case's language,
 * none after the citizen replied STOP, and none again when the engine replays its whole feed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../sync-server/src/rating/i18n.js';
import { followUp, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, settled, restartReplaying, type Session } from './harness.js';
import { pullDoc, push } from './rating-helpers.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const PHONE_AR = '+97336000601';
const PHONE_EN = '+97336000602';
const TOKEN = 'notices-inbound-0123456789abcdef';
const DATA_DIR = tempDir();
const ENV = { DATA_DIR, SMS_INBOUND_TOKEN: TOKEN, PUBLIC_URL: 'https://tawasul.example' };
const WORKS = { ar: 'وزارة الأشغال', en: 'Ministry of Works' };
const HEALTH = { ar: 'وزارة الصحة', en: 'Ministry of Health' };
let server: Server;

afterAll(async () => {
	await server?.stop();
});

const SIGN_IN = (['ar', 'en'] as const).map((locale) => t(locale, 'auth.sms.code').split('{code}')[0]);

/** Every message texted to `phone` but sign-in codes, by outbox id. The outbox lists them from the
 * changes feed, which a sharded CouchDB does not keep in one order: compared as sets. */
async function sentTo(phone: string): Promise<Map<string, string>> {
	const outbox = await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}&limit=100`)).json();
	return new Map((outbox.messages as { id: string; text: string }[]).filter((m) => !SIGN_IN.some((start) => m.text.startsWith(start))).map((m) => [m.id, m.text]));
}

const texts = async (phone: string) => [...(await sentTo(phone)).values()].sort();

/** Pushes one action, waits until it is worked through, and returns the texts it brought. */
async function step(phone: string, session: Session, action: Record<string, unknown>): Promise<string[]> {
	const before = await sentTo(phone);
	await push(server.base, session, [action]);
	await settled(server);
	return [...(await sentTo(phone))].filter(([id]) => !before.has(id)).map(([, text]) => text);
}

describe('citizen notices by SMS', () => {
	let citizen: Session;
	let english: Session;
	let works: Session;
	let health: Session;
	let caseKey: string;
	let ref: string;
	const all: string[] = [];

	beforeAll(async () => {
		server = await startInProcess(ENV);
		citizen = await signInCitizen(server.base, PHONE_AR);
		english = await signInCitizen(server.base, PHONE_EN);
		works = await signInStaff(server.base, 'agent.works');
		health = await signInStaff(server.base, 'agent.health');
	});

	it("texts the reference number of a case filed offline, once, in the case's language", async () => {
		// Made on the phone an hour before the network came back.
		const submit = submitAction({ locale: 'ar', client_time: new Date(Date.now() - 3_600_000).toISOString() });
		caseKey = submit.case_key;
		const sent = await step(PHONE_AR, citizen, submit);
		ref = (await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `case:${caseKey}`)).ref;
		expect(sent).toEqual([t('ar', 'notice.sms.reference_issued', { ref, entity: WORKS.ar })]);
		all.push(...sent);
	});

	it('texts nothing for a case filed online: the reference was on the screen', async () => {
		expect(await step(PHONE_EN, english, submitAction({ locale: 'en' }))).toEqual([]);
	});

	it('texts each event once: information requested, transferred, interim reply, final reply (the rating invitation), reopened', async () => {
		const asked = await step(PHONE_AR, works, followUp(caseKey, 'request_info', { body: 'ما رقم عمود الإنارة؟' }));
		expect(asked).toEqual([t('ar', 'notice.sms.info_requested', { ref, entity: WORKS.ar })]);
		// The citizen's own answer and the entity's internal note tell the citizen nothing new.
		expect(await step(PHONE_AR, citizen, followUp(caseKey, 'provide_info', { body: 'العمود رقم 44' }))).toEqual([]);
		expect(await step(PHONE_AR, works, followUp(caseKey, 'note', { body: 'Not ours: a clinic lamp' }))).toEqual([]);
		const moved = await step(PHONE_AR, works, followUp(caseKey, 'transfer', { to_entity_id: 'health', reason: 'The lamp belongs to the health centre' }));
		expect(moved).toEqual([t('ar', 'notice.sms.transferred', { ref, entity: HEALTH.ar, from_entity: WORKS.ar })]);
		// An interim reply says where the case stands; the case stays open and its clock runs.
		const update = await step(PHONE_AR, health, followUp(caseKey, 'reply', { body: 'حُجز فريق الصيانة ليوم الأحد.', interim: true }));
		expect(update).toEqual([t('ar', 'notice.sms.interim_reply', { ref, entity: HEALTH.ar })]);
		const held = await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `case:${caseKey}`, (doc) => doc.timeline.some((e: { interim?: boolean }) => e.interim));
		expect(held).toMatchObject({ status: 'open', sla: { stopped_at: null } });
		// The final reply's one SMS is its rating invitation, from the new entity.
		const replied = await step(PHONE_AR, health, followUp(caseKey, 'reply', { body: 'أُصلح المصباح.' }));
		expect(replied).toHaveLength(1);
		expect(replied[0]).toMatch(/^تواصل: ردّت وزارة الصحة على طلبك .+ https:\/\/tawasul\.example\/r\/[\w-]{43}$/);
		expect(replied[0]).toContain(ref);
		const reopened = await step(PHONE_AR, citizen, followUp(caseKey, 'reopen', { reason: 'ما زال المصباح مطفأً' }));
		expect(reopened).toEqual([t('ar', 'notice.sms.reopened', { ref, entity: HEALTH.ar })]);
		all.push(...asked, ...moved, ...update, ...replied, ...reopened);
		expect(await texts(PHONE_AR)).toEqual([...all].sort());
	});

	it('texts in English for a case filed in English', async () => {
		const submit = submitAction({ locale: 'en' });
		await step(PHONE_EN, english, submit);
		const { ref: enRef } = await pullDoc(server.base, english, `u_${english.user.user_id}`, `case:${submit.case_key}`);
		const sent = await step(PHONE_EN, works, followUp(submit.case_key, 'request_info', { body: 'Which pole is it?' }));
		expect(sent).toEqual([t('en', 'notice.sms.info_requested', { ref: enRef, entity: WORKS.en })]);
	});

	it('texts nothing more once the citizen replied STOP', async () => {
		const stop = await fetch(`${server.base}/api/sms/inbound`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify({ from: PHONE_AR.slice(1), text: 'إيقاف' })
		});
		expect(stop.status).toBeLessThan(300);
		const asked = followUp(caseKey, 'request_info', { body: 'Which room?' });
		expect(await step(PHONE_AR, health, asked)).toEqual([]);
		// The case took the action; only the SMS was left out.
		await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `case:${caseKey}`, (doc) => doc.applied.includes(asked._id));
		expect(await texts(PHONE_AR)).toEqual([...all].sort());
	});

	it('texts nothing twice when the engine replays its whole feed', async () => {
		const jobsBefore = (await server.store.use('sms').list({ startkey: 'job:', endkey: 'job:\uffff' })).rows.map((r) => r.id);
		expect(jobsBefore.filter((id) => id.startsWith('job:notice:'))).toHaveLength(6);
		// The same actions again, as a restart after a crash would bring them: nothing new.
		server = await restartReplaying(server, DATA_DIR, ENV);
		expect(await texts(PHONE_AR)).toEqual([...all].sort());
		const jobsAfter = (await server.store.use('sms').list({ startkey: 'job:', endkey: 'job:\uffff' })).rows.map((r) => r.id);
		expect(jobsAfter.sort()).toEqual(jobsBefore.sort());
	});
});
