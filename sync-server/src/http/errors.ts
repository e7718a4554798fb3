/** Every error leaves the server as `{ error: { code, message_key, fields } }` with a status;
 * anything unexpected becomes 500 'server' without a stack or path in the body. */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { GateBusy } from '../gate/files.js';
import { log } from '../log.js';

/** body-parser's errors carry a `type`; these two are the client's fault, not the server's. */
function fromBodyParser(error: unknown): TawasulError | null {
	const type = (error as { type?: unknown } | null)?.type;
	if (type === 'entity.parse.failed') return new TawasulError(400, 'invalid_format');
	if (type === 'entity.too.large') return new TawasulError(413, 'payload_too_large');
	if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new TawasulError(415, 'invalid_format');
	return null;
}

function toTawasulError(error: unknown): TawasulError | null {
	if (error instanceof TawasulError) return error;
	// Too many photos being re-encoded at once: nothing was kept, the client tries again later.
	if (error instanceof GateBusy) return new TawasulError(503, 'busy');
	return fromBodyParser(error);
}

export function sendError(res: Response, error: unknown): void {
	const known = toTawasulError(error);
	if (!known) {
		// Name and message only: nano's messages carry no credentials, and redact() in the logger
		// strips any store URL that slips into one.
		const e = error as { name?: string; message?: string; statusCode?: number } | null;
		log.error('request failed', { error: e?.name ?? typeof error, message: e?.message, status: e?.statusCode });
	}
	const { status, code, fields } = known ?? new TawasulError(500, 'server');
	if (res.headersSent) {
		res.end();
		return;
	}
	if (code === 'busy') res.setHeader('Retry-After', '5');
	res.status(status).json({ error: { code, message_key: `errors.${code}`, fields } });
}

/** Lets a route be an async function: a rejection goes to sendError instead of hanging the request. */
export function asyncHandler(fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
	return (req, res, next) => {
		fn(req, res, next).catch((error: unknown) => {
			sendError(res, error);
		});
	};
}

/** Last in a router or app: turns anything thrown or passed to next(error) into the JSON shape. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
	sendError(res, error);
};
