import { describe, it, expect } from 'vitest';
import * as domain from './index';

/** The PWA and the sync-server are written against these names; losing one breaks both. */
const API = [
	'makeCalendar',
	'localDateOf',
	'isWorkingDay',
	'startOfLocalDay',
	'endOfLocalDay',
	'addWorkingDays',
	'workingMsBetween',
	'addWorkingMs',
	'startSla',
	'pauseSla',
	'resumeSla',
	'stopSla',
	'restartSla',
	'isOverdue',
	'repliedWithinPeriod',
	'msLeft',
	'daysToReply',
	'slaPhase',
	'dammCheckDigit',
	'formatReference',
	'isValidReference',
	'normalizeReference',
	'checkTransition',
	'availableActions',
	'validateAction',
	'validateDraftFields',
	'normalizePhone',
	'detectContentType',
	'normalizeArabic',
	'toAsciiDigits',
	'resolveRoute',
	'suggestEntity',
	'categoriesFor',
	'makeCatalogue',
	'userDb',
	'entityDb',
	'caseDocId'
] as const;

describe('domain index', () => {
	it.each(API)('exports %s', (name) => {
		expect(typeof domain[name]).toBe('function');
	});

	it('exports the limits the UI shows', () => {
		expect(domain.LIMITS.SUBJECT_MAX).toBe(150);
		expect(domain.ALLOWED_CONTENT_TYPES).toContain('application/pdf');
		expect(domain.TawasulError).toBeTypeOf('function');
	});
});
