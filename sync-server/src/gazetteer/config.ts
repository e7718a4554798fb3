/** GAZETTEER_FILE (issue 15): the path of a GeoJSON file of Bahrain's blocks and roads (the format
 * is in features.ts). Unset: the feature is off and GET /api/gazetteer says so. Set: the file is
 * read, checked and indexed once at start-up; a file that is missing, unreadable, larger than
 * `GAZETTEER_MAX_BYTES`, not JSON or with a bad feature stops the server with a message naming the
 * file and the problem, so a wrong block number is never shown from a half-read file. */
import fs from 'node:fs';
import path from 'node:path';
import { EnvError } from '../env-error.js';
import { readGazetteer } from './features.js';
import { Gazetteer } from './lookup.js';

/** A whole country's blocks and roads in GeoJSON is a few tens of megabytes at most. */
const GAZETTEER_MAX_BYTES = 64 * 1024 * 1024;
const MB = 1024 * 1024;

const READ_FAILURES: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder, not a file' };

function reason(error: unknown): string {
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code === 'string') return `cannot be read (${READ_FAILURES[code] ?? code})`;
	if (error instanceof SyntaxError) return `is not JSON (${error.message.slice(0, 120)})`;
	return error instanceof Error ? error.message : String(error);
}

/** The file read, checked and indexed; throws an Error saying what is wrong with it. */
export function loadGazetteer(file: string, maxBytes = GAZETTEER_MAX_BYTES): Gazetteer {
	const fd = fs.openSync(file, 'r');
	try {
		const stat = fs.fstatSync(fd);
		if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
		if (stat.size > maxBytes) throw new Error(`is ${(stat.size / MB).toFixed(1)} MB, more than the ${maxBytes / MB} MB a gazetteer file may be`);
		const json: unknown = JSON.parse(fs.readFileSync(fd, 'utf8'));
		return new Gazetteer(readGazetteer(json));
	} finally {
		fs.closeSync(fd);
	}
}

export function parseGazetteerEnv(source: Record<string, string | undefined>, cwd: string): Gazetteer | null {
	const raw = source.GAZETTEER_FILE?.trim();
	if (!raw) return null;
	const file = path.resolve(cwd, raw);
	try {
		return loadGazetteer(file);
	} catch (error) {
		throw new EnvError('GAZETTEER_FILE', `${file}: ${reason(error)}`);
	}
}
