import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import { BY_TIME, updateOf, type UpdateRow } from './updates.js';

/** Runs the view's map function as CouchDB would, collecting what it emits. */
function mapOf(doc: unknown): [unknown, UpdateRow][] {
	const emitted: [unknown, UpdateRow][] = [];
	const map = new Function('emit', `return (${BY_TIME});`)((key: unknown, value: UpdateRow) => emitted.push([key, value])) as (doc: unknown) => void;
	map(doc);
	return emitted;
}

const step = (kind: string, at: string, fields: Record<string, unknown> = {}) => ({
	action_id: `act:${at}`,
	kind,
	at: `2026-03-0${at}T08:00:00.000Z`,
	author_role: 'agent',
	author_id: 'a',
	...fields
});

const suggestion = {
	type: 'case',
	ref: '26-000042-3',
	timeline: [
		step('submit', '1', { author_role: 'citizen', body: 'Shade over the bus stop' }),
		step('note', '2', { body: 'Internal only' }),
		step('transfer', '3', { to_entity_id: 'mow', reason: 'Roads belong to Works' }),
		step('reply', '4', { interim: true, body: 'We are studying it' }),
		step('suggestion_status', '5', { suggestion_state: 'accepted', target_date: '2026-09-01' }),
		step('reply', '6', { body: 'Shades will be installed' }),
		step('rate', '7', { author_role: 'citizen' }),
		step('reopen', '8', { author_role: 'citizen' })
	]
};

const catalogue = buildCatalogue([{ _id: 'entity:mow', type: 'entity', entity_id: 'mow', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true }]);

describe('Open311 request updates', () => {
	it('emits the public steps only, each with the status it left, under the time and the reference', () => {
		const rows = mapOf(suggestion);
		const values = rows.filter(([key]) => (key as string[])[0] === '*').map(([, value]) => value);
		expect(values.map((v) => [v.kind, v.case_status, v.update_id])).toEqual([
			['submit', 'open', '26-000042-3-1'],
			['transfer', 'open', '26-000042-3-3'],
			['reply', 'open', '26-000042-3-4'],
			['suggestion_status', 'open', '26-000042-3-5'],
			['reply', 'answered', '26-000042-3-6'],
			['reopen', 'open', '26-000042-3-8']
		]);
		expect(rows.filter(([key]) => (key as string[])[0] === 'r:26-000042-3')).toHaveLength(6);
		expect(JSON.stringify(rows)).not.toMatch(/Shade|Internal|Roads|studying|installed/);
	});

	it('ignores documents that are not numbered cases', () => {
		expect(mapOf({ ...suggestion, ref: undefined })).toEqual([]);
		expect(mapOf({ type: 'action', ref: 'x', timeline: [] })).toEqual([]);
	});

	it('describes each step with a fixed note in the asked language, naming the entity a case went to', () => {
		const rows = mapOf(suggestion)
			.filter(([key]) => (key as string[])[0] === '*')
			.map(([, value]) => value);
		const en = rows.map((row) => updateOf(row, catalogue, 'en'));
		expect(en.map((u) => [u.status, u.description])).toEqual([
			['open', 'Received'],
			['open', 'Transferred to Ministry of Works'],
			['open', 'The entity sent an interim reply while it works on the request'],
			['open', 'The suggestion was accepted and is planned'],
			['closed', 'Answered by the entity'],
			['open', 'Reopened: back with the entity']
		]);
		expect(updateOf(rows[1], catalogue, 'ar').description).toBe('أُحيلت إلى وزارة الأشغال');
	});
});
