import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStatus } from '../doc-types';
import { isOpenStatus } from './model';

describe('isOpenStatus (issue 16: answered complaints were counted as open)', () => {
	it.each<[CaseStatus, boolean]>([
		['open', true],
		['awaiting_citizen', true],
		['answered', false],
		['closed', false]
	])('%s → %s', (status, open) => {
		expect(isOpenStatus(status)).toBe(open);
	});

	it('judges every status the app knows', () => {
		expect(CASE_STATUSES.map(isOpenStatus)).toEqual([true, true, false, false]);
	});
});
