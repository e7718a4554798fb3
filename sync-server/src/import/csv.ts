/** A streaming CSV reader (RFC 4180, as spreadsheets and legacy systems write it): text goes in
 * chunk by chunk, whole records come out with the line each started on. Quoted fields may hold
 * the delimiter, doubled quotes and line breaks. A malformed record is returned with an `error`
 * instead of fields, and reading carries on at the next line break, so one broken row costs one
 * row, not the file. Written here rather than taken as a dependency: this is all it needs. */

export interface CsvRecord {
	fields: string[];
	/** Physical line (1-based) where the record starts. */
	line: number;
	error?: string;
}

export interface CsvOptions {
	delimiter?: string;
	/** A field longer than this is taken for an unterminated quote. */
	maxFieldChars?: number;
}

const enum State {
	Start,
	Unquoted,
	Quoted,
	QuoteInQuoted,
	AfterQuoted,
	Broken
}

export class CsvParser {
	private readonly delimiter: string;
	private readonly maxField: number;
	private state = State.Start;
	private field = '';
	private fields: string[] = [];
	private line = 1;
	private recordLine = 1;
	private error = '';
	/** A CR ended the last line; a LF right after it belongs to the same line break. */
	private afterCR = false;
	private out: CsvRecord[] = [];

	constructor(options: CsvOptions = {}) {
		this.delimiter = options.delimiter ?? ',';
		if (this.delimiter.length !== 1 || '"\r\n'.includes(this.delimiter)) throw new RangeError('the delimiter must be one character other than a quote or a line break');
		this.maxField = options.maxFieldChars ?? 1_000_000;
	}

	push(text: string): CsvRecord[] {
		const delimiter = this.delimiter;
		for (let i = 0; i < text.length; i++) {
			const ch = text[i];
			if (this.afterCR) {
				this.afterCR = false;
				if (ch === '\n' && this.state !== State.Quoted) continue;
			}
			switch (this.state) {
				case State.Quoted: {
					// Copy the run up to the next quote or line break in one step.
					let j = i;
					while (j < text.length && text[j] !== '"' && text[j] !== '\n') j++;
					this.field += text.slice(i, j);
					i = j;
					if (j === text.length) {
						if (this.field.length > this.maxField) this.breakRecord(`a quoted field runs past ${this.maxField} characters (a quote never closed?)`);
					} else if (text[j] === '"') {
						this.state = State.QuoteInQuoted;
					} else if (this.field.length >= this.maxField) {
						// Most likely a quote that was never closed: resume reading at this line break.
						this.breakRecord(`a quoted field runs past ${this.maxField} characters (a quote never closed?)`);
						this.endLine('\n');
					} else {
						this.field += '\n';
						this.line++;
					}
					break;
				}
				case State.QuoteInQuoted:
					if (ch === '"') {
						this.field += '"';
						this.state = State.Quoted;
						break;
					}
					this.state = State.AfterQuoted;
					i--;
					break;
				case State.AfterQuoted:
					if (ch === delimiter) this.endField();
					else if (ch === '\n' || ch === '\r') this.endLine(ch);
					else this.breakRecord(`unexpected text after a closing quote, field ${this.fields.length + 1}`);
					break;
				case State.Broken:
					if (ch === '\n' || ch === '\r') this.endLine(ch);
					break;
				case State.Start:
					if (ch === '"') {
						this.state = State.Quoted;
						break;
					}
					this.state = State.Unquoted;
				// falls through
				case State.Unquoted:
					if (ch === delimiter) this.endField();
					else if (ch === '\n' || ch === '\r') this.endLine(ch);
					else if (ch === '"') this.breakRecord(`a quote inside an unquoted field, field ${this.fields.length + 1}`);
					else {
						this.field += ch;
						if (this.field.length > this.maxField) this.breakRecord(`a field runs past ${this.maxField} characters`);
					}
					break;
			}
		}
		return this.take();
	}

	/** The last record, if the file does not end with a line break. */
	end(): CsvRecord[] {
		if (this.state === State.Quoted) this.breakRecord('a quoted field is never closed');
		if (this.state === State.Broken || this.fields.length > 0 || this.field !== '' || this.state !== State.Start) this.finishRecord();
		return this.take();
	}

	private take(): CsvRecord[] {
		const out = this.out;
		this.out = [];
		return out;
	}

	private endField(): void {
		this.fields.push(this.field);
		this.field = '';
		this.state = State.Start;
	}

	private endLine(ch: string): void {
		if (ch === '\r') this.afterCR = true;
		this.finishRecord();
		this.line++;
		this.recordLine = this.line;
	}

	private breakRecord(reason: string): void {
		this.error ||= reason;
		this.state = State.Broken;
	}

	private finishRecord(): void {
		if (this.state === State.Broken) {
			this.out.push({ fields: [], line: this.recordLine, error: this.error });
		} else {
			this.fields.push(this.field);
			// A blank line is no record.
			if (!(this.fields.length === 1 && this.fields[0] === '')) this.out.push({ fields: this.fields, line: this.recordLine });
		}
		this.fields = [];
		this.field = '';
		this.error = '';
		this.state = State.Start;
	}
}

/** Every record of a whole text, for tests and small files. */
export function parseCsv(text: string, options?: CsvOptions): CsvRecord[] {
	const parser = new CsvParser(options);
	return [...parser.push(text), ...parser.end()];
}
