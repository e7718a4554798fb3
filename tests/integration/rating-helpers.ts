/** A case answered through the gate, and its rating link read from the SMS outbox, as a
 * citizen's phone would receive it. */
import { followUp, local, remote, submitAction, waitFor, type Session } from './harness.js';

export async function push(base: string, session: Session, docs: Record<string, unknown>[]) {
	const outbox = local('outbox');
	for (const doc of docs) await outbox.put(doc);
	await outbox.replicate.to(remote(base, 'intake', session));
}

export async function pullDoc(base: string, session: Session, db: string, id: string, predicate: (doc: any) => boolean = () => true) {
	const mirror = local('mirror');
	return waitFor(
		async () => {
			await mirror.replicate.from(remote(base, db, session));
			const doc = await mirror.get(id).catch(() => undefined);
			return doc && predicate(doc) ? doc : undefined;
		},
		20_000,
		`${id} in ${db}`
	);
}

/** Every rating link texted to `phone`, newest first. */
export async function ratingLinks(base: string, phone: string): Promise<{ token: string; text: string }[]> {
	const outbox = await (await fetch(`${base}/api/dev/sms?phone=${encodeURIComponent(phone)}&limit=100`)).json();
	return (outbox.messages as { text: string }[]).flatMap((m) => {
		const match = /\/r\/([A-Za-z0-9_-]{43})/.exec(m.text);
		return match ? [{ token: match[1], text: m.text }] : [];
	});
}

export interface Answered {
	caseKey: string;
	replyId: string;
	token: string;
	smsText: string;
}

/** Submits a case as the citizen, replies as the agent, and waits for the rating SMS. */
export async function answeredCase(base: string, citizen: Session, agent: Session, phone: string, fields: Record<string, unknown> = {}): Promise<Answered> {
	const submit = submitAction(fields);
	await push(base, citizen, [submit]);
	await pullDoc(base, agent, 'e_works', `case:${submit.case_key}`);
	const before = new Set((await ratingLinks(base, phone)).map((l) => l.token));
	const reply = followUp(submit.case_key, 'reply', { body: 'A crew repaired the road on Tuesday. <b>Thank you</b> for reporting it.' });
	await push(base, agent, [reply]);
	const link = await waitFor(async () => (await ratingLinks(base, phone)).find((l) => !before.has(l.token)), 20_000, 'rating SMS');
	return { caseKey: submit.case_key, replyId: reply._id, token: link.token, smsText: link.text };
}

export function form(fields: Record<string, string>): RequestInit {
	return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

export const GOOD = { handling: '4', clarity: '5', courtesy: '5', ease_of_use: '4' };
export const LOW = { handling: '2', clarity: '3', courtesy: '4', ease_of_use: '4' };
