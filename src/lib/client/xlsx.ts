/** A minimal XLSX workbook made in the browser, without a dependency: one sheet of strings and
 * numbers (OOXML SpreadsheetML) in a ZIP with stored (uncompressed) entries and their CRC-32.
 * Pure; the dashboard exports its tables with it. */

export type Cell = string | number | null | undefined;

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (IEEE 802.3), as ZIP stores it. */
export function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** A ZIP archive of stored entries (method 0), names in UTF-8. */
export function zipStored(files: { name: string; data: Uint8Array }[]): Uint8Array {
	const encoder = new TextEncoder();
	const locals: Uint8Array[] = [];
	const centrals: Uint8Array[] = [];
	let offset = 0;
	for (const file of files) {
		const name = encoder.encode(file.name);
		const crc = crc32(file.data);
		const local = new Uint8Array(30 + name.length);
		const lv = new DataView(local.buffer);
		lv.setUint32(0, 0x04034b50, true);
		lv.setUint16(4, 20, true); // version needed
		lv.setUint16(6, 0x0800, true); // UTF-8 names
		lv.setUint16(8, 0, true); // stored
		lv.setUint16(10, 0, true); // time
		lv.setUint16(12, 0x21, true); // date: 1980-01-01
		lv.setUint32(14, crc, true);
		lv.setUint32(18, file.data.length, true);
		lv.setUint32(22, file.data.length, true);
		lv.setUint16(26, name.length, true);
		lv.setUint16(28, 0, true);
		local.set(name, 30);
		const central = new Uint8Array(46 + name.length);
		const cv = new DataView(central.buffer);
		cv.setUint32(0, 0x02014b50, true);
		cv.setUint16(4, 20, true);
		cv.setUint16(6, 20, true);
		cv.setUint16(8, 0x0800, true);
		cv.setUint16(10, 0, true);
		cv.setUint16(12, 0, true);
		cv.setUint16(14, 0x21, true);
		cv.setUint32(16, crc, true);
		cv.setUint32(20, file.data.length, true);
		cv.setUint32(24, file.data.length, true);
		cv.setUint16(28, name.length, true);
		cv.setUint32(42, offset, true);
		central.set(name, 46);
		locals.push(local, file.data);
		centrals.push(central);
		offset += local.length + file.data.length;
	}
	const centralSize = centrals.reduce((n, c) => n + c.length, 0);
	const end = new Uint8Array(22);
	const ev = new DataView(end.buffer);
	ev.setUint32(0, 0x06054b50, true);
	ev.setUint16(8, files.length, true);
	ev.setUint16(10, files.length, true);
	ev.setUint32(12, centralSize, true);
	ev.setUint32(16, offset, true);
	const parts = [...locals, ...centrals, end];
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

/** Text safe inside XML, without the characters XML 1.0 forbids. */
function xmlEscape(text: string): string {
	return (
		text
			// eslint-disable-next-line no-control-regex
			.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
			.replace(/&/g, '&amp;')
			.replace(/</g, '&lt;')
			.replace(/>/g, '&gt;')
			.replace(/"/g, '&quot;')
	);
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
	let name = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
	return name;
}

export function sheetXml(rows: readonly (readonly Cell[])[], rightToLeft = false): string {
	const body = rows
		.map((row, r) => {
			const cells = row
				.map((value, c) => {
					const ref = `${columnName(c)}${r + 1}`;
					if (value === null || value === undefined || value === '') return '';
					if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"><v>${value}</v></c>`;
					return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(String(value))}</t></is></c>`;
				})
				.join('');
			return `<row r="${r + 1}">${cells}</row>`;
		})
		.join('');
	return (
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
		`<sheetViews><sheetView workbookViewId="0"${rightToLeft ? ' rightToLeft="1"' : ''}/></sheetViews>` +
		`<sheetData>${body}</sheetData></worksheet>`
	);
}

/** The workbook's bytes: one sheet named `sheetName` (at most 31 characters, no []:*?/\). */
export function xlsxWorkbook(sheetName: string, rows: readonly (readonly Cell[])[], options: { rightToLeft?: boolean } = {}): Uint8Array {
	const name = xmlEscape(sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1');
	const enc = new TextEncoder();
	const file = (path: string, text: string) => ({ name: path, data: enc.encode(text) });
	const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
	return zipStored([
		file(
			'[Content_Types].xml',
			`${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
				'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
				'<Default Extension="xml" ContentType="application/xml"/>' +
				'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
				'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
				'</Types>'
		),
		file(
			'_rels/.rels',
			`${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
				'</Relationships>'
		),
		file(
			'xl/workbook.xml',
			`${head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
				`<sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`
		),
		file(
			'xl/_rels/workbook.xml.rels',
			`${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
				'</Relationships>'
		),
		file('xl/worksheets/sheet1.xml', sheetXml(rows, options.rightToLeft))
	]);
}

/** CSV for Excel: a UTF-8 byte order mark (so Arabic opens right), CRLF, quoted where needed.
 * A text starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
export function toCsv(rows: readonly (readonly Cell[])[]): string {
	const field = (value: Cell) => {
		if (value === null || value === undefined) return '';
		let text = String(value);
		if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
		return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
	};
	return '\ufeff' + rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
