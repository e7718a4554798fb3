/** The public-photo rule (issue 14) inside the whole rules pipeline: the entity's managers show
 * one photo of a public-place report on the public map and withdraw it; a file that is not a photo
 * of the case, a private category, a linked duplicate, an agent or another entity are refused;
 * the step is written in the timeline for staff and never reaches the citizen's copy. */
import { describe, expect, it } from 'vitest';
import { citizenView } from '../engine/projections.js';
import type { ActionAuthor, ActionDoc, CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { action, caseDoc, run } from './spec-kit.js';

const SUBMIT = 'act:aaaaaaaa-0000-4000-8000-0000000000f1';
const PHOTO = `att:${SUBMIT}:photo-1.jpg`;
const SECOND = `att:${SUBMIT}:photo-2.webp`;
const PDF = `att:${SUBMIT}:plan.pdf`;
const manager: ActionAuthor = { user_id: 'm1', role: 'manager', entity_id: 'works' };
const agent: ActionAuthor = { user_id: 's1', role: 'agent', entity_id: 'works' };
const file = (name: string, content_type: string) => ({ id: `att:${SUBMIT}:${name}`, name, content_type, size: 1000 });
/** An answered pothole case whose citizen sent two photos and a plan. */
const filed = (extra: Partial<CaseDoc> = {}) =>
	caseDoc({
		status: 'answered',
		timeline: [
			{
				action_id: SUBMIT,
				kind: 'submit',
				at: '2026-12-14T07:00:00.000Z',
				author_role: 'citizen',
				author_id: 'c0',
				attachments: [file('photo-1.jpg', 'image/jpeg'), file('photo-2.webp', 'image/webp'), file('plan.pdf', 'application/pdf')]
			}
		],
		applied: [SUBMIT],
		...extra
	});

const publish = (id: string, by = manager) => action('publish_photo', by, { attachment_id: id });

describe('public-photo rule', () => {
	it('shows one photo, replaces it with another, withdraws it, each step in the staff timeline', () => {
		const shown = run(publish(PHOTO), filed()) as CaseDoc;
		expect(shown.public_photo).toBe(PHOTO);
		expect(shown.timeline.at(-1)).toMatchObject({ kind: 'publish_photo', attachment_id: PHOTO, author_id: 'm1' });
		const replaced = run(publish(SECOND), shown) as CaseDoc;
		expect(replaced.public_photo).toBe(SECOND);
		const withdrawn = run(action('withdraw_photo', manager), replaced) as CaseDoc;
		expect(withdrawn.public_photo).toBeUndefined();
		expect(withdrawn.timeline.at(-1)).toMatchObject({ kind: 'withdraw_photo', attachment_id: SECOND });
		expect(withdrawn.status).toBe('answered');
		// The citizen's copy shows neither step nor the choice.
		const mine = citizenView(withdrawn) as unknown as CaseDoc;
		expect(mine.timeline.map((e) => e.kind)).toEqual(['submit']);
		expect(citizenView(shown)).not.toHaveProperty('public_photo');
	});

	it.each<[string, ActionDoc, Partial<CaseDoc>, string]>([
		['a file that is not a photo', publish(PDF), {}, 'not_a_photo'],
		['a photo of another case', publish('att:act:bbbbbbbb-0000-4000-8000-0000000000f1:photo-1.jpg'), {}, 'not_a_photo'],
		['a case of a category that is not a public place', publish(PHOTO), { category_id: 'works-general' }, 'not_public_place'],
		['a duplicate linked to its primary', publish(PHOTO), { linked_to: { case_key: 'bbbbbbbb-0000-4000-8000-000000000002', ref: '26-000002-0' } }, 'linked_not_public'],
		['an agent of the entity', publish(PHOTO, agent), {}, 'not_allowed'],
		['a manager of another entity', publish(PHOTO, { ...manager, entity_id: 'health' }), {}, 'not_allowed'],
		['the citizen who filed it', publish(PHOTO, { user_id: 'c0', role: 'citizen' }), {}, 'not_allowed'],
		['a withdrawal with nothing shown', action('withdraw_photo', manager), {}, 'no_public_photo']
	])('refuses %s', (_name, act, extra, code) => {
		expect(run(act, filed(extra))).toBe(code);
	});
});
