import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnName, crc32, sheetXml, toCsv, xlsxWorkbook, zipStored } from './xlsx';

const u32 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
const u16 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(at, true);

/** Reads a stored ZIP back through its central directory, checking every CRC. */
function unzip(zip: Uint8Array): Map<string, string> {
	const end = zip.length - 22;
	expect(u32(zip, end)).toBe(0x06054b50);
	const count = u16(zip, end + 10);
	let at = u32(zip, end + 16);
	const files = new Map<string, string>();
	for (let i = 0; i < count; i++) {
		expect(u32(zip, at)).toBe(0x02014b50);
		expect(u16(zip, at + 10)).toBe(0); // stored
		const crc = u32(zip, at + 16);
		const size = u32(zip, at + 20);
		const nameLength = u16(zip, at + 28);
		const offset = u32(zip, at + 42);
		const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
		expect(u32(zip, offset)).toBe(0x04034b50);
		expect(u32(zip, offset + 14)).toBe(crc);
		const dataStart = offset + 30 + u16(zip, offset + 26) + u16(zip, offset + 28);
		const data = zip.subarray(dataStart, dataStart + size);
		expect(crc32(data), name).toBe(crc);
		files.set(name, new TextDecoder().decode(data));
		at += 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
	}
	return files;
}

describe('crc32', () => {
	it('matches the standard check value', () => {
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array())).toBe(0);
	});
});

describe('zipStored', () => {
	it('writes local headers, a central directory and the end record', () => {
		const zip = zipStored([{ name: 'a.txt', data: new TextEncoder().encode('hello') }]);
		expect(unzip(zip).get('a.txt')).toBe('hello');
	});
});

describe('xlsxWorkbook', () => {
	it('holds the OOXML parts and the cells, escaped', () => {
		const files = unzip(
			xlsxWorkbook(
				'الجهات <1>',
				[
					['الجهة', 'Cases'],
					['وزارة الأشغال & <النقل>', 12],
					['x', null, 3.5]
				],
				{ rightToLeft: true }
			)
		);
		expect([...files.keys()]).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml']);
		const sheet = files.get('xl/worksheets/sheet1.xml')!;
		expect(sheet).toContain('<c r="A1" t="inlineStr"><is><t xml:space="preserve">الجهة</t></is></c>');
		expect(sheet).toContain('وزارة الأشغال &amp; &lt;النقل&gt;');
		expect(sheet).toContain('<c r="B2"><v>12</v></c>');
		expect(sheet).toContain('<c r="C3"><v>3.5</v></c>');
		expect(sheet).not.toContain('r="B3"');
		expect(sheet).toContain('rightToLeft="1"');
		expect(files.get('xl/workbook.xml')).toContain('name="الجهات &lt;1&gt;"');
	});

	it('opens in an independent reader (ExcelJS) with its sheet name, direction, texts and numbers', async () => {
		const rows = [
			['الجهة', 'Cases', 'On time %'],
			['وزارة الأشغال & <النقل>', 12, 99.3],
			['=SUM(1,2)', null, 0],
			['x', 'y', -1.25]
		];
		const book = new ExcelJS.Workbook();
		await book.xlsx.load(xlsxWorkbook('الجهات <1>', rows, { rightToLeft: true }).buffer as ArrayBuffer);
		expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['الجهات <1>']);
		const sheet = book.worksheets[0];
		expect(sheet.views[0]?.rightToLeft).toBe(true);
		const read: unknown[][] = [];
		sheet.eachRow({ includeEmpty: true }, (row, n) => {
			read[n - 1] = rows[0].map((_, c) => row.getCell(c + 1).value);
		});
		expect(read).toEqual([
			['الجهة', 'Cases', 'On time %'],
			['وزارة الأشغال & <النقل>', 12, 99.3],
			['=SUM(1,2)', null, 0],
			['x', 'y', -1.25]
		]);
	});

	it('names columns past Z', () => {
		expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
		expect(sheetXml([[...Array(28).keys()]])).toContain('r="AB1"');
	});
});

describe('toCsv', () => {
	it('starts with a BOM, quotes where needed and defuses formulas', () => {
		const csv = toCsv([
			['الجهة', 'n'],
			['a, "b"', 1],
			['=1+1', null]
		]);
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		expect(csv.slice(1)).toBe('الجهة,n\r\n"a, ""b""",1\r\n\'=1+1,\r\n');
	});
});
