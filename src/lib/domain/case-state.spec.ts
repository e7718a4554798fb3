import { describe, it, expect } from 'vitest';
import { availableActions, checkTransition, nextSuggestionStates } from './case-state';
import { CASE_STATUSES, type ActionAuthor, type ActionDoc, type ActionKind, type CaseStatus } from './doc-types';

const CITIZEN: ActionAuthor = { user_id: 'c1', role: 'citizen' };
const OTHER_CITIZEN: ActionAuthor = { user_id: 'c2', role: 'citizen' };
const AGENT: ActionAuthor = { user_id: 'a1', role: 'agent', entity_id: 'works' };
const MANAGER: ActionAuthor = { user_id: 'm1', role: 'manager', entity_id: 'works' };
const OTHER_AGENT: ActionAuthor = { user_id: 'a2', role: 'agent', entity_id: 'health' };
const COORDINATOR: ActionAuthor = { user_id: 'k1', role: 'coordinator' };

const caseIn = (status: CaseStatus): NonNullable<Parameters<typeof checkTransition>[0]> => ({ status, entity_id: 'works', citizen_id: 'c1' });
const PHOTO = 'att:act:6f1c2a90-0000-4000-8000-0000000000cc:photo-1.jpg';

function action(kind: ActionKind, author: ActionAuthor | undefined, extra: Partial<ActionDoc> = {}): ActionDoc {
	return {
		_id: `act:${kind}`,
		type: 'action',
		kind,
		case_key: 'k',
		client_time: '2026-03-19T09:00:00.000Z',
		device_id: 'd',
		author,
		...(kind === 'transfer' ? { to_entity_id: 'health', reason: 'not ours' } : {}),
		...extra
	};
}

/** Every (status, kind) pair by a permitted author → expected next status or refusal. */
const EXPECTED: Record<CaseStatus, Record<Exclude<ActionKind, 'submit'>, CaseStatus | 'invalid_transition'>> = {
	open: {
		reply: 'answered',
		request_info: 'awaiting_citizen',
		provide_info: 'invalid_transition',
		transfer: 'open',
		note: 'open',
		close: 'closed',
		reopen: 'invalid_transition',
		rate: 'open',
		// Not a suggestion: see 'suggestions' below.
		suggestion_status: 'invalid_transition',
		link: 'open',
		unlink: 'open',
		duplicate_added: 'open',
		duplicate_removed: 'open',
		// Another citizen follows a case still waiting for its answer (issue 15).
		follow: 'open',
		// Managers show a photo of a case of any status while it is on the public map (issue 14).
		publish_photo: 'open',
		withdraw_photo: 'open'
	},
	awaiting_citizen: {
		reply: 'answered',
		request_info: 'invalid_transition',
		provide_info: 'open',
		transfer: 'open',
		note: 'awaiting_citizen',
		close: 'closed',
		reopen: 'invalid_transition',
		rate: 'awaiting_citizen',
		// Not a suggestion: see 'suggestions' below.
		suggestion_status: 'invalid_transition',
		link: 'awaiting_citizen',
		unlink: 'awaiting_citizen',
		duplicate_added: 'awaiting_citizen',
		duplicate_removed: 'awaiting_citizen',
		// Another citizen follows a case still waiting for its answer (issue 15).
		follow: 'awaiting_citizen',
		// Managers show a photo of a case of any status while it is on the public map (issue 14).
		publish_photo: 'awaiting_citizen',
		withdraw_photo: 'awaiting_citizen'
	},
	answered: {
		reply: 'answered',
		request_info: 'awaiting_citizen',
		provide_info: 'invalid_transition',
		transfer: 'open',
		note: 'answered',
		close: 'closed',
		reopen: 'open',
		rate: 'answered',
		// Not a suggestion: see 'suggestions' below.
		suggestion_status: 'invalid_transition',
		link: 'invalid_transition',
		unlink: 'answered',
		duplicate_added: 'answered',
		duplicate_removed: 'answered',
		// Another citizen follows a case still waiting for its answer (issue 15).
		follow: 'invalid_transition',
		// Managers show a photo of a case of any status while it is on the public map (issue 14).
		publish_photo: 'answered',
		withdraw_photo: 'answered'
	},
	closed: {
		reply: 'invalid_transition',
		request_info: 'invalid_transition',
		provide_info: 'invalid_transition',
		transfer: 'invalid_transition',
		note: 'invalid_transition',
		close: 'invalid_transition',
		reopen: 'open',
		rate: 'closed',
		// Not a suggestion: see 'suggestions' below.
		suggestion_status: 'invalid_transition',
		link: 'invalid_transition',
		unlink: 'closed',
		duplicate_added: 'closed',
		duplicate_removed: 'closed',
		// Another citizen follows a case still waiting for its answer (issue 15).
		follow: 'invalid_transition',
		// Managers show a photo of a case of any status while it is on the public map (issue 14).
		publish_photo: 'closed',
		withdraw_photo: 'closed'
	}
};

