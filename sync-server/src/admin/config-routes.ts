/**
 * The national catalogue in `config`: entities, categories and the category → entity table, the
 * response-period settings, holidays per year and SMS texts. Every change is a normal write to
 * `config`, so the rules engine (which reloads `config` when its update sequence moves) and every
 * device (which replicates `config`) see it without a restart. Entities are deactivated, never
 * deleted: old cases keep naming them.
 */
import type express from 'express';
import { DB, type CategoryDoc, type EntityDoc, type HolidaysDoc, type SettingsDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { getOrNull, insertOnce, updateDoc } from '../store-docs.js';
import { DEFAULT_SETTINGS } from '../engine/catalogue.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { auditChange, type AdminContext } from './context.js';
import {
	categoryDocId,
	categoryFrom,
	changedFields,
	entityDocId,
	entityFrom,
	holidaysDocId,
	holidaysFrom,
	routesFrom,
	SETTINGS_ID,
	settingsFrom,
	smsTemplateDocId,
	smsTemplateFrom,
	yearFrom,
	type SmsTemplateDoc
} from './config-docs.js';

type ConfigDoc = { _id: string; _rev?: string; type?: string } & Record<string, unknown>;

const strip = <T extends { _rev?: string }>(doc: T) => {
	const { _rev, ...rest } = doc;
	void _rev;
	return rest;
};

export function configAdminRoutes(router: express.Router, ctx: AdminContext): void {
	const db = () => ctx.store.use<ConfigDoc>(DB.CONFIG);
	const coordinator = (res: express.Response) => requireRole(res, ['coordinator']);

	async function list<T>(prefix: string): Promise<T[]> {
		const result = await db().list({ startkey: prefix, endkey: `${prefix}\ufff0`, include_docs: true });
		return result.rows.flatMap((row) => (row.doc ? [strip(row.doc) as T] : []));
	}

	async function get<T>(id: string): Promise<(T & { _rev?: string }) | null> {
		return (await getOrNull(db(), id)) as (T & { _rev?: string }) | null;
	}

	/** Creates a document that must not exist yet; 409 'already_exists' otherwise. */
	async function create(doc: ConfigDoc, field: string): Promise<void> {
		if (!(await insertOnce(db(), doc))) throw new TawasulError(409, 'already_exists', [{ field, code: 'already_exists' }]);
	}

	/** Read, change, write with the read revision (again on a conflict). Null when missing. */
	function change<T extends ConfigDoc>(id: string, next: (current: T) => T): Promise<{ before: T; after: T } | null> {
		return updateDoc(db(), id, (current) => {
			if (!current) return { next: null, result: null };
			const { _rev, ...before } = current as T & { _rev: string };
			void _rev;
			const after = next(before as T);
			return { next: after, result: { before: before as T, after } };
		});
	}

	const entityOk = async () => {
		const entities = new Map((await list<EntityDoc>('entity:')).map((e) => [e.entity_id, e]));
		return (id: string) => entities.get(id)?.active === true;
	};

	// Entities
	router.get('/api/admin/entities', asyncHandler(async (_req, res) => {
		coordinator(res);
		res.json({ entities: await list<EntityDoc>('entity:') });
	}));

	router.post('/api/admin/entities', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const entity = entityFrom(req.body, null);
		await create(entity as unknown as ConfigDoc, 'entity_id');
		await auditChange(ctx, user, 'admin.entity.create', { type: 'entity', id: entity.entity_id }, { entityIds: [entity.entity_id], changes: changedFields(null, entity) });
		res.status(201).json({ entity });
	}));

	router.put('/api/admin/entities/:id', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const done = await change<EntityDoc & ConfigDoc>(entityDocId(req.params.id), (current) => entityFrom(req.body, current) as EntityDoc & ConfigDoc);
		if (!done) throw new TawasulError(404, 'not_found');
		await auditChange(ctx, user, 'admin.entity.update', { type: 'entity', id: req.params.id }, { entityIds: [req.params.id], changes: changedFields(done.before, done.after) });
		res.json({ entity: done.after });
	}));

	// Categories, and with them the category → entity table
	router.get('/api/admin/categories', asyncHandler(async (_req, res) => {
		coordinator(res);
		res.json({ categories: await list<CategoryDoc>('category:') });
	}));

	router.post('/api/admin/categories', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const category = categoryFrom(req.body, null, await entityOk());
		await create(category as unknown as ConfigDoc, 'category_id');
		await auditChange(ctx, user, 'admin.category.create', { type: 'category', id: category.category_id }, { entityIds: [category.entity_id], changes: changedFields(null, category) });
		res.status(201).json({ category });
	}));

	router.put('/api/admin/categories/:id', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const ok = await entityOk();
		const done = await change<CategoryDoc & ConfigDoc>(categoryDocId(req.params.id), (current) => categoryFrom(req.body, current, ok) as CategoryDoc & ConfigDoc);
		if (!done) throw new TawasulError(404, 'not_found');
		await auditChange(ctx, user, 'admin.category.update', { type: 'category', id: req.params.id }, {
			entityIds: [done.before.entity_id, done.after.entity_id],
			changes: changedFields(done.before, done.after)
		});
		res.json({ category: done.after });
	}));

	router.delete('/api/admin/categories/:id', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const current = await get<CategoryDoc>(categoryDocId(req.params.id));
		if (!current?._rev) throw new TawasulError(404, 'not_found');
		await db().destroy(current._id, current._rev);
		await auditChange(ctx, user, 'admin.category.delete', { type: 'category', id: req.params.id }, { entityIds: [current.entity_id], changes: changedFields(strip(current), {}) });
		res.json({ ok: true });
	}));

	router.get('/api/admin/routing', asyncHandler(async (_req, res) => {
		coordinator(res);
		const categories = await list<CategoryDoc>('category:');
		res.json({ routes: Object.fromEntries(categories.map((c) => [c.category_id, c.entity_id])) });
	}));

	router.put('/api/admin/routing', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const categories = new Map((await list<CategoryDoc>('category:')).map((c) => [c.category_id, c]));
		const routes = routesFrom(req.body, (id) => categories.has(id), await entityOk());
		const moved: Record<string, { from: string; to: string }> = {};
		for (const [categoryId, entityId] of routes) {
			if (categories.get(categoryId)!.entity_id === entityId) continue;
			const done = await change<CategoryDoc & ConfigDoc>(categoryDocId(categoryId), (current) => ({ ...current, entity_id: entityId }));
			if (done) moved[categoryId] = { from: done.before.entity_id, to: entityId };
		}
		const entityIds = Object.values(moved).flatMap((m) => [m.from, m.to]);
		if (Object.keys(moved).length > 0) await auditChange(ctx, user, 'admin.routing.update', { type: 'routing', id: 'categories' }, { entityIds, changes: moved });
		res.json({ changed: moved });
	}));

	// The unified response period, time zone and weekend
	router.get('/api/admin/settings', asyncHandler(async (_req, res) => {
		coordinator(res);
		const current = await get<SettingsDoc>(SETTINGS_ID);
		res.json({ settings: current ? strip(current) : DEFAULT_SETTINGS });
	}));

	router.put('/api/admin/settings', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const result = await updateDoc(db(), SETTINGS_ID, (current) => {
			const before = (current ? strip(current) : DEFAULT_SETTINGS) as SettingsDoc;
			const after = settingsFrom(req.body, before);
			return { next: after as unknown as ConfigDoc, result: { before, after } };
		});
		await auditChange(ctx, user, 'admin.settings.update', { type: 'settings', id: SETTINGS_ID }, { changes: changedFields(result.before, result.after) });
		res.json({ settings: result.after });
	}));

	// Public holidays, one list per year
	router.get('/api/admin/holidays/:year', asyncHandler(async (req, res) => {
		coordinator(res);
		const year = yearFrom(req.params.year);
		const current = await get<HolidaysDoc>(holidaysDocId(year));
		res.json({ holidays: current ? strip(current) : { year, days: [] } });
	}));

	router.put('/api/admin/holidays/:year', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const year = yearFrom(req.params.year);
		const next = holidaysFrom(req.body, year);
		const before = await updateDoc(db(), holidaysDocId(year), (current) => ({ next: next as unknown as ConfigDoc, result: current ? strip(current) : null }));
		await auditChange(ctx, user, 'admin.holidays.update', { type: 'holidays', id: String(year) }, { changes: changedFields(before, next) });
		res.json({ holidays: next });
	}));

	// SMS texts in Arabic and English
	router.get('/api/admin/sms-templates', asyncHandler(async (_req, res) => {
		coordinator(res);
		res.json({ templates: await list<SmsTemplateDoc>('sms_template:') });
	}));

	router.put('/api/admin/sms-templates/:key', asyncHandler(async (req, res) => {
		const user = coordinator(res);
		const next = smsTemplateFrom(req.params.key, req.body, new Date(ctx.now()).toISOString());
		const before = await updateDoc(db(), smsTemplateDocId(next.key), (current) => ({ next: next as unknown as ConfigDoc, result: current ? strip(current) : null }));
		await auditChange(ctx, user, 'admin.sms_template.update', { type: 'sms_template', id: next.key }, { changes: changedFields(before, next, ['_id', '_rev', 'type', 'updated_at']) });
		res.json({ template: next });
	}));
}
