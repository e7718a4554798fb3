/** JSON-lines logger. Callers pass document ids and feed positions, never tokens, codes or
 * passwords; `redact` strips credentials from any URL that reaches a message anyway. */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

let threshold: number = LEVELS.info;

export function setLogLevel(level: Level): void {
	threshold = LEVELS[level];
}

function redact(text: string): string {
	return text.replace(/\/\/[^/@\s]+:[^/@\s]+@/g, '//***:***@');
}

function write(level: Exclude<Level, 'silent'>, msg: string, fields: Record<string, unknown> = {}) {
	if (LEVELS[level] < threshold) return;
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg: redact(msg), ...fields });
	(level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
	debug: (msg: string, fields?: Record<string, unknown>) => {
		write('debug', msg, fields);
	},
	info: (msg: string, fields?: Record<string, unknown>) => {
		write('info', msg, fields);
	},
	warn: (msg: string, fields?: Record<string, unknown>) => {
		write('warn', msg, fields);
	},
	error: (msg: string, fields?: Record<string, unknown>) => {
		write('error', msg, fields);
	}
};