const table = CASE_STATUSES.flatMap((status) => Object.entries(EXPECTED[status]).map(([kind, outcome]) => [status, kind as ActionKind, outcome] as const));

describe('checkTransition', () => {
	it.each(table)('%s + %s → %s', (status, kind, outcome) => {
		const author = ['provide_info', 'reopen', 'rate'].includes(kind)
			? CITIZEN
			: kind === 'follow'
				? OTHER_CITIZEN
				: ['suggestion_status', 'unlink', 'publish_photo', 'withdraw_photo'].includes(kind)
					? MANAGER
					: AGENT;
		const expected = outcome === 'invalid_transition' ? { ok: false, code: outcome } : { ok: true, next: outcome };
		const withPhoto = kind === 'withdraw_photo' ? { public_photo: PHOTO } : {};
		expect(checkTransition({ ...caseIn(status), ...withPhoto }, action(kind, author))).toEqual(expected);
	});

	it.each<[string, ReturnType<typeof caseIn> | null, ActionDoc, object]>([
		['a citizen submits a new case', null, action('submit', CITIZEN), { ok: true, next: 'open' }],
		['a second submit for the same case', caseIn('open'), action('submit', CITIZEN), { ok: false, code: 'duplicate_action' }],
		['an agent cannot submit', null, action('submit', AGENT), { ok: false, code: 'not_allowed' }],
		['an unstamped action is refused', null, action('submit', undefined), { ok: false, code: 'not_allowed' }],
		['a reply to a missing case', null, action('reply', AGENT), { ok: false, code: 'case_not_found' }],
		['a manager of the entity may reply', caseIn('open'), action('reply', MANAGER), { ok: true, next: 'answered' }],
		['an agent of another entity', caseIn('open'), action('reply', OTHER_AGENT), { ok: false, code: 'not_allowed' }],
		['a coordinator does not write on cases', caseIn('open'), action('close', COORDINATOR), { ok: false, code: 'not_allowed' }],
		['a citizen cannot reply', caseIn('open'), action('reply', CITIZEN), { ok: false, code: 'not_allowed' }],
		['another citizen cannot provide info', caseIn('awaiting_citizen'), action('provide_info', OTHER_CITIZEN), { ok: false, code: 'not_allowed' }],
		['an agent cannot provide info', caseIn('awaiting_citizen'), action('provide_info', AGENT), { ok: false, code: 'not_allowed' }],
		['not_allowed before invalid_transition: a stranger learns nothing', caseIn('closed'), action('reply', OTHER_AGENT), { ok: false, code: 'not_allowed' }],
		['a transfer to the same entity', caseIn('open'), action('transfer', AGENT, { to_entity_id: 'works' }), { ok: false, code: 'same_entity' }],
		['a closed case cannot be transferred even to itself', caseIn('closed'), action('transfer', AGENT, { to_entity_id: 'works' }), { ok: false, code: 'invalid_transition' }],
		['an unknown kind', caseIn('open'), action('appeal' as ActionKind, AGENT), { ok: false, code: 'invalid_transition' }],
		['only the owner reopens', caseIn('answered'), action('reopen', OTHER_CITIZEN), { ok: false, code: 'not_allowed' }],
		['an agent cannot reopen', caseIn('closed'), action('reopen', AGENT), { ok: false, code: 'not_allowed' }],
		['an agent cannot rate', caseIn('answered'), action('rate', AGENT), { ok: false, code: 'not_allowed' }],
		['an agent cannot undo a link (issue 13)', caseIn('open'), action('unlink', AGENT), { ok: false, code: 'not_allowed' }],
		['a manager of another entity cannot undo a link', caseIn('open'), action('unlink', { ...MANAGER, entity_id: 'health' }), { ok: false, code: 'not_allowed' }],
		['a citizen cannot link', caseIn('open'), action('link', CITIZEN), { ok: false, code: 'not_allowed' }],
		['an agent cannot show a photo to the public (issue 14)', caseIn('open'), action('publish_photo', AGENT, { attachment_id: PHOTO }), { ok: false, code: 'not_allowed' }],
		['a manager of another entity cannot show a photo', caseIn('open'), action('publish_photo', { ...MANAGER, entity_id: 'health' }, { attachment_id: PHOTO }), { ok: false, code: 'not_allowed' }],
		['a citizen cannot show their own photo', caseIn('open'), action('publish_photo', CITIZEN, { attachment_id: PHOTO }), { ok: false, code: 'not_allowed' }],
		['a coordinator cannot withdraw a photo', { ...caseIn('open'), public_photo: PHOTO }, action('withdraw_photo', COORDINATOR), { ok: false, code: 'not_allowed' }],
		[
			'no photo of a linked duplicate is shown',
			{ ...caseIn('open'), linked_to: { case_key: 'p', ref: 'r' } },
			action('publish_photo', MANAGER, { attachment_id: PHOTO }),
			{ ok: false, code: 'linked_not_public' }
		],
		['nothing to withdraw', caseIn('answered'), action('withdraw_photo', MANAGER), { ok: false, code: 'no_public_photo' }],
		['the owner rates a case the entity reopened', caseIn('open'), action('rate', CITIZEN), { ok: true, next: 'open' }],
		// An interim reply (issue 16) leaves the case where it is, and comes before the answer.
		['an interim reply to an open case', caseIn('open'), action('reply', AGENT, { interim: true }), { ok: true, next: 'open' }],
		['an interim reply while waiting for the citizen', caseIn('awaiting_citizen'), action('reply', AGENT, { interim: true }), { ok: true, next: 'awaiting_citizen' }],
		['an interim reply to an answered case', caseIn('answered'), action('reply', AGENT, { interim: true }), { ok: false, code: 'invalid_transition' }],
		['an interim reply to a closed case', caseIn('closed'), action('reply', AGENT, { interim: true }), { ok: false, code: 'invalid_transition' }],
		['an interim reply from another entity', caseIn('open'), action('reply', OTHER_AGENT, { interim: true }), { ok: false, code: 'not_allowed' }],
		['the citizen who filed a case cannot follow it (issue 15)', caseIn('open'), action('follow', CITIZEN), { ok: false, code: 'not_allowed' }],
		['staff cannot follow a case', caseIn('open'), action('follow', AGENT), { ok: false, code: 'not_allowed' }],
		['a kind named after an Object property', caseIn('open'), action('constructor' as ActionKind, AGENT), { ok: false, code: 'invalid_transition' }]
	])('%s', (_name, caseDoc, act, expected) => {
		expect(checkTransition(caseDoc, act)).toEqual(expected);
	});
});

