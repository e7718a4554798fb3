/** The importer against a real embedded store: bad rows reported by line and reason while the
 * rest imports, Windows-1256 Arabic, a second run that duplicates nothing, a crash between the case
 * write and the statistics that the next run completes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DB, type CaseDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { openTestStore } from '../../../tests/support/test-store.js';
import { seedStore } from '../seed/seed.js';
import type { Store } from '../store.js';
import { StatsAggregator } from '../stats/aggregator.js';
import { STATS_DB, type StatsDoc } from '../../../src/lib/domain/stats/model.js';
import { importCsv, type ImportOptions } from './importer.js';
import { parseMapping } from './mapping.js';
import { legacyCaseKey } from './rows.js';

let store: Store;
let close: () => Promise<void>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-import-'));

beforeAll(async () => {
	({ store, close } = await openTestStore());
	await seedStore(store, { demo: false });
});
afterAll(async () => {
	await close();
	fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	for (const db of [DB.CASES, STATS_DB, 'stats_facts']) {
		await store.dropDb(db);
		await store.ensureDb(db);
	}
});

/** Windows-1256, built from the platform's own decoder so the two agree byte for byte. */
function windows1256(text: string): Buffer {
	const decoder = new TextDecoder('windows-1256');
	const bytes = new Map<string, number>();
	for (let b = 0; b < 256; b++) bytes.set(decoder.decode(Uint8Array.of(b)), b);
	return Buffer.from(
		[...text].map((ch) => {
			const b = bytes.get(ch);
			if (b === undefined) throw new Error(`not in windows-1256: ${ch}`);
			return b;
		})
	);
}

const mapping = parseMapping({
	source: 'old-system',
	time_zone: 'Asia/Bahrain',
	id: 'رقم',
	created: { column: 'تاريخ الورود', format: 'DD/MM/YYYY HH:mm' },
	closed: { column: 'تاريخ الإغلاق', format: 'DD/MM/YYYY HH:mm' },
	due: { column: 'الموعد', format: 'DD/MM/YYYY' },
	entity: 'الجهة',
	category: 'التصنيف',
	case_type: { column: 'النوع', values: { شكوى: 'complaint', استفسار: 'inquiry', مقترح: 'suggestion' } },
	status: { column: 'الحالة', values: { مفتوحة: 'open', مغلقة: 'closed' } },
	text: 'النص'
});

const HEADER = 'رقم,تاريخ الورود,تاريخ الإغلاق,الموعد,الجهة,التصنيف,النوع,الحالة,النص';
const ROWS = [
	// line 2: good, with a quoted comma, a doubled quote and a line break in the text
	'1001,05/03/2019 09:00,06/03/2019 10:30,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مغلقة,"حفرة كبيرة، قرب ""المدرسة""\nطريق 12"',
	// line 4 (the text above spans two lines): a stray quote
	'1002,05/03/2019 09:00,,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مفتوحة,نص "مكسور',
	'1003,05/03/2019 09:00,,12/03/2019,وزارة الخيال,عام,شكوى,مفتوحة,جهة غير موجودة',
	'1004,31/02/2019 09:00,,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مفتوحة,تاريخ مستحيل',
	'1005,05/03/2019 09:00,04/03/2019 09:00,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مغلقة,أغلقت قبل ورودها',
	'1006,05/03/2019 09:00,مفتوحة',
	// line 9: good, no due date in the file for this row, the category by its Arabic name
	'1007,07/03/2019 13:00,,,وزارة الصحة,استفسارات ومقترحات عامة,استفسار,مفتوحة,سؤال عن المواعيد',
	'1001,05/03/2019 09:00,,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مفتوحة,مكرر',
	'1009,05/03/2019 09:00,,12/03/2019,وزارة الأشغال,حفر وتلف الطرق,شكوى,مؤجلة,حالة غير معروفة'
];

function write(name: string, lines: string[], encode: (s: string) => Buffer = windows1256): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, encode([HEADER, ...lines].join('\r\n') + '\r\n'));
	return file;
}

const run = (file: string, options: Partial<ImportOptions> = {}) => importCsv(store, { mapping, file, encoding: 'windows-1256', ...options });

async function yearCells(entity: string): Promise<StatsDoc['cells']> {
	return (
		await store
			.use<StatsDoc>(STATS_DB)
			.get(`y:${entity}:2019`)
			.catch(() => ({ cells: {} }) as StatsDoc)
	).cells;
}

