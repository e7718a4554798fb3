/** The follow rule (issue 15) inside the whole rules pipeline: only a case of a public-place
 * category is followed, each citizen once and up to the limit, and a final reply asks for one
 * notice per follower who came before it; its projections show each follower the case without
 * the other citizen's data, and staff the count only. */
import { describe, expect, it } from 'vitest';
import { projectCase } from '../engine/projections.js';
import type { ActionAuthor, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import { collectEffects, RULES } from './index.js';
import { action, caseDoc, run } from './spec-kit.js';
import { followersAt } from './follow.js';

const citizen = (id: string): ActionAuthor => ({ user_id: id, role: 'citizen' });
const agent: ActionAuthor = { user_id: 's1', role: 'agent', entity_id: 'works' };

function followed(before: CaseDoc, ...ids: string[]): CaseDoc {
	return ids.reduce((doc, id) => run(action('follow', citizen(id), { locale: id.endsWith('e') ? 'en' : undefined }), doc) as CaseDoc, before);
}

describe('follow rule', () => {
	it('counts each citizen once, in the order they came, with the language of their notices', () => {
		const after = followed(caseDoc(), 'c1', 'c2e');
		expect(after.followers).toEqual([
			{ user_id: 'c1', locale: 'ar' },
			{ user_id: 'c2e', locale: 'en' }
		]);
		expect(after.supporters).toBe(2);
		expect(after.status).toBe('open');
		expect(after.timeline.map((e) => e.kind)).toEqual(['submit', 'follow', 'follow']);
		expect(run(action('follow', citizen('c1')), after)).toBe('already_following');
	});

	it.each<[string, Partial<CaseDoc>, ActionAuthor, string]>([
		['a case of a category not marked public place, as if it did not exist', { category_id: 'works-general' }, citizen('c1'), 'case_not_found'],
		['a case of a category no longer in the catalogue', { category_id: 'works-gone' }, citizen('c1'), 'case_not_found'],
		['a private case even when it is closed: its status does not show', { category_id: 'works-general', status: 'closed' }, citizen('c1'), 'case_not_found'],
		['an answered case', { status: 'answered' }, citizen('c1'), 'invalid_transition'],
		['a closed case', { status: 'closed' }, citizen('c1'), 'invalid_transition'],
		['the case of the citizen who filed it', {}, citizen('c0'), 'not_allowed'],
		['staff', {}, agent, 'not_allowed']
	])('refuses %s', (_name, fields, author, expected) => {
		expect(run(action('follow', author), caseDoc(fields))).toBe(expected);
	});

	it('refuses a follower past the limit', () => {
		const followers = Array.from({ length: LIMITS.FOLLOWERS_MAX }, (_, i) => ({ user_id: `c${i + 1}`, locale: 'ar' as const }));
		expect(run(action('follow', citizen('cx')), caseDoc({ followers, supporters: followers.length }))).toBe('followers_full');
	});

	it('asks for one notice per earlier follower at the final reply, none at an interim one', () => {
		const withFollowers = followed(caseDoc(), 'c1', 'c2e');
		const interim = action('reply', agent, { body: 'On Sunday.', interim: true });
		const afterInterim = run(interim, withFollowers) as CaseDoc;
		expect(collectEffects(RULES, interim, afterInterim).filter((e) => e.kind === 'follower_notice')).toEqual([]);
		const reply = action('reply', agent, { body: 'Filled.' });
		const answered = run(reply, afterInterim) as CaseDoc;
		// A later follower (here one added after the reply, as a replay would find it) is not told of it.
		const later = { ...answered, followers: [...answered.followers!, { user_id: 'c9', locale: 'ar' as const }] };
		const notices = collectEffects(RULES, reply, later).filter((e) => e.kind === 'follower_notice');
		expect(notices.map((e) => [e.key, e.kind === 'follower_notice' && e.follower])).toEqual([
			[`follower-notice:${reply._id}:c1`, { user_id: 'c1', locale: 'ar' }],
			[`follower-notice:${reply._id}:c2e`, { user_id: 'c2e', locale: 'en' }]
		]);
		expect(followersAt(later, later.timeline.length)).toHaveLength(2);
	});
});

describe('projections of a followed case', () => {
	it("writes the new follower's copy after a follow, every follower's after a step they see, none after a note", () => {
		const one = followed(caseDoc(), 'c1');
		const two = followed(one, 'c2');
		expect(projectCase(two).writes.map((w) => w.db)).toEqual(['u_c0', 'e_works', 'u_c2']);
		const noted = run(action('note', agent, { body: 'Crew booked.' }), two) as CaseDoc;
		expect(projectCase(noted).writes.map((w) => w.db)).toEqual(['u_c0', 'e_works']);
		const answered = run(action('reply', agent, { body: 'Dear Ahmed, filled.' }), noted) as CaseDoc;
		expect(projectCase(answered).writes.map((w) => w.db)).toEqual(['u_c0', 'e_works', 'u_c1', 'u_c2']);
	});

	it("shows a follower the case without the other citizen's data, staff the count only, the owner no follower", () => {
		const answered = run(action('reply', agent, { body: 'Dear Ahmed, filled.' }), followed(caseDoc(), 'c1')) as CaseDoc;
		const byDb = Object.fromEntries(projectCase(answered).writes.map((w) => [w.db, w.doc]));
		const copy = byDb.u_c1;
		expect(copy).toMatchObject({ followed: true, status: 'answered', subject: 'Pothole', supporters: 1 });
		for (const field of ['body', 'location', 'citizen_id', 'citizen_label', 'followers', 'applied', 'rejected']) expect(copy).not.toHaveProperty(field);
		expect(JSON.stringify(copy)).not.toMatch(/55123|Ahmed|3600|"c0"|"c1"/);
		expect(byDb.e_works).not.toHaveProperty('followers');
		expect(byDb.e_works.supporters).toBe(1);
		expect(JSON.stringify(byDb.u_c0)).not.toContain('"c1"');
	});
});