describe('availableActions', () => {
	it.each<[string, CaseStatus, ActionAuthor, ActionKind[]]>([
		['agent on an open case', 'open', AGENT, ['reply', 'request_info', 'transfer', 'note', 'close', 'link']],
		['agent while waiting for the citizen', 'awaiting_citizen', AGENT, ['reply', 'transfer', 'note', 'close', 'link']],
		['the citizen asked for info', 'awaiting_citizen', CITIZEN, ['provide_info']],
		['the citizen otherwise', 'open', CITIZEN, []],
		["the citizen on an answered case may reopen (rating is the server's)", 'answered', CITIZEN, ['reopen']],
		['the citizen on a closed case', 'closed', CITIZEN, ['reopen']],
		['another entity', 'open', OTHER_AGENT, []],
		['anyone on a closed case', 'closed', AGENT, []],
		['a manager on a closed case may still show a photo to the public (issue 14)', 'closed', MANAGER, ['publish_photo']],
		['another citizen: following is offered by the new-case form only (issue 15)', 'open', OTHER_CITIZEN, []]
	])('%s', (_name, status, author, kinds) => {
		expect(availableActions(caseIn(status), author)).toEqual(kinds);
	});
});

describe('a case with nobody to ask (an anonymous report, a legacy case)', () => {
	it.each(['anon-0123456789abcdef', 'legacy'])('refuses and does not offer a request for information (%s)', (citizen_id) => {
		const caseDoc = { ...caseIn('open'), citizen_id };
		expect(checkTransition(caseDoc, action('request_info', AGENT))).toEqual({ ok: false, code: 'no_one_to_ask' });
		expect(availableActions(caseDoc, AGENT)).toEqual(['reply', 'transfer', 'note', 'close', 'link']);
		expect(checkTransition(caseDoc, action('reply', AGENT))).toMatchObject({ ok: true });
	});
});

