/**
 * The demo accounts' passwords (development mode only): random at first start, never in the
 * source, kept in DATA_DIR/demo-passwords.json readable by its owner alone (mode 0600), so the
 * person who started the server can sign in and nobody else learns them from the code.
 *
 * The file is written before the accounts are made with its passwords: a crash in between
 * leaves a password that the next start uses for the account still missing, never an account
 * whose password nobody knows.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const DEMO_PASSWORDS_FILE = 'demo-passwords.json';

export function demoPasswordsPath(dataDir: string): string {
	return path.join(dataDir, DEMO_PASSWORDS_FILE);
}

/** 120 random bits in a form that is easy to type: five groups of four letters and digits. */
export function newDemoPassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	const bytes = randomBytes(20);
	const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
	return [0, 4, 8, 12, 16].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Username → password, as kept; empty when there is no file yet. */
export function readDemoPasswords(file: string): Record<string, string> {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
		throw error;
	}
	const parsed = JSON.parse(text) as { passwords?: Record<string, string> };
	return parsed.passwords ?? {};
}

/** Replaces the file in one step (write, then rename), created 0600 and kept 0600. */
export function writeDemoPasswords(file: string, passwords: Record<string, string>): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const temp = `${file}.${process.pid}.tmp`;
	const note = 'Demo accounts of a development server. Never use these in production.';
	fs.writeFileSync(temp, JSON.stringify({ note, passwords }, null, 2) + '\n', { mode: 0o600 });
	fs.chmodSync(temp, 0o600);
	fs.renameSync(temp, file);
}
