/** The error of a bad environment variable, naming it. Its own module so that the parsers of
 * each feature's settings (sms/config.ts) and env.ts, which calls them, do not import each other. */
export class EnvError extends Error {
	constructor(variable: string, problem: string) {
		super(`Environment variable ${variable}: ${problem}`);
		this.name = 'EnvError';
	}
}