describe('legacy import', () => {
	it('imports the good rows and reports each bad one by line and reason', async () => {
		const summary = await run(write('mixed.csv', ROWS));
		expect([summary.rows, summary.created, summary.rejected]).toEqual([9, 2, 7]);
		expect(summary.rejections.map((r) => [r.line, r.code])).toEqual([
			[4, 'broken_row'],
			[5, 'unknown_entity'],
			[6, 'impossible_date'],
			[7, 'closed_before_created'],
			[8, 'field_count'],
			[10, 'duplicate_id'],
			[11, 'unknown_status']
		]);
		expect(summary.rejections[2].detail).toMatch(/2019-02 has no day 31/);

		// A row's case key is stored: importing the same file again must find the same case.
		expect(legacyCaseKey('old-system', '1001')).toBe('f9416080-f539-50d0-9424-6d00c54c274c');
		const first = await store.use<CaseDoc>(DB.CASES).get(`case:${legacyCaseKey('old-system', '1001')}`);
		expect(first).toMatchObject({ entity_id: 'works', category_id: 'works-potholes', status: 'closed', ref: '1001', locale: 'ar' });
		expect(first.body).toBe('حفرة كبيرة، قرب "المدرسة"\nطريق 12');
		// Bahrain wall-clock times; the due date is the end of its day.
		expect(first.sla).toMatchObject({ started_at: '2019-03-05T06:00:00.000Z', stopped_at: '2019-03-06T07:30:00.000Z', due_at: '2019-03-11T21:00:00.000Z' });
		expect(await yearCells('works')).toEqual({ 'complaint|works-potholes': { received: 1, replied: 1, within: 1, reply_seconds: 91_800 } });
		expect(await yearCells('health')).toEqual({ 'inquiry|health-general': { received: 1, open: 1, no_due: 1 } });

		// The open case is in its entity's inbox; the closed one stays history; no person's database.
		const open = await store.use<CaseDoc>('e_health').get(`case:${legacyCaseKey('old-system', '1007')}`);
		expect(open).toMatchObject({ ref: '1007', status: 'open', entity_id: 'health' });
		await expect(store.use('e_works').get(`case:${legacyCaseKey('old-system', '1001')}`)).rejects.toMatchObject({ statusCode: 404 });
		expect(await store.dbInfo('u_legacy')).toBeNull();
	});

	it('says which encoding to use when Arabic arrives in another one', async () => {
		await expect(run(write('wrong.csv', ROWS.slice(0, 1)), { encoding: 'utf-8' })).rejects.toThrow(/header .* not valid utf-8.*windows-1256/);
		// A UTF-8 file with one row pasted in from a Windows-1256 system: that row, and only it.
		const file = path.join(dir, 'mixed-encodings.csv');
		fs.writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\r\n${ROWS[6]}\r\n`), windows1256(`${ROWS[0].replace('1001', '1010')}\r\n`)]));
		const summary = await run(file, { encoding: 'utf-8' });
		expect(summary.created).toBe(1);
		expect(summary.rejections.map((r) => [r.line, r.code])).toEqual([[3, 'invalid_encoding']]);
		expect(summary.rejections[0].detail).toMatch(/windows-1256/);
	});

	it('creates nothing twice when run again, and updates a row that changed', async () => {
		const file = write('twice.csv', ROWS);
		await run(file);
		const before = await yearCells('works');
		const again = await run(file);
		expect([again.created, again.updated, again.unchanged, again.rejected]).toEqual([0, 0, 2, 7]);
		expect((await store.use(DB.CASES).list()).rows).toHaveLength(2);
		expect(await yearCells('works')).toEqual(before);

		const changed = [...ROWS];
		changed[6] = changed[6].replace('07/03/2019 13:00,,,', '07/03/2019 13:00,08/03/2019 13:00,,').replace('مفتوحة', 'مغلقة');
		const third = await run(write('changed.csv', changed));
		expect([third.created, third.updated, third.unchanged]).toEqual([0, 1, 1]);
		const updated = await store.use<CaseDoc>(DB.CASES).get(`case:${legacyCaseKey('old-system', '1007')}`);
		expect([updated.status, updated.version]).toEqual(['closed', 2]);
		// Its copy in the entity's inbox follows.
		expect((await store.use<CaseDoc>('e_health').get(updated._id)).status).toBe('closed');
		expect(await yearCells('health')).toEqual({ 'inquiry|health-general': { received: 1, replied: 1, no_due: 1, reply_seconds: 86_400 } });
	});

	it('completes the statistics on the next run when it stopped between the cases and the statistics', async () => {
		const file = write('crash.csv', ROWS);
		const crashing = new StatsAggregator(store, {
			afterStep: (step) => {
				if (step === 'journal') throw new Error('power cut');
			}
		});
		await expect(run(file, { stats: crashing })).rejects.toThrow('power cut');
		expect((await store.use(DB.CASES).list()).rows).toHaveLength(2);
		const again = await run(file);
		expect(again.unchanged).toBe(2);
		expect(await yearCells('works')).toEqual({ 'complaint|works-potholes': { received: 1, replied: 1, within: 1, reply_seconds: 91_800 } });
	});

	it('creates unknown entities, inactive, when asked to', async () => {
		const summary = await run(write('create.csv', ROWS.slice(2, 3)), { createEntities: true });
		expect(summary.created).toBe(1);
		const [id] = summary.entities_created;
		expect(id).toMatch(/^x[0-9a-f]{10}$/);
		const entity = await store.use<EntityDoc>(DB.CONFIG).get(`entity:${id}`);
		expect(entity).toMatchObject({ name_ar: 'وزارة الخيال', active: false });
		expect(summary.categories_created).toEqual([`${id}-x${summary.categories_created[0].split('-x')[1]}`]);
	});

	it('writes nothing on a dry run', async () => {
		const summary = await run(
			write(
				'dry.csv',
				ROWS.filter((row) => !row.startsWith('1003'))
			),
			{ dryRun: true }
		);
		expect([summary.created, summary.rejected]).toEqual([2, 6]);
		expect((await store.use(DB.CASES).list()).rows).toHaveLength(0);
		expect((await store.use(STATS_DB).list()).rows).toHaveLength(0);
	});
});
