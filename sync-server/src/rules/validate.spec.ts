import { describe, expect, it } from 'vitest';
import type { ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import { validate } from './validate.js';

const MB = 1024 * 1024;

function reply(sizes: number[]): ActionDoc {
	return {
		_id: 'act:00000000-0000-4000-8000-000000000001',
		type: 'action',
		kind: 'reply',
		case_key: '11111111-2222-4333-8444-555555555555',
		client_time: '2026-12-14T07:00:00.000Z',
		device_id: 'd1',
		author: { user_id: 's0001', role: 'agent', entity_id: 'works' },
		body: 'See the attached documents.',
		_attachments: Object.fromEntries(sizes.map((length, i) => [`document-${i + 1}.pdf`, { content_type: 'application/pdf', length, stub: true }]))
	};
}

function caseWithFiles(sizes: number[]): CaseDoc {
	const attachments = sizes.map((size, i) => ({ id: `att:x:document-${i + 1}.pdf`, name: `document-${i + 1}.pdf`, content_type: 'application/pdf', size }));
	return { timeline: [{ action_id: 'act:x', kind: 'submit', at: '2026-12-14T06:00:00.000Z', author_role: 'citizen', author_id: 'c1', attachments }] } as unknown as CaseDoc;
}

function refusal(action: ActionDoc, before: CaseDoc | null): string {
	try {
		validate.apply({ action, before, after: before, at: new Date() }, {} as never);
		return 'accepted';
	} catch (error) {
		if (error instanceof TawasulError) return error.code;
		throw error;
	}
}

describe('the case file limit', () => {
	it('refuses files that would take the case past its limit, counting what it holds already', () => {
		const full = caseWithFiles([10 * MB, 10 * MB, 10 * MB, 10 * MB, 9 * MB]);
		expect(refusal(reply([2 * MB]), full)).toBe('payload_too_large');
		expect(refusal(reply([MB - 1]), full)).toBe('accepted');
		expect(refusal(reply([5 * MB]), caseWithFiles([10 * MB]))).toBe('accepted');
		expect(LIMITS.CASE_FILE_BYTES_MAX).toBe(50 * MB);
	});

	it('does not count an action without files', () => {
		const over = caseWithFiles([60 * MB]);
		const note = { ...reply([]), _attachments: undefined };
		expect(refusal(note, over)).toBe('accepted');
	});
});
