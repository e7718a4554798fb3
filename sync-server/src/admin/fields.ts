/** Strict reading of an admin request body: only the fields a route names, each checked, every
 * problem reported at once by field with a localised code. Unknown fields are refused, so a typo
 * in a field name is an error the coordinator sees rather than a change that silently did nothing. */
import { TawasulError, type ErrorCode, type FieldError } from '../../../src/lib/domain/errors.js';

export class Fields {
	private readonly errors: FieldError[] = [];
	private readonly body: Record<string, unknown>;

	constructor(body: unknown, allowed: readonly string[]) {
		if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TawasulError(400, 'invalid_format');
		this.body = body as Record<string, unknown>;
		for (const key of Object.keys(this.body)) {
			if (!allowed.includes(key)) this.fail(key, 'invalid_format');
		}
	}

	fail(field: string, code: ErrorCode, params?: Record<string, number | string>): undefined {
		this.errors.push({ field, code, ...(params ? { params } : {}) });
		return undefined;
	}

	/** Whether a field has been refused so far. */
	get failed(): boolean {
		return this.errors.length > 0;
	}

	has(name: string): boolean {
		return this.body[name] !== undefined;
	}

	private missing(name: string, optional: boolean): boolean {
		const value = this.body[name];
		if (value !== undefined && value !== null && value !== '') return false;
		if (!optional) this.fail(name, 'required');
		return true;
	}

	/** Trimmed text of min..max characters. */
	text(name: string, options: { min?: number; max: number; optional?: boolean; pattern?: RegExp }): string | undefined {
		if (this.missing(name, options.optional ?? false)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'string') return this.fail(name, 'invalid_format');
		const text = value.trim();
		if (text.length < (options.min ?? 1)) return this.fail(name, 'too_short', { min: options.min ?? 1 });
		if (text.length > options.max) return this.fail(name, 'too_long', { max: options.max });
		if (options.pattern && !options.pattern.test(text)) return this.fail(name, 'invalid_format');
		return text;
	}

	integer(name: string, options: { min: number; max: number; optional?: boolean }): number | undefined {
		if (this.missing(name, options.optional ?? false)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(name, 'invalid_format');
		if (value < options.min || value > options.max) return this.fail(name, 'out_of_range', { min: options.min, max: options.max });
		return value;
	}

	boolean(name: string, options: { optional?: boolean } = {}): boolean | undefined {
		if (this.body[name] === undefined) return options.optional ? undefined : this.fail(name, 'required');
		const value = this.body[name];
		return typeof value === 'boolean' ? value : this.fail(name, 'invalid_format');
	}

	oneOf<T extends string>(name: string, allowed: readonly T[], options: { optional?: boolean } = {}): T | undefined {
		if (this.missing(name, options.optional ?? false)) return undefined;
		const value = this.body[name];
		return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : this.fail(name, 'invalid_format');
	}

	/** A list of distinct values, each one of `allowed`. */
	listOf<T extends string | number>(name: string, allowed: readonly T[], options: { min: number; max: number; optional?: boolean }): T[] | undefined {
		if (this.body[name] === undefined) return options.optional ? undefined : this.fail(name, 'required');
		const value = this.body[name];
		if (!Array.isArray(value) || value.some((v) => !(allowed as readonly unknown[]).includes(v)) || new Set(value).size !== value.length) {
			return this.fail(name, 'invalid_format');
		}
		if (value.length < options.min || value.length > options.max) return this.fail(name, 'out_of_range', { min: options.min, max: options.max });
		return value as T[];
	}

	raw(name: string): unknown {
		return this.body[name];
	}

	/** Throws the collected problems, if any. */
	done(): void {
		if (this.errors.length) throw new TawasulError(400, this.errors[0].code, this.errors);
	}
}
