import { describe, expect, it } from 'vitest';
import type { ActionAuthor } from './doc-types';
import { availableActions } from './case-state';
import { linkRefusal, withDuplicate, type LinkFacts } from './duplicates';

const AGENT: ActionAuthor = { user_id: 's1', role: 'agent', entity_id: 'works' };
const MANAGER: ActionAuthor = { user_id: 'm1', role: 'manager', entity_id: 'works' };
const facts = (case_key: string, extra: Partial<LinkFacts> = {}): LinkFacts => ({ case_key, status: 'open', entity_id: 'works', ...extra });
const link = (case_key: string) => ({ case_key, ref: `26-${case_key}` });

describe('linkRefusal (issue 13)', () => {
	it.each<[string, LinkFacts, LinkFacts | null, ActionAuthor | undefined, string | null]>([
		['two open cases of the author’s entity', facts('a'), facts('b'), AGENT, null],
		['a case waiting for the citizen may be linked', facts('a', { status: 'awaiting_citizen' }), facts('b'), AGENT, null],
		['itself', facts('a'), facts('a'), AGENT, 'link_self'],
		['a primary that does not exist', facts('a'), null, AGENT, 'case_not_found'],
		['a primary of another entity, as if it did not exist', facts('a'), facts('b', { entity_id: 'health' }), AGENT, 'case_not_found'],
		['staff of another entity', facts('a'), facts('b'), { ...AGENT, entity_id: 'health' }, 'not_allowed'],
		['no author', facts('a'), facts('b'), undefined, 'not_allowed'],
		['an answered duplicate', facts('a', { status: 'answered' }), facts('b'), AGENT, 'link_not_open'],
		['a closed primary', facts('a'), facts('b', { status: 'closed' }), AGENT, 'link_not_open'],
		['a duplicate already linked', facts('a', { linked_to: link('c') }), facts('b'), AGENT, 'already_linked'],
		['a duplicate that is itself a primary', facts('a', { duplicates: [link('c')] }), facts('b'), AGENT, 'already_linked'],
		['a primary that is itself a duplicate', facts('a'), facts('b', { linked_to: link('c') }), AGENT, 'already_linked'],
		['a primary with other duplicates already', facts('a'), facts('b', { duplicates: [link('c')] }), AGENT, null]
	])('%s', (_name, duplicate, primary, author, expected) => {
		expect(linkRefusal(duplicate, primary, author)).toBe(expected);
	});
});

describe('withDuplicate', () => {
	it('adds once, keeps the order, and removes', () => {
		const once = withDuplicate(undefined, link('a'), true);
		const twice = withDuplicate(withDuplicate(once, link('b'), true), link('a'), true);
		expect(twice.map((d) => d.case_key)).toEqual(['b', 'a']);
		expect(withDuplicate(twice, link('b'), false)).toEqual([link('a')]);
	});
});

describe('availableActions with links', () => {
	const base = { status: 'open' as const, entity_id: 'works', citizen_id: 'c1' };
	it('offers link only to a case outside any link, unlink only to a linked one and only to managers', () => {
		expect(availableActions(base, AGENT)).toContain('link');
		expect(availableActions({ ...base, linked_to: link('b') }, AGENT)).not.toContain('link');
		expect(availableActions({ ...base, duplicates: [link('b')] }, AGENT)).not.toContain('link');
		expect(availableActions({ ...base, linked_to: link('b') }, AGENT)).not.toContain('unlink');
		expect(availableActions({ ...base, linked_to: link('b') }, MANAGER)).toContain('unlink');
		expect(availableActions(base, MANAGER)).not.toContain('unlink');
	});

	it('offers no decision on a suggestion merged into another: it follows its primary', () => {
		const suggestion = { ...base, case_type: 'suggestion' as const };
		expect(availableActions(suggestion, MANAGER)).toContain('suggestion_status');
		expect(availableActions({ ...suggestion, linked_to: link('b') }, MANAGER)).not.toContain('suggestion_status');
	});
});
