import { describe, expect, it } from 'vitest';
import { anonymousTypes, reportableAnonymously } from './anonymous-report.js';
import type { CaseType } from './doc-types.js';

const category = (identity: 'named' | 'contact_hidden' | 'anonymous', case_types: CaseType[] = ['complaint', 'suggestion']) => ({ identity, case_types });

describe('anonymous reporting', () => {
	it.each([
		['takes a complaint in a category of anonymous reporting', category('anonymous'), 'complaint', true],
		['refuses a type that category does not take', category('anonymous'), 'inquiry', false],
		['refuses in a named category', category('named'), 'complaint', false],
		['refuses in a category that hides the contact only', category('contact_hidden'), 'complaint', false],
		['refuses without a category', undefined, 'suggestion', false]
	] as const)('%s', (_name, given, caseType, expected) => {
		expect(reportableAnonymously(given, caseType)).toBe(expected);
	});

	it('offers the types of the categories of anonymous reporting only, each once', () => {
		expect(anonymousTypes([category('named', ['inquiry'])])).toEqual([]);
		expect(anonymousTypes([category('anonymous', ['complaint']), category('named', ['inquiry']), category('anonymous', ['suggestion', 'complaint'])])).toEqual(['complaint', 'suggestion']);
	});
});
