/**
 * The 'outbox' gateway: messages are stored in the `sms` database instead of being sent, for
 * development, demos and tests (and as the audit copy a real gateway could keep too). In
 * production, where it must be chosen explicitly (env.ts), what it stores is `held`: nobody
 * received it, and neither the outbox nor the SMS queue ever says otherwise.
 */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import type { Store } from '../store.js';
import type { SmsGateway, SmsMessage } from './gateway.js';

interface SmsDoc {
	_id: string;
	type: 'sms';
	to: string;
	text: string;
	status: 'sent' | 'held';
	created_at: string;
}

const smsDocId = (id: string) => `sms:${id}`;

export function createOutboxGateway(store: Store, now: () => number = Date.now, options: { hold?: boolean } = {}): SmsGateway {
	const status = options.hold ? 'held' : 'sent';
	return {
		name: 'outbox',
		async send(message: SmsMessage) {
			await store.ensureDb(DB.SMS);
			const doc: SmsDoc = {
				_id: smsDocId(message.id),
				type: DOC_TYPES.SMS,
				to: message.to,
				text: message.text,
				status,
				created_at: new Date(now()).toISOString()
			};
			try {
				await store.use<SmsDoc>(DB.SMS).insert(doc);
			} catch (error) {
				// 409: this id was sent before; a replay must not send it again.
				if ((error as { statusCode?: number }).statusCode !== 409) throw error;
			}
			return options.hold ? { provider_ids: [], parts: 1, held: true } : undefined;
		}
	};
}

export interface OutboxMessage {
	id: string;
	to: string;
	text: string;
	status: 'sent' | 'held';
	created_at: string;
}

/** How far back the development listing looks. */
const SCAN_LIMIT = 1000;

/**
 * Newest first, optionally for one phone, by the time each was stored. The changes feed read
 * backwards gives the last SCAN_LIMIT messages, enough for the development outbox it serves (a
 * production gateway hands messages on and is never listed), but not their order on CouchDB: a
 * database of more than one shard lists each shard's changes in turn, so an older sign-in code
 * could come first. The feed's order breaks ties within one millisecond.
 */
export async function listOutbox(store: Store, options: { phone?: string; limit: number }): Promise<OutboxMessage[]> {
	await store.ensureDb(DB.SMS);
	const feed = await store.use<SmsDoc>(DB.SMS).changes({ descending: true, include_docs: true, limit: SCAN_LIMIT });
	const messages: OutboxMessage[] = [];
	for (const change of feed.results) {
		// nano's change type leaves out `doc`, which include_docs adds: any document of the
		// database, design documents too.
		const doc = (change as { doc?: Omit<SmsDoc, 'type'> & { type?: string } }).doc;
		if (!doc || change.deleted || doc.type !== 'sms') continue;
		if (options.phone && doc.to !== options.phone) continue;
		messages.push({ id: doc._id.slice('sms:'.length), to: doc.to, text: doc.text, status: doc.status, created_at: doc.created_at });
	}
	return messages.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0)).slice(0, options.limit);
}
