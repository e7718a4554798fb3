/** "Already reported?" end to end (issue 15): cases filed through the gate and routed by the
 * engine, then GET /api/nearby for a citizen about to report a public place, following one of them
 * through the normal device → gate → engine path, what the follower, the owner and staff each get,
 * and the follower's SMS when the entity answers — once, also after the engine replays its feed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEARBY_RADIUS_M } from '../../src/lib/domain/nearby.js';
import { t } from '../../sync-server/src/rating/i18n.js';
import { followUp, restartReplaying, settled, signInCitizen, signInStaff, startInProcess, submitAction, tempDir, waitFor, type Session } from './harness.js';
import { pullDoc, push } from './rating-helpers.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const DATA_DIR = tempDir();
const ENV = { DATA_DIR, PUBLIC_URL: 'https://tawasul.example' };
const PHONES = { owner: '+97336007101', follower: '+97336007102', other: '+97336007103' };
/** A road in Manama, and points measured from it. */
const HERE = { lat: 26.2235, lng: 50.5876 };
const north = (m: number) => ({ lat: HERE.lat + m / 111_195, lng: HERE.lng });
const east = (m: number) => ({ lat: HERE.lat, lng: HERE.lng + m / (111_195 * Math.cos((HERE.lat * Math.PI) / 180)) });
const ANSWER_FIELDS = ['age_days', 'case_key', 'distance_m', 'mine', 'ref', 'status', 'subject', 'supporters'];

let server: Server;
const who = {} as Record<'owner' | 'follower' | 'other' | 'agent', Session>;
const keys = {} as Record<'near' | 'north150' | 'east400' | 'lights' | 'general' | 'closed' | 'followersOwn', string>;
const SECRET_BODY = 'Ahmed of house 12, phone 36007101, says the pothole near the school gate broke his axle.';

function filed(name: keyof typeof keys, fields: Record<string, unknown>) {
	const action = submitAction({ body: SECRET_BODY, subject: `Pothole ${name}`, ...fields });
	keys[name] = action.case_key;
	return action;
}

const nearby = (session: Session | null, query: string) => fetch(`${server.base}/api/nearby?${query}`, { headers: session ? { cookie: session.cookie } : {} });
const at = (point: { lat: number; lng: number }, category = 'works-potholes') => `category_id=${category}&lat=${point.lat.toFixed(6)}&lng=${point.lng.toFixed(6)}`;
const caseDoc = (key: string) => server.store.use<Record<string, any>>('cases').get(`case:${key}`);

