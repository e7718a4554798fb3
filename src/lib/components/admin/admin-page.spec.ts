import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityDoc } from '$lib/domain/doc-types';
import { ClientError } from '$lib/client/api';
import { i18n } from '$lib/client/i18n.svelte';
import { EntityIndex, RecordForm, RowAction, Submission } from './admin-page.svelte';

// Node has no page: the ids focus moves to are recorded by a stand-in for document.getElementById.
let focused: string[] = [];
beforeEach(() => {
	focused = [];
	Object.assign(globalThis, { document: { getElementById: (id: string) => ({ focus: () => focused.push(id) }) } });
});
afterEach(() => {
	Reflect.deleteProperty(globalThis, 'document');
});

const refused = (...fields: string[]) =>
	new ClientError(
		400,
		'required',
		fields.map((field) => ({ field, code: 'required' as const }))
	);

describe('Submission', () => {
	it('is busy while it sends and clear after a success', async () => {
		const form = new Submission(['name']);
		const seen: boolean[] = [];
		await form.send(async () => {
			seen.push(form.busy);
		});
		expect(seen).toEqual([true]);
		expect(form.busy).toBe(false);
		expect(form.errors).toEqual({});
		expect(form.notice).toBeNull();
		expect(focused).toEqual([]);
	});

	it('shows each field the server named, keeps the whole-form message quiet, and focuses the first field in its order', async () => {
		const form = new Submission(['name_ar', 'name_en', 'entity_id'], (field) => `entity-${field}`);
		await form.send(() => Promise.reject(refused('entity_id', 'name_en')));
		expect(Object.keys(form.errors).sort()).toEqual(['entity_id', 'name_en']);
		expect(form.error).toBeTruthy();
		expect(form.notice).toBeNull();
		expect(focused).toEqual(['entity-name_en']);
		expect(form.busy).toBe(false);
	});

	it('shows the message for the whole form when no field says why, and clears it on the next send', async () => {
		const form = new Submission(['name']);
		await form.send(() => Promise.reject(new ClientError(429, 'quota_exceeded')));
		expect(form.notice).toBe(form.error);
		expect(form.notice).toBeTruthy();
		await form.send(async () => {});
		expect(form.error).toBeNull();
	});

	it('reads a refusal through the given field names', async () => {
		const form = new Submission(['date'], (field) => `holiday-${field}`);
		await form.send(
			() => Promise.reject(refused('days.3.date')),
			() => ({ date: 'wrong day' })
		);
		expect(form.errors).toEqual({ date: 'wrong day' });
		expect(focused).toEqual(['holiday-date']);
	});
});

describe('RowAction', () => {
	it('runs what follows only after a success, and is active until it has', async () => {
		const action = new RowAction();
		const steps: string[] = [];
		await action.run(
			async () => steps.push('act'),
			null,
			async () => steps.push(`after, active ${action.active}`)
		);
		expect(steps).toEqual(['act', 'after, active true']);
		expect(action.active).toBe(false);

		steps.length = 0;
		await action.run(
			() => Promise.reject(new ClientError(403, 'forbidden')),
			'done',
			async () => steps.push('after')
		);
		expect(steps).toEqual([]);
		expect(action.active).toBe(false);
	});
});

describe('RecordForm', () => {
	const entity = (entity_id: string, active = true): EntityDoc => ({ _id: `entity:${entity_id}`, type: 'entity', entity_id, name_ar: `ع ${entity_id}`, name_en: `E ${entity_id}`, active });

	const editorFor = () =>
		new RecordForm<EntityDoc, { entity_id: string; name_ar: string }>(
			'entity',
			{ blank: () => ({ entity_id: '', name_ar: '' }), fill: (e) => ({ entity_id: e.entity_id, name_ar: e.name_ar }), key: (e) => e.entity_id },
			['entity_id', 'name_ar']
		);

	it('fills from a row and focuses its title; reset empties it and gives focus back to that row', async () => {
		const editor = editorFor();
		const works = entity('works');
		await editor.edit(works);
		expect(editor.editing).toBe(works);
		expect(editor.values).toEqual({ entity_id: 'works', name_ar: works.name_ar });
		expect(focused).toEqual(['entity-form-title']);

		await editor.reset();
		expect(editor.editing).toBeNull();
		expect(editor.values).toEqual({ entity_id: '', name_ar: '' });
		expect(focused).toEqual(['entity-form-title', 'entity-edit-works']);
		expect(editor.editId(works)).toBe('entity-edit-works');
	});

	it('forgets the errors of the record before', async () => {
		const editor = editorFor();
		await editor.send(() => Promise.reject(refused('name_ar')));
		expect(editor.errors.name_ar).toBeTruthy();
		await editor.edit(entity('health'));
		expect(editor.errors).toEqual({});
		expect(editor.error).toBeNull();
	});

	it('EntityIndex names an entity by id, falls back to the id, and lists only the active ones', () => {
		const list = [entity('works'), entity('old', false)];
		const index = new EntityIndex(() => list);
		const was = i18n.locale;
		i18n.locale = 'en';
		expect(index.name('works')).toBe('E works');
		i18n.locale = was;
		expect(index.name('gone')).toBe('gone');
		expect(index.active.map((e) => e.entity_id)).toEqual(['works']);
		expect(index.byId.get('old')?.active).toBe(false);
	});
});
