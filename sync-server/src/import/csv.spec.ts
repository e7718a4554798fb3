import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv } from './csv.js';

const rows = (text: string, delimiter?: string) => parseCsv(text, { delimiter }).map((r) => (r.error ? `${r.line}! ${r.error}` : `${r.line}: ${JSON.stringify(r.fields)}`));

describe('csv', () => {
	it.each([
		['plain rows', 'a,b\n1,2\n', ['1: ["a","b"]', '2: ["1","2"]']],
		['no line break at the end', 'a,b\n1,2', ['1: ["a","b"]', '2: ["1","2"]']],
		['CRLF line breaks', 'a,b\r\n1,2\r\n', ['1: ["a","b"]', '2: ["1","2"]']],
		['empty fields', ',x,\n', ['1: ["","x",""]']],
		['quotes around the delimiter', '"a,b",c\n', ['1: ["a,b","c"]']],
		['doubled quotes', '"he said ""hi""",x\n', ['1: ["he said \\"hi\\"","x"]']],
		['a line break inside quotes counts lines', '"one\ntwo",x\nnext,y\n', ['1: ["one\\ntwo","x"]', '3: ["next","y"]']],
		['CRLF inside quotes is kept', '"a\r\nb"\n', ['1: ["a\\r\\nb"]']],
		['blank lines are skipped', 'a\n\n\nb\n', ['1: ["a"]', '4: ["b"]']],
		['Arabic text', 'نص,"شارع ٥، المنامة"\n', ['1: ["نص","شارع ٥، المنامة"]']],
		['a stray quote breaks only its row', 'a,b"c\nd,e\n', ['1! a quote inside an unquoted field, field 2', '2: ["d","e"]']],
		['text after a closing quote breaks its row', '"a"b,c\nd\n', ['1! unexpected text after a closing quote, field 1', '2: ["d"]']],
		['an unclosed quote at the end', 'a\n"b,c\n', ['1: ["a"]', '2! a quoted field is never closed']]
	])('%s', (_label, text, expected) => {
		expect(rows(text)).toEqual(expected);
	});

	it('reads other delimiters', () => {
		expect(rows('a;b\n"x;y";z\n', ';')).toEqual(['1: ["a","b"]', '2: ["x;y","z"]']);
	});

	it('gives the same records however the text is cut into chunks', () => {
		const text = 'id,text\r\n1,"multi\r\nline, with ""quotes"""\r\n2,plain\r\n3,"x"\r\n';
		const whole = parseCsv(text);
		for (let size = 1; size <= 7; size++) {
			const parser = new CsvParser();
			const got = [];
			for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)));
			got.push(...parser.end());
			expect(got).toEqual(whole);
		}
		expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 5]);
	});

	it('takes a runaway quote for what it is instead of swallowing the file', () => {
		const parser = new CsvParser({ maxFieldChars: 20 });
		const got = [...parser.push('a,"never closed\n' + 'x'.repeat(30) + '\nb,c\n'), ...parser.end()];
		expect(got[0]).toMatchObject({ line: 1, error: expect.stringMatching(/never closed/) });
		expect(got.at(-1)).toEqual({ fields: ['b', 'c'], line: 3 });
	});
});
