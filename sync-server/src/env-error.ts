/** The error of a bad environment variable, naming it, and the reader of a whole number most
 * settings are. Its own module so that the parsers of each feature's settings (sms/config.ts,
 * push/config.ts) and env.ts, which calls them, do not import each other. */
export class EnvError extends Error {
	constructor(variable: string, problem: string) {
		super(`Environment variable ${variable}: ${problem}`);
		this.name = 'EnvError';
	}
}

/** A whole number from `min` to `max`, or `fallback` when unset or empty. */
export function wholeNumber(source: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
	const raw = source[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) throw new EnvError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
	return value;
}
