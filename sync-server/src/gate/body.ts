/** Reading a request body at the gate, bounded. A request larger than the limit is refused from
 * its Content-Length before a byte of the body is read, and a body without one (chunked) is
 * refused as soon as it passes the limit: the gate never holds more than the limit in memory,
 * and refusing a 60 MB upload costs what refusing a small one does (issue 10, finding 1). */
import type { Request } from 'express';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 };

/** The declared length, or null when there is none (chunked) ; NaN when it is not a number. */
function declaredLength(req: Request): number | null {
	const header = req.headers['content-length'];
	if (header === undefined) return null;
	return /^\d{1,15}$/.test(header) ? Number(header) : Number.NaN;
}

export function readBody(req: Request, limit: number): Promise<BodyResult> {
	const declared = declaredLength(req);
	if (Number.isNaN(declared)) return Promise.resolve({ ok: false, status: 400 });
	if (declared !== null && declared > limit) return Promise.resolve({ ok: false, status: 413 });
	// PouchDB never compresses what it sends; an encoded body could inflate past any limit.
	const encoding = req.headers['content-encoding'];
	if (encoding !== undefined && encoding !== 'identity') return Promise.resolve({ ok: false, status: 400 });
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let received = 0;
		let settled = false;
		const finish = (result: BodyResult) => {
			if (settled) return;
			settled = true;
			req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
			if (!result.ok) req.pause();
			resolve(result);
		};
		const onData = (chunk: Buffer) => {
			received += chunk.length;
			if (received > limit || (declared !== null && received > declared)) {
				finish({ ok: false, status: 413 });
				return;
			}
			chunks.push(chunk);
		};
		const onEnd = () => {
			finish(declared !== null && received !== declared ? { ok: false, status: 400 } : { ok: true, body: Buffer.concat(chunks, received) });
		};
		const onError = () => {
			finish({ ok: false, status: 400 });
		};
		req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
	});
}
