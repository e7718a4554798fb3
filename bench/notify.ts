/** notify.reply_to_sms_p95_ms (issue 16): a staff member's reply saved — in turn a final reply (its
 * SMS is the rating invitation), an interim reply and a request for more information (their SMS
 * are the citizen's notices) — until the SMS job that tells the citizen exists, through the real
 * path: `_bulk_docs` into `intake` through the gate as an agent's device sends it, the rules
 * engine on the intake feed, the effect handlers, the job written once in `sms`. Measured from
 * just before the reply is sent to the job's `created_at` (the server runs in this process, so
 * both read the same clock), on the store the bench runs on (COUCHDB_URL, else embedded); the
 * target is < 2 s. The replies arrive one every INTERVAL_MS, as a busy entity's would. */
import { followUp, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../tests/integration/harness.js';
import { pullDoc, push } from '../tests/integration/rating-helpers.js';
import { DB } from '../src/lib/domain/doc-types.js';
import type { SmsJob } from '../sync-server/src/sms/jobs.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const REPLIES = Number(process.env.BENCH_NOTIFY_REPLIES ?? 300);
const INTERVAL_MS = Number(process.env.BENCH_NOTIFY_INTERVAL_MS ?? 50);
const KINDS = ['final', 'interim', 'request_info'] as const;

function replyOf(kind: (typeof KINDS)[number], caseKey: string) {
	if (kind === 'final') return followUp(caseKey, 'reply', { body: 'The pothole was filled this morning.' });
	if (kind === 'interim') return followUp(caseKey, 'reply', { body: 'A crew is booked for Sunday.', interim: true });
	return followUp(caseKey, 'request_info', { body: 'Which road exactly, and near which building?' });
}

/** The reply's action id from its job's source: `notice:<action>` or `invite:<action>@<rev>`. */
function actionOf(job: SmsJob): string | null {
	const match = /^(?:notice|invite):(act:[^@]+)/.exec(job.source);
	return match ? match[1] : null;
}

async function save(base: string, agent: Session, doc: Record<string, unknown>): Promise<void> {
	const response = await fetch(`${base}/db/intake/_bulk_docs`, {
		method: 'POST',
		headers: { cookie: agent.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ docs: [doc] })
	});
	const body = (await response.json()) as { ok?: boolean; error?: string }[];
	if (response.status !== 201 || body[0]?.error) throw new Error(`notify bench: the gate answered ${response.status} ${JSON.stringify(body)}`);
}

export async function benchNotify(): Promise<void> {
	const place = benchPlace('notify');
	const server = await startInProcess({ ...benchServerEnv(place), SMS_PER_NUMBER_PER_HOUR: '10000' });
	try {
		const citizen = await signInCitizen(server.base, '+97336000997');
		const agent = await signInStaff(server.base, 'agent.works');
		const submits = Array.from({ length: REPLIES }, () => submitAction());
		await push(server.base, citizen, submits);
		await pullDoc(server.base, agent, 'e_works', `case:${submits.at(-1)!.case_key}`);
		const sentAt = new Map<string, { at: number; kind: (typeof KINDS)[number] }>();
		for (let i = 0; i < REPLIES; i++) {
			const kind = KINDS[i % KINDS.length];
			const reply = replyOf(kind, submits[i].case_key);
			sentAt.set(reply._id, { at: Date.now(), kind });
			await save(server.base, agent, reply);
			await new Promise((r) => setTimeout(r, INTERVAL_MS));
		}
		const jobs = await waitFor(
			async () => {
				const found = await server.store.use<SmsJob>(DB.SMS).list({ include_docs: true, startkey: 'job:', endkey: 'job:\ufff0' });
				const mine = found.rows.flatMap((r) => (r.doc && sentAt.has(actionOf(r.doc) ?? '') ? [r.doc] : []));
				return mine.length >= REPLIES ? mine : undefined;
			},
			120_000,
			'an SMS job for every reply'
		);
		const measured = jobs.map((job) => {
			const sent = sentAt.get(actionOf(job)!)!;
			return { kind: sent.kind, ms: Date.parse(job.created_at) - sent.at };
		});
		const latencies = measured.map((m) => m.ms);
		const perKind = Object.fromEntries(
			KINDS.map((kind) => [
				`p95_${kind}`,
				Math.round(
					percentile(
						measured.filter((m) => m.kind === kind).map((m) => m.ms),
						95
					)
				)
			])
		);
		emit({
			name: 'notify.reply_to_sms_p95_ms',
			value: Math.round(percentile(latencies, 95)),
			unit: 'ms',
			p50: Math.round(percentile(latencies, 50)),
			...perKind,
			samples: latencies.length,
			target: 2000
		});
	} finally {
		await server.stop();
		await removeBenchPlace(place);
	}
}