describe('suggestions', () => {
	const suggestion = (status: CaseStatus, state?: 'under_study' | 'accepted' | 'implemented' | 'declined') => ({
		...caseIn(status),
		case_type: 'suggestion' as const,
		...(state ? { suggestion_state: state } : {})
	});
	const move = (to: string, author = MANAGER) => action('suggestion_status', author, { suggestion_state: to as never });

	it.each(CASE_STATUSES)('moves on in any status, the case status unchanged (%s)', (status) => {
		expect(checkTransition(suggestion(status), move('under_study'))).toEqual({ ok: true, next: status });
	});

	it.each<[string, ReturnType<typeof suggestion> | ReturnType<typeof caseIn>, ActionDoc, object]>([
		['a complaint has no suggestion status', caseIn('open'), move('under_study'), { ok: false, code: 'invalid_transition' }],
		['new straight to implemented', suggestion('open'), move('implemented'), { ok: false, code: 'invalid_transition' }],
		['accepted, then implemented', suggestion('open', 'accepted'), move('implemented'), { ok: true, next: 'open' }],
		['implemented is final', suggestion('closed', 'implemented'), move('declined'), { ok: false, code: 'invalid_transition' }],
		['declined may be studied again', suggestion('closed', 'declined'), move('under_study'), { ok: true, next: 'closed' }],
		['the same state again', suggestion('open', 'under_study'), move('under_study'), { ok: false, code: 'invalid_transition' }],
		['the citizen cannot', suggestion('open'), move('under_study', CITIZEN), { ok: false, code: 'not_allowed' }],
		['another entity cannot', suggestion('open'), move('under_study', OTHER_AGENT), { ok: false, code: 'not_allowed' }],
		// Issue 14: the managers decide; the entity's agents and the coordinators do not.
		["the entity's agent cannot decide", suggestion('open'), move('accepted', AGENT), { ok: false, code: 'not_allowed' }],
		['a coordinator cannot decide', suggestion('open'), move('declined', COORDINATOR), { ok: false, code: 'not_allowed' }],
		["another entity's manager cannot", suggestion('open'), move('under_study', { user_id: 'm2', role: 'manager', entity_id: 'health' }), { ok: false, code: 'not_allowed' }]
	])('%s', (_name, caseDoc, act, expected) => {
		expect(checkTransition(caseDoc, act)).toEqual(expected);
	});

	it('is offered to the entity while there is somewhere to go', () => {
		expect(availableActions(suggestion('open'), MANAGER)).toContain('suggestion_status');
		expect(availableActions(suggestion('open'), AGENT)).not.toContain('suggestion_status');
		expect(availableActions(suggestion('closed', 'accepted'), MANAGER)).toEqual(['suggestion_status', 'publish_photo']);
		expect(availableActions(suggestion('closed', 'implemented'), MANAGER)).toEqual(['publish_photo']);
		expect(availableActions(suggestion('open'), CITIZEN)).toEqual([]);
		expect(nextSuggestionStates({})).toEqual(['under_study', 'accepted', 'declined']);
	});
});
