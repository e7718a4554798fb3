/** Anonymous public reporting without an account (sync-server/src/report/anonymous.ts): a code
 * to a number, the grant it gives, the report with its photos inline, and its receipt. Nothing
 * is kept on the device: the form holds the report until it is sent. */
import { ANONYMOUS_REPORT_RECEIPT_WAIT_MS } from '$lib/domain/kiosk-session';
import type { CaseType } from '$lib/domain/doc-types';
import { ClientError, request } from './api';
import type { DraftFields } from './drafts';
import { filingBody } from './kiosk-filing';
import type { OutgoingFile } from './outbox';

export interface AnonymousReceipt {
	ref: string;
	case_type: CaseType;
	entity_name: { ar: string; en: string } | null;
	created_at: string;
	due_at: string;
}

export async function requestReportCode(phone: string, locale: string): Promise<void> {
	await request('POST', '/api/report/code', { phone, locale });
}

export async function verifyReportCode(phone: string, code: string): Promise<string> {
	return (await request<{ grant: string }>('POST', '/api/report/verify', { phone, code })).grant;
}

/** Sends the report; with the same `filingId` a second attempt is the same case. */
export async function sendReport(fields: DraftFields, files: OutgoingFile[], grant: string, filingId: string): Promise<{ case_key: string; receipt_token: string }> {
	return request('POST', '/api/report', { ...(await filingBody(fields, files)), grant, filing_id: filingId });
}

/** The first wait before asking again for the receipt; each wait doubles, to RECEIPT_POLL_MAX_MS. */
const RECEIPT_POLL_MS = 500;
const RECEIPT_POLL_MAX_MS = 4_000;

/** The receipt, once the server has numbered the case (a moment after it was sent). A case the
 * engine refused has none: that is said as the refusal it is. */
export async function waitForReportReceipt(filed: { case_key: string; receipt_token: string }): Promise<AnonymousReceipt> {
	const until = Date.now() + ANONYMOUS_REPORT_RECEIPT_WAIT_MS;
	for (let wait = RECEIPT_POLL_MS; ; wait = Math.min(wait * 2, RECEIPT_POLL_MAX_MS)) {
		let answer: { receipt?: AnonymousReceipt };
		try {
			answer = await request<{ receipt?: AnonymousReceipt }>('POST', '/api/report/receipt', filed);
		} catch (caught) {
			if (caught instanceof ClientError && caught.status === 404) throw new ClientError(409, 'report_refused');
			throw caught;
		}
		if (answer.receipt) return answer.receipt;
		if (Date.now() > until) throw new ClientError(504, 'network');
		await new Promise((resolve) => setTimeout(resolve, wait));
	}
}
