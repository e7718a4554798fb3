/** Importing public holidays from an iCalendar file on the real server: the preview changes
 * nothing, the import adds exactly what the preview showed, a second import adds nothing, and the
 * end of the holiday list is where the admin home reads it (issue 16). */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/lib/domain/calendar.js';
import { lastYearToFill } from '../../src/lib/domain/holiday-import.js';
import { signInStaff, startInProcess, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let coordinator: Session;

const ics = readFileSync(new URL('../fixtures/ics/bahrain-2028.ics', import.meta.url), 'utf8');
const yearly = readFileSync(new URL('../fixtures/ics/yearly.ics', import.meta.url), 'utf8');

async function api(method: string, path: string, json?: unknown) {
	const headers: Record<string, string> = { cookie: coordinator.cookie };
	if (json !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(server.base + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
	return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

describe('holiday import', () => {
	it('previews without writing, imports what the preview showed, and refuses a second import day by day', async () => {
		const before = (await api('GET', '/api/admin/holidays')).body;
		expect(before.last).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(before.last < '2028-01-01').toBe(true);

		const preview = await api('POST', '/api/admin/holidays/import', { ics, apply: false });
		expect(preview.status).toBe(200);
		expect(preview.body.applied).toBe(false);
		expect(preview.body.plan.add.map((r: { date: string }) => r.date)).toEqual(['2028-01-01', '2028-02-26', '2028-02-27', '2028-02-28', '2028-05-01', '2028-12-16', '2028-12-17']);
		expect((await api('GET', '/api/admin/holidays/2028')).body.holidays.days).toEqual([]);

		const done = await api('POST', '/api/admin/holidays/import', { ics, apply: true });
		expect(done.body).toEqual({ plan: preview.body.plan, applied: true });
		const kept = (await api('GET', '/api/admin/holidays/2028')).body.holidays.days;
		expect(kept.map((d: { date: string }) => d.date)).toEqual(preview.body.plan.add.map((r: { date: string }) => r.date));
		expect(kept[1]).toEqual({ date: '2028-02-26', name_ar: 'عيد الفطر', name_en: 'Eid al-Fitr' });
		expect((await api('GET', '/api/admin/holidays')).body).toMatchObject({ last: '2028-12-17', years: expect.arrayContaining([2028]) });

		const again = await api('POST', '/api/admin/holidays/import', { ics, apply: true });
		expect(again.body.plan.add).toEqual([]);
		expect(again.body.plan.refused.map((r: { refused: string }) => r.refused)).toEqual(Array(7).fill('already_holiday'));
		expect((await api('GET', '/api/admin/holidays/2028')).body.holidays.days).toEqual(kept);

		const audit = (await api('GET', '/api/audit?limit=200')).body.entries.map((e: { kind: string }) => e.kind);
		expect(audit.filter((k: string) => k === 'admin.holidays.import')).toHaveLength(1);
	});

	it('fills yearly repeats to the same year in the preview and the import, and checks every year they reach', async () => {
		type Row = { line: number; date: string; refused?: string };
		const lastYear = lastYearToFill(localDateOf(new Date(), 'Asia/Bahrain'));
		const preview = await api('POST', '/api/admin/holidays/import', { ics: yearly, apply: false });
		expect(preview.status).toBe(200);
		const newYears = preview.body.plan.add.filter((r: Row) => r.line === 14).map((r: Row) => r.date);
		expect(newYears.at(-1)).toBe(`${lastYear}-01-01`);
		// The demo's 2027 and the 2028 imported above are seen, though 2028 is no DTSTART of the file.
		const refused: Row[] = preview.body.plan.refused;
		expect(refused.filter((r) => r.refused !== 'already_holiday' || r.date >= '2029')).toEqual([]);
		expect(refused.map((r) => r.date)).toEqual(expect.arrayContaining(['2028-01-01', '2028-05-01']));
		expect(preview.body.plan.repeating.map((r: { line: number }) => r.line)).toEqual([14, 32, 51]);

		const done = await api('POST', '/api/admin/holidays/import', { ics: yearly, apply: true });
		expect(done.body).toEqual({ plan: preview.body.plan, applied: true });
		const kept = (await api('GET', `/api/admin/holidays/${lastYear}`)).body.holidays.days;
		expect(kept.map((d: { date: string }) => d.date)).toEqual([`${lastYear}-01-01`]);
	});
});
