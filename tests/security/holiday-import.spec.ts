/** The holiday import door (issue 16) against a hostile coordinator or a stolen session: bodies
 * beyond the limit, text that is not a calendar, too many events, unknown fields and other roles
 * are refused with a reason, and nothing is written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLIDAY_LIMITS } from '../../src/lib/domain/holiday-import.js';
import { signInStaff, startInProcess, type Session } from '../integration/harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let coordinator: Session;
let agent: Session;

const event = (date: string, ...extra: string[]) => ['BEGIN:VEVENT', `DTSTART;VALUE=DATE:${date}`, 'SUMMARY:Holiday', ...extra, 'END:VEVENT'].join('\r\n');
const calendar = (...events: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events, 'END:VCALENDAR'].join('\r\n');
/** A few lines that ask for millions of days: every event as long as allowed, repeating for ever. */
const hostile = calendar(...Array.from({ length: HOLIDAY_LIMITS.events }, () => event('20300101', 'DTEND;VALUE=DATE:20300115', 'RRULE:FREQ=YEARLY;COUNT=999999999')));

async function post(session: Session, body: string) {
	const response = await fetch(`${server.base}/api/admin/holidays/import`, {
		method: 'POST',
		headers: { cookie: session.cookie, 'content-type': 'application/json' },
		body
	});
	return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
	agent = await signInStaff(server.base, 'agent.works');
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

describe('POST /api/admin/holidays/import', () => {
	it.each([
		['a file over the limit', { ics: `${calendar(event('20300501'))}\r\nX-PAD:${'x'.repeat(HOLIDAY_LIMITS.fileBytes)}`, apply: true }, 'ics', 'file_too_large'],
		['a spreadsheet instead of a calendar', { ics: 'date,name\n2030-05-01,Labour Day', apply: true }, 'ics', 'invalid_format'],
		['a calendar without events', { ics: calendar(), apply: true }, 'ics', 'calendar_empty'],
		['too many events', { ics: calendar(...Array.from({ length: HOLIDAY_LIMITS.events + 1 }, () => event('20300501'))), apply: true }, 'ics', 'too_many_events'],
		['a yearly repeat a hundred thousand times', { ics: calendar(event('20300501', 'RRULE:FREQ=YEARLY;COUNT=100000')), apply: true }, 'ics', 'calendar_too_many_days'],
		['many events with long repeats', { ics: hostile, apply: true }, 'ics', 'calendar_too_many_days'],
		['no file', { apply: true }, 'ics', 'required'],
		['a file that is not text', { ics: ['BEGIN:VCALENDAR'], apply: true }, 'ics', 'required'],
		['an unknown field', { ics: calendar(event('20300501')), apply: true, year: 2030 }, 'year', 'invalid_format'],
		['apply missing', { ics: calendar(event('20300501')) }, 'apply', 'required']
	])('refuses %s (%s: %s) and writes nothing', async (_name, body, field, code) => {
		const refused = await post(coordinator, JSON.stringify(body));
		expect(refused.status).toBe(400);
		expect(refused.body.error.fields).toContainEqual(expect.objectContaining({ field, code }));
		const year = await fetch(`${server.base}/api/admin/holidays/2030`, { headers: { cookie: coordinator.cookie } });
		expect((await year.json()).holidays.days).toEqual([]);
	});

	it('refuses a body beyond the parser limit quickly, before reading it as a calendar', async () => {
		const refused = await post(coordinator, JSON.stringify({ ics: 'x'.repeat(400 * 1024), apply: true }));
		expect(refused.status).toBe(413);
		expect(refused.body.error.code).toBe('payload_too_large');
	});

	it('refuses repeats asking for millions of days quickly, without expanding them', async () => {
		const began = performance.now();
		const refused = await post(coordinator, JSON.stringify({ ics: hostile, apply: false }));
		expect(refused.status).toBe(400);
		expect(refused.body.error.fields).toContainEqual({ field: 'ics', code: 'calendar_too_many_days', params: { max: HOLIDAY_LIMITS.daysPerImport } });
		expect(performance.now() - began).toBeLessThan(2000);
	});

	it('refuses staff who are not coordinators', async () => {
		const refused = await post(agent, JSON.stringify({ ics: calendar(event('20300501')), apply: true }));
		expect(refused.status).toBe(403);
	});
});
