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
		if (typeof value !== 'string') {
			this.fail(name, 'invalid_format');
			return undefined;
		}
		const text = value.trim();
		if (text.length < (options.min ?? 1)) {
			this.fail(name, 'too_short', { min: options.min ?? 1 });
			return undefined;
		}
		if (text.length > options.max) {
			this.fail(name, 'too_long', { max: options.max });
			return undefined;
		}
		if (options.pattern && !options.pattern.test(text)) {
			this.fail(name, 'invalid_format');
			return undefined;
		}
		return text;
	}

	integer(name: string, options: { min: number; max: number; optional?: boolean }): number | undefined {
		if (this.missing(name, options.optional ?? false)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'number' || !Number.isInteger(value)) {
			this.fail(name, 'invalid_format');
			return undefined;
		}
		if (value < options.min || value > options.max) {
			this.fail(name, 'out_of_range', { min: options.min, max: options.max });
			return undefined;
		}
		return value;
	}

	boolean(name: string, options: { optional?: boolean } = {}): boolean | undefined {
		const value = this.body[name];
		if (value === undefined) {
			if (!options.optional) this.fail(name, 'required');
			return undefined;
		}
		if (typeof value === 'boolean') return value;
		this.fail(name, 'invalid_format');
		return undefined;
	}

	oneOf<T extends string>(name: string, allowed: readonly T[], options: { optional?: boolean } = {}): T | undefined {
		if (this.missing(name, options.optional ?? false)) return undefined;
		const value = this.body[name];
		if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
		this.fail(name, 'invalid_format');
		return undefined;
	}

	/** A list of distinct values, each one of `allowed`. */
	listOf<T extends string | number>(name: string, allowed: readonly T[], options: { min: number; max: number; optional?: boolean }): T[] | undefined {
		const value = this.body[name];
		if (value === undefined) {
			if (!options.optional) this.fail(name, 'required');
			return undefined;
		}
		if (!Array.isArray(value) || value.some((v) => !(allowed as readonly unknown[]).includes(v)) || new Set(value).size !== value.length) {
			this.fail(name, 'invalid_format');
			return undefined;
		}
		if (value.length < options.min || value.length > options.max) {
			this.fail(name, 'out_of_range', { min: options.min, max: options.max });
			return undefined;
		}
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

/** A value read by a field that was required, once `done()` has passed: a required field that was
 * missing or refused has thrown there, so this only throws if a route reads a field it did not require. */
export function required<T>(value: T | undefined, field: string): T {
	if (value === undefined) throw new TawasulError(400, 'required', [{ field, code: 'required' }]);
	return value;
}
