/** Rating the reply through the SMS link (issue 4), end to end: the real server and store, the
 * case answered through the gate, the link read from the SMS outbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInCitizen, signInStaff, startInProcess, waitFor, type Session } from './harness.js';
import { answeredCase, form, GOOD, LOW, pullDoc, ratingLinks, type Answered } from './rating-helpers.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
const PHONE = '+97336000301';
let server: Server;
let citizen: Session;
let agent: Session;
let manager: Session;
const logged: string[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);
const originalErr = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
	// Everything the server logs, at its most talkative, to check no token ever appears.
	process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
		logged.push(String(chunk));
		return originalWrite(chunk, ...(rest as []));
	}) as typeof process.stdout.write;
	process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
		logged.push(String(chunk));
		return originalErr(chunk, ...(rest as []));
	}) as typeof process.stderr.write;
	server = await startInProcess({ LOG_LEVEL: 'debug', PUBLIC_URL: 'https://tawasul.example' });
	citizen = await signInCitizen(server.base, PHONE);
	agent = await signInStaff(server.base, 'agent.works');
	manager = await signInStaff(server.base, 'manager.works');
});

afterAll(async () => {
	process.stdout.write = originalWrite;
	process.stderr.write = originalErr;
	await server?.stop();
});

const page = (token: string, init?: RequestInit, query = '') => fetch(`${server.base}/r/${token}${query}`, init);

describe('the rating invitation', () => {
	let answered: Answered;
	beforeAll(async () => {
		answered = await answeredCase(server.base, citizen, agent, PHONE);
	});

	it('texts the citizen one link in their language, with 256 random bits, stored only hashed', async () => {
		expect(answered.smsText).toContain('https://tawasul.example/r/');
		expect(answered.smsText).toMatch(/Ministry of Works/);
		const invites = await server.store.use('ratings').list({ include_docs: true });
		const stored = JSON.stringify(invites.rows);
		expect(stored).not.toContain(answered.token);
		const invite = invites.rows.find((r) => r.id === `invite:${answered.replyId}`)!.doc as Record<string, string>;
		expect(Date.parse(invite.expires_at) - Date.parse(invite.created_at)).toBe(14 * 86_400_000);
		// The queued SMS keeps the link only until it has left.
		const jobs = JSON.stringify((await server.store.use('sms').list({ include_docs: true })).rows.filter((r) => r.id.startsWith('job:')));
		expect(jobs).not.toContain(answered.token);
	});

	it("puts a token-free copy in the citizen's database for the app", async () => {
		const copy = await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `rating_invite:${answered.replyId}`);
		expect(copy).toMatchObject({ type: 'rating_invite', case_key: answered.caseKey, entity_id: 'works', rated_at: null });
		expect(JSON.stringify(copy)).not.toMatch(/token|hash/);
	});

	it("shows the entity, the question and the reply, in the citizen's language, without consuming the link", async () => {
		const head = await page(answered.token, { method: 'HEAD' });
		expect(head.status).toBe(200);
		const response = await page(answered.token);
		expect(response.status).toBe(200);
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
		expect(response.headers.get('cache-control')).toBe('no-store');
		const html = await response.text();
		expect(html).toContain('<html lang="en" dir="ltr">');
		expect(html).toContain('Ministry of Works');
		expect(html).toContain('Pothole on Road 42');
		// The reply's markup is shown as text.
		expect(html).toContain('&lt;b&gt;Thank you&lt;/b&gt;');
		for (const criterion of ['handling', 'clarity', 'courtesy', 'ease_of_use']) expect(html).toMatch(new RegExp(`<fieldset>\\s*<legend>[^<]+</legend>[\\s\\S]*?name="${criterion}"`));
		const arabic = await (await page(answered.token, undefined, '?lang=ar')).text();
		expect(arabic).toContain('<html lang="ar" dir="rtl">');
		expect(arabic).toContain('قيّم الرد');
		// Opened five times by previews and people: still open.
		expect((await page(answered.token)).status).toBe(200);
	});

	it('refuses bad input with a clear message, keeps what was typed, and stores script as text', async () => {
		const response = await page(answered.token, form({ handling: '6', clarity: '5', comment: '<script>alert(1)</script>', lang: 'en' }));
		expect(response.status).toBe(422);
		const html = await response.text();
		expect(html).toContain('role="alert"');
		expect(html).toContain('aria-describedby="c-handling-error"');
		expect(html).toContain('The score must be a whole number from 1 to 5.');
		expect(html).toContain('aria-describedby="c-courtesy-error"');
		expect(html).toContain('Choose a score from 1 to 5.');
		expect(html).toMatch(/id="c-clarity-5" name="clarity" value="5" checked/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
		expect(html).not.toContain('<script>alert(1)');
		// Nothing was recorded.
		expect((await page(answered.token)).status).toBe(200);
	});

	it('refuses a 10 MB comment by its size', async () => {
		const response = await page(answered.token, form({ ...GOOD, comment: 'x'.repeat(10 * 1024 * 1024) })).catch((e) => e as Error);
		// The server answers 413 and closes without reading the rest; a client may see the reset instead.
		if (response instanceof Response) {
			expect(response.status).toBe(413);
			expect(await response.text()).toContain('Too much text');
		}
		expect((await page(answered.token)).status).toBe(200);
	});

	it('records a low rating once, flags the case for the manager with the comment, and offers the appeal', async () => {
		const response = await page(answered.token, form({ ...LOW, comment: 'Nobody came <script>x</script>', lang: 'en' }));
		expect(response.status).toBe(201);
		const html = await response.text();
		expect(html).toContain('Thank you for your rating');
		expect(html).toContain(`action="/r/${answered.token}/reopen"`);
		const flagged = await pullDoc(server.base, manager, 'e_works', `case:${answered.caseKey}`, (d) => !!d.low_rating);
		expect(flagged.low_rating).toMatchObject({ reply_action_id: answered.replyId, min_score: 2, comment: 'Nobody came <script>x</script>' });
		expect(flagged.ratings).toHaveLength(1);
		expect(flagged.status).toBe('answered');
		const used = await page(answered.token);
		expect(used.status).toBe(409);
		expect(await used.text()).toContain('already been rated');
		expect((await page(answered.token, form(GOOD))).status).toBe(409);
		const copy = await pullDoc(server.base, citizen, `u_${citizen.user.user_id}`, `rating_invite:${answered.replyId}`, (d) => !!d.rated_at);
		expect(copy.rated_at).toBeTruthy();
	});

	it('reopens the case within the window with a reason: back in the inbox with a new due date', async () => {
		const before = await pullDoc(server.base, agent, 'e_works', `case:${answered.caseKey}`);
		const short = await page(answered.token + '/reopen', form({ reason: 'no', lang: 'en' }));
		expect(short.status).toBe(422);
		expect(await short.text()).toContain('aria-invalid="true"');
		const response = await page(answered.token + '/reopen', form({ reason: 'The pothole is still there after the visit.', lang: 'en' }));
		expect(response.status).toBe(202);
		const reopened = await pullDoc(server.base, agent, 'e_works', `case:${answered.caseKey}`, (d) => d.status === 'open');
		expect(reopened.timeline.at(-1)).toMatchObject({ kind: 'reopen', reason: 'The pothole is still there after the visit.' });
		// A new period from the reopening (the same day here, so possibly the same due date).
		expect(Date.parse(reopened.sla.started_at)).toBeGreaterThan(Date.parse(before.sla.started_at));
		expect(Date.parse(reopened.sla.due_at)).toBeGreaterThanOrEqual(Date.parse(before.sla.due_at));
		expect(reopened.sla.stopped_at).toBeNull();
		expect(reopened.sla_history).toHaveLength(1);
	});
});

describe('bad links', () => {
	it.each([
		['a token of the wrong shape', 'short', 400, 'This link is not complete'],
		['a token with a character outside base64url', 'A'.repeat(42) + '!', 400, 'This link is not complete'],
		['an unknown token', 'A'.repeat(43), 404, 'Link not found']
	])('%s → %i', async (_label, token, status, text) => {
		const response = await page(encodeURIComponent(token), undefined, '?lang=en');
		expect(response.status).toBe(status);
		expect(await response.text()).toContain(text);
		expect((await page(encodeURIComponent(token), form(GOOD))).status).toBe(status);
	});

	it('an expired link (14 days by server time) gets its own page and records nothing', async () => {
		const answered = await answeredCase(server.base, citizen, agent, PHONE);
		const db = server.store.use<Record<string, unknown>>('ratings');
		const invite = await db.get(`invite:${answered.replyId}`);
		const reached = Date.now() - 14 * 86_400_000 - 1000;
		await db.insert({ ...invite, created_at: new Date(reached).toISOString(), expires_at: new Date(reached + 14 * 86_400_000).toISOString() });
		const response = await page(answered.token, undefined, '?lang=en');
		expect(response.status).toBe(410);
		expect(await response.text()).toContain('This link has expired');
		expect((await page(answered.token, form(GOOD))).status).toBe(410);
		await expect(db.get(`rating:${answered.replyId}`)).rejects.toMatchObject({ statusCode: 404 });
	});
});

describe('races', () => {
	it('takes exactly one rating from 50 simultaneous submissions', async () => {
		const answered = await answeredCase(server.base, citizen, agent, PHONE);
		const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => page(answered.token, form({ ...GOOD, comment: `attempt ${i}` })).then((r) => r.status)));
		expect(
			statuses.filter((s) => s === 201),
			statuses.join(',')
		).toHaveLength(1);
		expect(statuses.filter((s) => s === 409)).toHaveLength(49);
		const rated = await pullDoc(server.base, agent, 'e_works', `case:${answered.caseKey}`, (d) => d.ratings?.length > 0);
		expect(rated.ratings).toHaveLength(1);
		expect(rated.low_rating ?? null).toBeNull();
		// The one rating, recorded to the end.
		const stored = await server.store.use<{ recorded_at?: string; comment?: string }>('ratings').get(`rating:${answered.replyId}`);
		expect(stored.recorded_at).toBeTruthy();
		expect(statuses[Number(stored.comment?.split(' ')[1])]).toBe(201);
	});
});

describe('rating from the app', () => {
	it('lets the signed-in owner rate under the same rules, and nobody else', async () => {
		const answered = await answeredCase(server.base, citizen, agent, PHONE);
		const post = (session: Session | null, body: unknown) =>
			fetch(`${server.base}/api/ratings/${encodeURIComponent(answered.replyId)}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) },
				body: JSON.stringify(body)
			});
		const stranger = await signInCitizen(server.base, '+97336000302');
		expect((await post(null, { scores: GOOD })).status).toBe(401);
		expect((await post(stranger, { scores: GOOD })).status).toBe(404);
		const invalid = await post(citizen, { scores: { ...GOOD, clarity: 0 } });
		expect(invalid.status).toBe(422);
		expect((await invalid.json()).error.fields).toEqual([{ field: 'scores.clarity', code: 'invalid_format', params: { min: 1, max: 5 } }]);
		expect((await post(citizen, { scores: GOOD, comment: 'Good.' })).status).toBe(201);
		expect((await post(citizen, { scores: GOOD })).status).toBe(409);
		expect((await page(answered.token)).status).toBe(409);
	});
});

describe('privacy', () => {
	it('never writes a rating token to the log', async () => {
		const links = await waitFor(async () => {
			const all = await ratingLinks(server.base, PHONE);
			return all.length >= 3 ? all : undefined;
		});
		const everything = logged.join('');
		expect(everything.length).toBeGreaterThan(0);
		for (const { token } of links) expect(everything).not.toContain(token);
	});
});
