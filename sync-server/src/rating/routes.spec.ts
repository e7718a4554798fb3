/** The rating link against an injected clock: the 14-day window by server time, to the second. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { RATING_WINDOW_MS } from '../../../src/lib/domain/rating.js';
import { manualClock, openTestStore } from '../../../tests/support/test-store.js';
import type { NewJob } from '../sms/jobs.js';
import type { Store } from '../store.js';
import { inviteForReply } from './invitations.js';
import { ratingRouter } from './routes.js';

let store: Store;
let close: () => Promise<void>;
let base = '';
let server: ReturnType<express.Express['listen']>;
const clock = manualClock(Date.parse('2026-03-01T09:30:00Z'));
const sent: NewJob[] = [];

const caseDoc = (key: string, replyId: string): CaseDoc => ({
	_id: `case:${key}`,
	type: 'case',
	case_key: key,
	ref: '26-000001-7',
	case_type: 'complaint',
	status: 'answered',
	entity_id: 'works',
	category_id: 'works-roads',
	subject: 'Broken light',
	body: 'The light on Road 12 is out.',
	location: null,
	locale: 'en',
	citizen_id: 'c1',
	created_at: '2026-02-27T09:00:00Z',
	routed_at: '2026-02-27T09:00:00Z',
	updated_at: '2026-03-01T09:29:00Z',
	sla: { started_at: '2026-02-27T09:00:00Z', due_at: '2026-03-05T20:59:59.999Z', paused_at: null, stopped_at: '2026-03-01T09:29:00Z', paused_ms: 0 },
	timeline: [{ action_id: replyId, kind: 'reply', at: '2026-03-01T09:29:00Z', author_role: 'agent', author_id: 's1', body: 'Fixed.' }],
	applied: [replyId],
	rejected: [],
	version: 2
});

beforeAll(async () => {
	({ store, close } = await openTestStore());
	for (const db of [DB.CASES, DB.CONFIG, DB.AUTH, DB.INTAKE]) await store.ensureDb(db);
	await store.use(DB.AUTH).insert({ _id: 'account:c1', type: 'account', user_id: 'c1', role: 'citizen', name: '', phone: '+97336000001' });
	const app = express();
	app.use(ratingRouter({ store, now: clock.now }));
	server = app.listen(0, '127.0.0.1');
	await new Promise((r) => server.once('listening', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.close();
	await close();
});

async function invite(n: number): Promise<string> {
	const key = `00000000-0000-4000-8000-00000000000${n}`;
	const replyId = `act:reply-${n}`;
	await store.use<CaseDoc>(DB.CASES).insert(caseDoc(key, replyId));
	await inviteForReply({ store, enqueue: async (job) => (sent.push(job), true), publicUrl: 'https://t.example', now: clock.now }, key, replyId);
	return /\/r\/([A-Za-z0-9_-]{43})/.exec(sent.at(-1)!.text)![1];
}

describe('the window on the server clock', () => {
	it.each([
		['14 days less a second after the reply reached the citizen', RATING_WINDOW_MS - 1000, 200],
		['exactly 14 days', RATING_WINDOW_MS, 200],
		['14 days and a second', RATING_WINDOW_MS + 1000, 410]
	])('%s', async (_label, offset, status) => {
		const start = clock.now();
		const token = await invite(Math.round(offset / 1000) % 10);
		clock.advance(offset);
		try {
			expect((await fetch(`${base}/r/${token}`)).status).toBe(status);
			const body = new URLSearchParams({ handling: '3', clarity: '3', courtesy: '3', ease_of_use: '3' }).toString();
			const posted = await fetch(`${base}/r/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
			expect(posted.status).toBe(status === 200 ? 201 : 410);
		} finally {
			clock.advance(start - clock.now());
		}
	});

	it("texts the link in the case's language and keeps the token out of the store", async () => {
		const token = await invite(7);
		expect(sent.at(-1)!.text).toMatch(/^Tawasul: works replied to your case 26-000001-7\. Rate the reply within 14 days: https:\/\/t\.example\/r\//);
		expect(sent.at(-1)!.secret).toBe(token);
		const all = JSON.stringify((await store.use(DB.RATINGS).list({ include_docs: true })).rows);
		expect(all).not.toContain(token);
	});
});
