/** Where an HTTP provider posts what SMPP brings over the link: replies from phones (STOP) and
 * delivery receipts. Off unless SMS_INBOUND_TOKEN is set; the provider sends it as
 * `Authorization: Bearer <token>` or `?token=`. Fields: a reply is `from` (or `msisdn`) and
 * `text` (or `message`); a receipt is `id` (the provider's message id) and `status`. */
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { log } from '../log.js';
import type { Store } from '../store.js';
import type { DeliveryState } from './gateway.js';
import { handleInbound } from './opt-out.js';
import type { SmsSender } from './sender.js';

const DELIVERED = new Set(['delivered', 'delivrd', 'success', 'ok']);
const PENDING = new Set(['sent', 'enroute', 'accepted', 'queued', 'pending', 'acceptd']);

function deliveryState(status: string): DeliveryState {
	const s = status.trim().toLowerCase();
	return DELIVERED.has(s) ? 'delivered' : PENDING.has(s) ? 'pending' : 'failed';
}

function allowed(req: Request, token: string): boolean {
	const header = req.headers.authorization ?? '';
	const given = header.startsWith('Bearer ') ? header.slice(7) : typeof req.query.token === 'string' ? req.query.token : '';
	const a = Buffer.from(given);
	const b = Buffer.from(token);
	return a.length === b.length && timingSafeEqual(a, b);
}

const field = (body: Record<string, unknown>, ...names: string[]) => {
	for (const name of names) if (typeof body[name] === 'string' && body[name]) return body[name];
	return null;
};

export function smsInboundRouter(deps: { store: Store; sender: SmsSender; token: string; now?: () => number }): express.Router {
	const router = express.Router();
	const parse = [express.json({ limit: '8kb' }), express.urlencoded({ extended: false, limit: '8kb' })];
	const guard = (req: Request, res: Response, next: express.NextFunction) => {
		res.setHeader('Cache-Control', 'no-store');
		if (!allowed(req, deps.token)) return res.status(401).json({ error: { code: 'unauthorized', message_key: 'errors.unauthorized' } });
		next();
	};
	const bad = (res: Response) => res.status(400).json({ error: { code: 'invalid_format', message_key: 'errors.invalid_format' } });

	router.post('/api/sms/inbound', guard, ...parse, (req, res, next) => {
		const body = (req.body ?? {}) as Record<string, unknown>;
		const from = field(body, 'from', 'msisdn', 'sender');
		const text = field(body, 'text', 'message', 'body');
		if (!from || text === null) return bad(res);
		handleInbound(deps.store, { from, text }, new Date((deps.now ?? Date.now)())).then((keyword) => {
			if (keyword) log.info('sms reply handled', { keyword });
			res.json({ ok: true, keyword });
		}, next);
	});

	router.post('/api/sms/receipt', guard, ...parse, (req, res, next) => {
		const body = (req.body ?? {}) as Record<string, unknown>;
		const id = field(body, 'id', 'message_id', 'messageId');
		const status = field(body, 'status', 'state', 'stat');
		if (!id || !status) return bad(res);
		deps.sender.acceptReceipt({ provider_id: id, state: deliveryState(status), detail: status }).then(() => res.json({ ok: true }), next);
	});
	return router;
}
