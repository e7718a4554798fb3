/** The nearby lookup and following under attack (issue 15): a citizen who guessed the key of a
 * case of a private category cannot follow it and learns nothing of it; no follow reaches another
 * citizen's data; a follow with fields of its own, someone else's identity or a staff session is
 * refused at the gate; and a flood of lookups is cut at the per-minute quota while another citizen
 * is still served. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEARBY_PER_MINUTE } from '../../sync-server/src/http/nearby-routes.js';
import { followUp, settled, signInCitizen, signInStaff, startInProcess, submitAction, type Session } from '../integration/harness.js';
import { pullDoc, push } from '../integration/rating-helpers.js';
import { expectRefused, pushRaw, stored, type Server } from './gate-helpers.js';

let server: Server;
let owner: Session;
let hostile: Session;
let bystander: Session;
let agent: Session;
const keys = { pothole: '', general: '' };
const HERE = { lat: 26.2235, lng: 50.5876 };
const query = `category_id=works-potholes&lat=${HERE.lat}&lng=${HERE.lng}`;

beforeAll(async () => {
	server = await startInProcess();
	[owner, hostile, bystander, agent] = await Promise.all([
		signInCitizen(server.base, '+97336007201'),
		signInCitizen(server.base, '+97336007202'),
		signInCitizen(server.base, '+97336007203'),
		signInStaff(server.base, 'agent.works')
	]);
	const pothole = submitAction({ location: HERE, body: 'Private detail: my car, plate 12345, fell into it.' });
	const general = submitAction({ location: HERE, category_id: 'works-general', subject: 'My pension papers', body: 'My national ID is 880112345 and my pension is late.' });
	keys.pothole = pothole.case_key;
	keys.general = general.case_key;
	await push(server.base, owner, [pothole, general]);
	await settled(server);
}, 90_000);
afterAll(() => server?.stop());

const hostileDb = () => `u_${hostile.user.user_id}`;

describe('following under attack', () => {
	it('refuses a follow of a private-category case as if the case did not exist, and projects nothing', async () => {
		const follow = followUp(keys.general, 'follow');
		await push(server.base, hostile, [follow]);
		const refused = await pullDoc(server.base, hostile, hostileDb(), `rejection:${follow._id}`);
		expect(refused.code).toBe('case_not_found');
		expect(JSON.stringify(refused)).not.toMatch(/pension|880112345|works-general/);
		const general = await stored(server, 'cases', `case:${keys.general}`);
		expect(general).not.toHaveProperty('followers');
		expect(general!.supporters).toBeUndefined();
		expect(await stored(server, hostileDb(), `case:${keys.general}`)).toBeUndefined();
	});

	it("refuses a follow that carries fields of its own, another citizen's identity, or a staff session", async () => {
		const padded = followUp(keys.pothole, 'follow', { followers: [{ user_id: hostile.user.user_id, locale: 'ar' }], supporters: 1000 });
		await expectRefused(server, await pushRaw(server.base, hostile, [padded]), [padded._id], 'unknown_field');
		const forged = followUp(keys.pothole, 'follow', { author: { user_id: owner.user.user_id, role: 'citizen' } });
		await expectRefused(server, await pushRaw(server.base, hostile, [forged]), [forged._id], 'not_allowed');
		const staff = followUp(keys.pothole, 'follow');
		await expectRefused(server, await pushRaw(server.base, agent, [staff]), [staff._id], 'not_allowed');
		const own = followUp(keys.pothole, 'follow');
		await push(server.base, owner, [own]);
		expect((await pullDoc(server.base, owner, `u_${owner.user.user_id}`, `rejection:${own._id}`)).code).toBe('not_allowed');
		expect((await stored(server, 'cases', `case:${keys.pothole}`))!.supporters).toBeUndefined();
	});

	it("gives a follower no way into the other citizen's data", async () => {
		await push(server.base, hostile, [followUp(keys.pothole, 'follow')]);
		const copy = await pullDoc(server.base, hostile, hostileDb(), `case:${keys.pothole}`);
		expect(JSON.stringify(copy)).not.toMatch(/plate 12345|Private detail/);
		expect(copy).not.toHaveProperty('location');
		expect(copy).not.toHaveProperty('citizen_id');
		// The owner's database and the entity's stay closed to them, and so do the case's files.
		for (const path of [`/db/u_${owner.user.user_id}/case:${keys.pothole}`, `/db/e_works/case:${keys.pothole}`, `/db/u_${owner.user.user_id}/_all_docs`]) {
			const response = await fetch(`${server.base}${path}`, { headers: { cookie: hostile.cookie } });
			expect(response.status, path).toBeGreaterThanOrEqual(401);
			expect(response.status, path).toBeLessThan(500);
		}
		const lookup = await (await fetch(`${server.base}/api/nearby?${query}`, { headers: { cookie: hostile.cookie } })).json();
		expect(JSON.stringify(lookup)).not.toMatch(/plate 12345|pension|880112345/);
	});

	it('cuts a flood of lookups at the quota with a 429, and serves another citizen meanwhile', async () => {
		const statuses: number[] = [];
		let refusal: { error: { code: string } } | null = null;
		for (let i = 0; i < NEARBY_PER_MINUTE + 5; i++) {
			const response = await fetch(`${server.base}/api/nearby?${query}`, { headers: { cookie: hostile.cookie } });
			statuses.push(response.status);
			if (response.status === 429) refusal ??= await response.json();
			else await response.arrayBuffer();
		}
		const served = statuses.filter((s) => s === 200).length;
		// One lookup was made above; the minute may turn during the flood.
		expect(served).toBeGreaterThanOrEqual(NEARBY_PER_MINUTE - 1);
		expect(served).toBeLessThan(NEARBY_PER_MINUTE + 5);
		expect(refusal?.error.code).toBe('rate_limited');
		expect((await fetch(`${server.base}/api/nearby?${query}`, { headers: { cookie: bystander.cookie } })).status).toBe(200);
	});
});
