/** What the gate's security tests share: raw pushes as a hostile client makes them, reads of the
 * store through the Store interface, and the check that the rules engine still advances. */
import http from 'node:http';
import { expect } from 'vitest';
import { submitAction, waitFor, type Session } from '../integration/harness';
import type { Running } from '../../sync-server/src/main.js';

export type Server = Running & { base: string };

export interface BulkAnswer {
	status: number;
	text: string;
	results: { id: string; ok?: boolean; error?: string; reason?: string; field?: string; message_key?: string }[];
}

/** POST /db/intake/_bulk_docs with a body the caller wrote (a string is sent as it is). */
export async function pushRaw(base: string, session: Session, docs: unknown[] | string, newEdits = true): Promise<BulkAnswer> {
	const body = typeof docs === 'string' ? docs : JSON.stringify({ docs, ...(newEdits ? {} : { new_edits: false }) });
	const response = await fetch(`${base}/db/intake/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body
	});
	const text = await response.text();
	let results: BulkAnswer['results'] = [];
	try {
		const parsed = JSON.parse(text);
		if (Array.isArray(parsed)) results = parsed;
	} catch {
		// A refusal of the whole request is not JSON of results; the status says so.
	}
	return { status: response.status, text, results };
}

/** A document of the store, or undefined. */
export async function stored(server: Server, db: string, id: string): Promise<Record<string, any> | undefined> {
	try {
		return (await server.store.use(db).get(id)) as Record<string, any>;
	} catch (error) {
		if ((error as { statusCode?: number }).statusCode === 404) return undefined;
		throw error;
	}
}

export const caseOf = (server: Server, caseKey: string) => stored(server, 'cases', `case:${caseKey}`);

/** The engine reads intake in order: once a submission pushed now is routed, everything pushed
 * before it has been decided. */
export async function engineAdvances(server: Server, citizen: Session, label = 'sentinel', timeoutMs = 30_000): Promise<Record<string, any>> {
	const sentinel = submitAction({ subject: `Sentinel ${label}`, body: 'A valid submission sent after the attack.' });
	const answer = await pushRaw(server.base, citizen, [sentinel]);
	expect(answer.status, answer.text).toBe(201);
	expect(answer.results[0]?.ok, answer.text).toBe(true);
	const routed = await waitFor(() => caseOf(server, sentinel.case_key), timeoutMs, `case of ${label}`).catch(async (error: Error) => {
		// Where the engine stands says which of its steps held it up.
		const intake = await server.store.dbInfo('intake').catch((e: Error) => e.message);
		throw new Error(`${error.message}; engine ${JSON.stringify(server.engine.status())}; intake ${JSON.stringify(intake)}`);
	});
	expect(routed.entity_id).toBe('works');
	return routed;
}

/** Expects every result to be refused as `forbidden` with this reason (an error code with a
 * message key), and nothing of it in intake. */
export async function expectRefused(server: Server, answer: BulkAnswer, ids: string[], reason: string | RegExp): Promise<void> {
	expect(answer.status, answer.text).toBe(201);
	for (const id of ids) {
		const result = answer.results.find((r) => r.id === id);
		expect(result, `${id} in ${answer.text.slice(0, 500)}`).toBeDefined();
		expect(result!.error).toBe('forbidden');
		expect(result!.reason).toMatch(reason);
		expect(result!.message_key).toBe(`errors.${result!.reason}`);
		expect(await stored(server, 'intake', id)).toBeUndefined();
	}
}

export interface RawOutcome {
	status: number;
	body: string;
	/** Bytes the client had written when the answer came. */
	sentBytes: number;
	ms: number;
}

/** Streams `total` bytes (of a JSON-looking body) to the gate in 64 KB chunks, with or without a
 * Content-Length, and stops writing once the answer arrives, as a client that reads answers would. */
export function uploadHuge(base: string, path: string, cookie: string, total: number, declareLength = true): Promise<RawOutcome> {
	const url = new URL(path, base);
	const chunk = Buffer.alloc(64 * 1024, 0x78);
	return new Promise((resolve, reject) => {
		const started = performance.now();
		let sentBytes = 0;
		let answered = false;
		const request = http.request(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, ...(declareLength ? { 'content-length': String(total) } : {}) }
		});
		request.on('response', (response) => {
			answered = true;
			const ms = performance.now() - started;
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (part: string) => (body += part));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body, sentBytes, ms }));
			response.on('error', () => resolve({ status: response.statusCode ?? 0, body, sentBytes, ms }));
		});
		request.on('error', (error) => {
			if (!answered) reject(error);
		});
		const write = () => {
			while (!answered && sentBytes < total) {
				const part = sentBytes + chunk.length <= total ? chunk : chunk.subarray(0, total - sentBytes);
				sentBytes += part.length;
				if (!request.write(part)) return void request.once('drain', write);
			}
			if (!answered) request.end();
		};
		write();
	});
}
