import { describe, expect, it } from 'vitest';
import type { CaseDoc } from './doc-types';
import { isLocalDate, isPublicLink, mayDecideSuggestion, publicSuggestionOf, suggestionDetails, suggestionStepErrors, type SuggestionStep } from './suggestion';

const TODAY = '2026-12-06';
const codes = (step: SuggestionStep, today: string | null = TODAY) => suggestionStepErrors(step, today ?? undefined).map((e) => `${e.field}:${e.code}`);

describe('suggestionStepErrors', () => {
	it.each<[string, SuggestionStep, string[]]>([
		['under study, with or without a note', { suggestion_state: 'under_study' }, []],
		['accepted with a plan for today', { suggestion_state: 'accepted', target_date: TODAY }, []],
		['accepted without a target date', { suggestion_state: 'accepted' }, ['target_date:required']],
		['accepted with a target date in the past', { suggestion_state: 'accepted', target_date: '2026-12-05' }, ['target_date:date_in_past']],
		['accepted with a day that does not exist', { suggestion_state: 'accepted', target_date: '2027-02-30' }, ['target_date:invalid_date']],
		['accepted with a time, not a day', { suggestion_state: 'accepted', target_date: '2027-01-01T00:00Z' }, ['target_date:invalid_date']],
		[
			'implemented with what, when and a link',
			{ suggestion_state: 'implemented', body: 'eKey registration at self-service machines.', implemented_on: TODAY, link: 'https://www.bahrain.bh/ekey' },
			[]
		],
		['implemented without saying what changed', { suggestion_state: 'implemented', implemented_on: TODAY }, ['body:required']],
		['implemented tomorrow', { suggestion_state: 'implemented', body: 'Done.', implemented_on: '2026-12-07' }, ['implemented_on:date_in_future']],
		['implemented with a javascript: link', { suggestion_state: 'implemented', body: 'Done.', implemented_on: TODAY, link: 'javascript:alert(1)' }, ['link:invalid_format']],
		['implemented with a link carrying a password', { suggestion_state: 'implemented', body: 'Done.', implemented_on: TODAY, link: 'https://u:p@example.bh/' }, ['link:invalid_format']],
		['implemented with a huge text', { suggestion_state: 'implemented', body: 'x'.repeat(5001), implemented_on: TODAY }, ['body:too_long']],
		['declined without a reason', { suggestion_state: 'declined' }, ['reason:required']],
		['declined with a blank reason', { suggestion_state: 'declined', reason: ' \u200f ' }, ['reason:required']],
		['declined with a two-letter reason', { suggestion_state: 'declined', reason: 'no' }, ['reason:too_short']],
		['declined with a huge reason', { suggestion_state: 'declined', reason: 'x'.repeat(1001) }, ['reason:too_long']],
		['a field of another step', { suggestion_state: 'under_study', target_date: TODAY, reason: 'why' }, ['reason:unknown_field', 'target_date:unknown_field']]
	])('%s', (_name, step, expected) => {
		expect(codes(step)).toEqual(expected);
	});

	it('checks only the form of the dates when it does not know today', () => {
		expect(codes({ suggestion_state: 'accepted', target_date: '2001-01-01' }, null)).toEqual([]);
		expect(codes({ suggestion_state: 'accepted', target_date: '01/01/2030' }, null)).toEqual(['target_date:invalid_date']);
	});
});

describe('small checks', () => {
	it.each([
		['2028-02-29', true],
		['2027-02-29', false],
		['2027-1-01', false],
		[20270101, false]
	])('isLocalDate(%j) = %s', (value, ok) => {
		expect(isLocalDate(value)).toBe(ok);
	});
	it.each([
		['https://www.moh.gov.bh/x', true],
		['http://example.bh', true],
		['ftp://example.bh', false],
		['https://localhost', false],
		[`https://e.bh/${'a'.repeat(500)}`, false]
	])('isPublicLink(%j) = %s', (value, ok) => {
		expect(isPublicLink(value)).toBe(ok);
	});
	it('lets only managers decide', () => {
		expect(['citizen', 'agent', 'manager', 'coordinator', 'minister', 'kiosk'].filter((role) => mayDecideSuggestion({ role: role as never }))).toEqual(['manager']);
	});
});

describe('publicSuggestionOf', () => {
	const implemented = (consent: boolean | undefined): Parameters<typeof publicSuggestionOf>[0] => ({
		case_type: 'suggestion',
		entity_id: 'works',
		category_id: 'works-general',
		subject: 'Register for eKey at the self-service machines',
		created_at: '2026-01-10T08:00:00.000Z',
		...(consent === undefined ? {} : { name_consent: consent }),
		suggestion: suggestionDetails(
			{ suggestion_state: 'implemented', body: ' eKey registration added to 40 machines. ', implemented_on: '2026-11-30', link: 'https://ekey.example.bh' },
			'2026-12-01T09:00:00.000Z'
		)
	});

	it('names the proposer only with their consent', () => {
		expect(publicSuggestionOf(implemented(true), 'p1', 'Fatima Ali', 'now')?.proposer_name).toBe('Fatima Ali');
		expect(publicSuggestionOf(implemented(false), 'p1', 'Fatima Ali', 'now')?.proposer_name).toBeNull();
		expect(publicSuggestionOf(implemented(undefined), 'p1', 'Fatima Ali', 'now')?.proposer_name).toBeNull();
	});

	it('carries what changed and when, and nothing that identifies the case or the person', () => {
		const doc = publicSuggestionOf(implemented(false), 'p1', 'Fatima Ali', '2026-12-01T09:00:01.000Z')!;
		expect(doc).toEqual({
			_id: 'sug:2026-11-30:p1',
			type: 'public_suggestion',
			public_id: 'p1',
			entity_id: 'works',
			category_id: 'works-general',
			title: 'Register for eKey at the self-service machines',
			change: 'eKey registration added to 40 machines.',
			implemented_on: '2026-11-30',
			link: 'https://ekey.example.bh',
			proposed_on: '2026-01-10',
			proposer_name: null,
			published_at: '2026-12-01T09:00:01.000Z'
		});
	});

	it('publishes nothing before the suggestion is implemented', () => {
		const accepted = { ...implemented(true), suggestion: suggestionDetails({ suggestion_state: 'accepted', target_date: '2027-01-01' }, 'x') };
		expect(publicSuggestionOf(accepted, 'p1', 'Fatima', 'now')).toBeNull();
		expect(publicSuggestionOf({ ...implemented(true), case_type: 'complaint' } as Pick<CaseDoc, 'case_type'> as never, 'p1', null, 'now')).toBeNull();
	});
});
