/** Opting out by replying STOP: the number gets no further SMS from Tawasul except sign-in codes,
 * which the person asks for themselves. START undoes it. Kept in the `sms` database
 * (`optout:<e164>`), so every instance and every restart honours it. */
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { updateDoc } from '../store-docs.js';
import type { Store } from '../store.js';
import { optOutDocId, type OptOutDoc } from './jobs.js';

// Arabic words are compared after folding hamza forms of alef, as people type them either way.
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'ايقاف', 'توقف', 'الغاء']);
const START_WORDS = new Set(['START', 'UNSTOP', 'ابدا', 'اشتراك']);

function fold(text: string): string {
	return text
		.trim()
		.replace(/[\s.!،,؛;:]+$/u, '')
		.replace(/[إأآ]/g, 'ا')
		.replace(/[\u064B-\u0652]/g, '')
		.toUpperCase();
}

export type Keyword = 'stop' | 'start' | null;

export function keywordOf(text: string): Keyword {
	const word = fold(text);
	if (STOP_WORDS.has(word)) return 'stop';
	if (START_WORDS.has(word)) return 'start';
	return null;
}

export async function setOptOut(store: Store, phone: string, optedOut: boolean, now: Date): Promise<void> {
	await store.ensureDb(DB.SMS);
	await updateDoc(store.use<OptOutDoc>(DB.SMS), optOutDocId(phone), (current) => {
		if (current?.opted_out === optedOut) return { next: null, result: undefined };
		return { next: { _id: optOutDocId(phone), type: DOC_TYPES.SMS_OPT_OUT, phone, opted_out: optedOut, updated_at: now.toISOString() }, result: undefined };
	});
}

/** Handles a reply; returns what it did, for the log. Unknown senders and other words are ignored. */
export async function handleInbound(store: Store, message: { from: string; text: string }, now: Date): Promise<Keyword> {
	const phone = normalizePhone(message.from.startsWith('+') ? message.from : `+${message.from}`);
	const keyword = keywordOf(message.text);
	if (!phone || !keyword) return null;
	await setOptOut(store, phone, keyword === 'stop', now);
	return keyword;
}

/** Which of these numbers opted out: one request for a whole batch. */
export async function optedOut(store: Store, phones: string[]): Promise<Set<string>> {
	const unique = [...new Set(phones)];
	if (unique.length === 0) return new Set();
	const result = await store.use<OptOutDoc>(DB.SMS).fetch({ keys: unique.map(optOutDocId) });
	const out = new Set<string>();
	for (const row of result.rows) {
		const doc = 'doc' in row ? (row.doc as OptOutDoc | null) : null;
		if (doc?.opted_out) out.add(doc.phone);
	}
	return out;
}