async function sentTo(phone: string): Promise<string[]> {
	const outbox = await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}&limit=100`)).json();
	const signIn = (['ar', 'en'] as const).map((locale) => t(locale, 'auth.sms.code').split('{code}')[0]);
	return (outbox.messages as { text: string }[]).map((m) => m.text).filter((text) => !signIn.some((start) => text.startsWith(start)));
}

beforeAll(async () => {
	server = await startInProcess(ENV);
	const [owner, follower, other, agent] = await Promise.all([
		signInCitizen(server.base, PHONES.owner),
		signInCitizen(server.base, PHONES.follower),
		signInCitizen(server.base, PHONES.other),
		signInStaff(server.base, 'agent.works')
	]);
	Object.assign(who, { owner, follower, other, agent });
	await push(server.base, owner, [
		filed('near', { location: HERE }),
		filed('north150', { location: north(150) }),
		filed('east400', { location: east(400) }),
		filed('lights', { location: HERE, category_id: 'works-street-lights' }),
		filed('general', { location: HERE, category_id: 'works-general' }),
		filed('closed', { location: north(20) })
	]);
	await push(server.base, follower, [filed('followersOwn', { location: east(200), body: 'The road edge has crumbled into a deep hole.' })]);
	await settled(server);
	await push(server.base, agent, [followUp(keys.closed, 'close', { body: 'Repaired.' })]);
	await settled(server);
	expect((await caseDoc(keys.closed)).status).toBe('closed');
}, 120_000);
afterAll(() => server?.stop());

describe('GET /api/nearby', () => {
	it('lists only open cases of the same category within 250 m, nearest first, without personal data', async () => {
		const response = await nearby(who.follower, at(HERE));
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toContain('no-store');
		const body = await response.json();
		expect(body).toMatchObject({ category_id: 'works-potholes', radius_m: NEARBY_RADIUS_M });
		expect(body.cases.map((c: { case_key: string }) => c.case_key)).toEqual([keys.near, keys.north150, keys.followersOwn]);
		const [near, north150, own] = body.cases;
		expect(near).toMatchObject({ distance_m: 0, status: 'open', supporters: 0, age_days: 0, mine: false, subject: 'Pothole near' });
		expect(near.ref).toBe((await caseDoc(keys.near)).ref);
		expect(north150.distance_m).toBe(150);
		expect(own).toMatchObject({ distance_m: 200, mine: true });
		for (const item of body.cases) expect(Object.keys(item).sort()).toEqual(ANSWER_FIELDS);
		const text = JSON.stringify(body);
		for (const secret of [SECRET_BODY, who.owner.user.user_id, PHONES.owner, '36007101', String(HERE.lat)]) expect(text).not.toContain(secret);
	});

	it('tells the one who filed a case that it is theirs', async () => {
		const body = await (await nearby(who.owner, at(HERE))).json();
		const mine = Object.fromEntries(body.cases.map((c: { case_key: string; mine: boolean }) => [c.case_key, c.mine]));
		expect(mine).toEqual({ [keys.near]: true, [keys.north150]: true, [keys.followersOwn]: false });
	});

	it('finds the street-lights case under its own category only, and nothing past 250 m', async () => {
		const lights = await (await nearby(who.follower, at(HERE, 'works-street-lights'))).json();
		expect(lights.cases.map((c: { case_key: string }) => c.case_key)).toEqual([keys.lights]);
		const farOff = await (await nearby(who.follower, at(east(600)))).json();
		expect(farOff.cases.map((c: { case_key: string }) => c.case_key)).toEqual([keys.east400]);
	});

	it.each([
		['a category not marked public place', at(HERE, 'works-general'), 409, 'not_public_place'],
		['an unknown category', at(HERE, 'works-nothing'), 404, 'unknown_category'],
		['a latitude out of range', 'category_id=works-potholes&lat=86&lng=50.5', 400, 'invalid_location'],
		['a longitude written as an exponent', 'category_id=works-potholes&lat=26.2&lng=5e1', 400, 'invalid_location'],
		['a missing longitude', 'category_id=works-potholes&lat=26.2', 400, 'required'],
		['a category id of the wrong shape', 'category_id=Works%20Potholes&lat=26.2&lng=50.5', 400, 'invalid_format'],
		['a field twice', 'category_id=works-potholes&lat=26.2&lat=26.3&lng=50.5', 400, 'invalid_location'],
		['a field it does not have', `${at(HERE)}&citizen_id=x`, 400, 'unknown_field'],
		['a long URL', `${at(HERE)}&pad=${'x'.repeat(400)}`, 413, 'payload_too_large']
	])('refuses %s', async (_name, query, status, code) => {
		const response = await nearby(who.other, query);
		expect(response.status).toBe(status);
		expect((await response.json()).error.code).toBe(code);
	});

	it('is for signed-in citizens only', async () => {
		expect((await nearby(null, at(HERE))).status).toBe(401);
		expect((await nearby(who.agent, at(HERE))).status).toBe(403);
	});
});

describe('following a nearby case', () => {
	let follow: Record<string, unknown>;

	it('makes the citizen its supporter once, however often they follow and whatever is replayed', async () => {
		follow = followUp(keys.near, 'follow', { locale: 'en' });
		const again = followUp(keys.near, 'follow', { locale: 'en' });
		await push(server.base, who.follower, [follow]);
		await settled(server);
		await push(server.base, who.follower, [follow, again]);
		await settled(server);
		const stored = await caseDoc(keys.near);
		expect(stored.supporters).toBe(1);
		expect(stored.followers).toEqual([{ user_id: who.follower.user.user_id, locale: 'en' }]);
		expect(stored.applied.filter((id: string) => id === follow._id)).toHaveLength(1);
		const refused = await pullDoc(server.base, who.follower, `u_${who.follower.user.user_id}`, `rejection:${again._id}`);
		expect(refused.code).toBe('already_following');
		const listed = await (await nearby(who.other, at(HERE))).json();
		expect(listed.cases.find((c: { case_key: string }) => c.case_key === keys.near).supporters).toBe(1);
	});

	it("gives the follower the case read-only, without the other citizen's data", async () => {
		const mirrored = await pullDoc(server.base, who.follower, `u_${who.follower.user.user_id}`, `case:${keys.near}`);
		expect(mirrored).toMatchObject({ followed: true, case_key: keys.near, status: 'open', subject: 'Pothole near', supporters: 1 });
		for (const field of ['body', 'location', 'citizen_id', 'citizen_label', 'followers', 'applied', 'ref_seal', 'kiosk']) expect(mirrored).not.toHaveProperty(field);
		const text = JSON.stringify(mirrored);
		for (const secret of [SECRET_BODY, who.owner.user.user_id, who.follower.user.user_id, PHONES.owner]) expect(text).not.toContain(secret);
		expect(mirrored.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit']);
	});

	it('shows staff how many support the case, not who, and the owner nothing of the follower', async () => {
		const staffCopy = await pullDoc(server.base, who.agent, 'e_works', `case:${keys.near}`, (doc) => doc.supporters === 1);
		expect(staffCopy).not.toHaveProperty('followers');
		const ownerCopy = await pullDoc(server.base, who.owner, `u_${who.owner.user.user_id}`, `case:${keys.near}`, (doc) => doc.version >= 2);
		expect(JSON.stringify(ownerCopy)).not.toContain(who.follower.user.user_id);
		expect(ownerCopy.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit']);
	});

	it('texts the follower the final reply once, in their language, and updates their copy', async () => {
		const interim = followUp(keys.near, 'reply', { body: 'A crew visits on Sunday.', interim: true });
		await push(server.base, who.agent, [interim]);
		await settled(server);
		expect(await sentTo(PHONES.follower)).toEqual([]);
		await push(server.base, who.agent, [followUp(keys.near, 'reply', { body: 'Dear Ahmed, the pothole was filled today.' })]);
		await settled(server);
		const ref = (await caseDoc(keys.near)).ref;
		expect(await sentTo(PHONES.follower)).toEqual([t('en', 'notice.sms.followed_answered', { ref, entity: 'Ministry of Works' })]);
		const mirrored = await pullDoc(server.base, who.follower, `u_${who.follower.user.user_id}`, `case:${keys.near}`, (doc) => doc.status === 'answered');
		expect(mirrored.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'reply', 'reply']);
		expect(JSON.stringify(mirrored)).not.toContain('Ahmed');
		// The owner still gets their own rating invitation, and nothing meant for followers.
		expect((await sentTo(PHONES.owner)).some((text) => text.includes('/r/'))).toBe(true);
	});

	it('does not list an answered case any more, nor accept a follow on it', async () => {
		const listed = await (await nearby(who.other, at(HERE))).json();
		expect(listed.cases.map((c: { case_key: string }) => c.case_key)).not.toContain(keys.near);
		const late = followUp(keys.near, 'follow');
		await push(server.base, who.other, [late]);
		const refused = await pullDoc(server.base, who.other, `u_${who.other.user.user_id}`, `rejection:${late._id}`);
		expect(refused.code).toBe('invalid_transition');
	});

	it('sends nothing twice when the engine replays its whole feed', async () => {
		const before = await sentTo(PHONES.follower);
		server = await restartReplaying(server, DATA_DIR, ENV);
		expect(await sentTo(PHONES.follower)).toEqual(before);
		const stored = await caseDoc(keys.near);
		expect(stored.supporters).toBe(1);
		expect(stored.followers).toHaveLength(1);
		await waitFor(async () => ((await (await nearby(who.follower, at(north(150)))).json()).cases.length > 0 ? true : undefined), 10_000, 'nearby after restart');
	}, 90_000);
});
