/**
 * The national catalogue in `config`: entities, categories and the category → entity table, the
 * response-period settings, holidays per year and SMS texts. Every change is a normal write to
 * `config`, so the rules engine (which reloads `config` when its update sequence moves) and every
 * device (which replicates `config`) see it without a restart. Entities are deactivated, never
 * deleted: old cases keep naming them.
 */
import type express from 'express';
import type nano from 'nano';
import { DB, type CategoryDoc, type EntityDoc, type HolidaysDoc, type SettingsDoc } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { localDateOf } from '../../../src/lib/domain/calendar.js';
import { addedByYear, lastYearToFill, planHolidayImport, type ImportPlan } from '../../../src/lib/domain/holiday-import.js';
import { getOrNull, insertOnce, updateDoc } from '../store-docs.js';
import { DEFAULT_SETTINGS } from '../engine/catalogue.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import type { Store } from '../store.js';
import type { SessionUser } from '../auth/types.js';
import { auditChange, type AdminContext } from './context.js';
import {
	categoryDocId,
	categoryFrom,
	changedFields,
	entityDocId,
	entityFrom,
	holidaysDocId,
	holidaysFrom,
	holidayImportFrom,
	routesFrom,
	SETTINGS_ID,
	settingsFrom,
	smsTemplateDocId,
	smsTemplateFrom,
	yearFrom,
	type SmsTemplateDoc
} from './config-docs.js';

const strip = <T extends { _rev?: string }>(doc: T): Omit<T, '_rev'> => {
	const { _rev, ...rest } = doc;
	return rest;
};

/** The `config` database as the coordinator's screens change it: each document type read and
 * written with its own type, a create that must be new, and read-change-write on a revision. */
class ConfigDocs {
	constructor(private readonly store: Store) {}

	private db<T extends object>(): nano.DocumentScope<T> {
		return this.store.use<T>(DB.CONFIG);
	}

	async list<T extends object>(prefix: string): Promise<T[]> {
		const result = await this.db<T>().list({ startkey: prefix, endkey: `${prefix}\ufff0`, include_docs: true });
		return result.rows.flatMap((row) => (row.doc ? [strip(row.doc) as T] : []));
	}

	get<T extends object>(id: string): Promise<(T & nano.DocumentGetResponse) | null> {
		return getOrNull(this.db<T>(), id);
	}

	/** Creates a document that must not exist yet; 409 'already_exists' naming `field` otherwise. */
	async create(doc: { _id: string }, field: string): Promise<void> {
		if (!(await insertOnce(this.db<{ _id: string }>(), doc))) throw new TawasulError(409, 'already_exists', [{ field, code: 'already_exists' }]);
	}

	/** Read, change, write with the read revision (again on a conflict). Null when missing. */
	change<T extends object>(id: string, next: (current: T) => T): Promise<{ before: T; after: T } | null> {
		return updateDoc(this.db<T>(), id, (current) => {
			if (!current) return { next: null, result: null };
			const before = strip(current) as T;
			const after = next(before);
			return { next: after, result: { before, after } };
		});
	}

	/** Writes what `next` makes of the current document (null when there is none), existing or not. */
	replace<T extends object>(id: string, next: (before: T | null) => T): Promise<{ before: T | null; after: T }> {
		return updateDoc(this.db<T>(), id, (current) => {
			const before = current ? (strip(current) as T) : null;
			const after = next(before);
			return { next: after, result: { before, after } };
		});
	}

	async destroy(doc: { _id: string; _rev: string }): Promise<void> {
		await this.db().destroy(doc._id, doc._rev);
	}

	/** Whether an entity id names an active entity, from one read of the list. */
	async activeEntity(): Promise<(id: string) => boolean> {
		const entities = new Map((await this.list<EntityDoc>('entity:')).map((e) => [e.entity_id, e]));
		return (id: string) => entities.get(id)?.active === true;
	}
}

const coordinator = (res: express.Response) => requireRole(res, ['coordinator']);

export function configAdminRoutes(router: express.Router, ctx: AdminContext): void {
	const docs = new ConfigDocs(ctx.store);
	entityRoutes(router, ctx, docs);
	categoryRoutes(router, ctx, docs);
	calendarRoutes(router, ctx, docs);
	holidayImportRoutes(router, ctx, docs);
	smsTemplateRoutes(router, ctx, docs);
}

function entityRoutes(router: express.Router, ctx: AdminContext, docs: ConfigDocs): void {
	router.get(
		'/api/admin/entities',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			res.json({ entities: await docs.list<EntityDoc>('entity:') });
		})
	);

	router.post(
		'/api/admin/entities',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const entity = entityFrom(req.body, null);
			await docs.create(entity, 'entity_id');
			await auditChange(ctx, user, 'admin.entity.create', { type: 'entity', id: entity.entity_id }, { entityIds: [entity.entity_id], changes: changedFields(null, entity) });
			res.status(201).json({ entity });
		})
	);

	router.put(
		'/api/admin/entities/:id',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const done = await docs.change<EntityDoc>(entityDocId(req.params.id), (current) => entityFrom(req.body, current));
			if (!done) throw new TawasulError(404, 'not_found');
			await auditChange(ctx, user, 'admin.entity.update', { type: 'entity', id: req.params.id }, { entityIds: [req.params.id], changes: changedFields(done.before, done.after) });
			res.json({ entity: done.after });
		})
	);
}

/** Categories, and with them the category → entity table. */
function categoryRoutes(router: express.Router, ctx: AdminContext, docs: ConfigDocs): void {
	router.get(
		'/api/admin/categories',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			res.json({ categories: await docs.list<CategoryDoc>('category:') });
		})
	);

	router.post(
		'/api/admin/categories',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const category = categoryFrom(req.body, null, await docs.activeEntity());
			await docs.create(category, 'category_id');
			await auditChange(ctx, user, 'admin.category.create', { type: 'category', id: category.category_id }, { entityIds: [category.entity_id], changes: changedFields(null, category) });
			res.status(201).json({ category });
		})
	);

	router.put(
		'/api/admin/categories/:id',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const ok = await docs.activeEntity();
			const done = await docs.change<CategoryDoc>(categoryDocId(req.params.id), (current) => categoryFrom(req.body, current, ok));
			if (!done) throw new TawasulError(404, 'not_found');
			await auditChange(
				ctx,
				user,
				'admin.category.update',
				{ type: 'category', id: req.params.id },
				{
					entityIds: [done.before.entity_id, done.after.entity_id],
					changes: changedFields(done.before, done.after)
				}
			);
			res.json({ category: done.after });
		})
	);

	router.delete(
		'/api/admin/categories/:id',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const current = await docs.get<CategoryDoc>(categoryDocId(req.params.id));
			if (!current?._rev) throw new TawasulError(404, 'not_found');
			await docs.destroy(current);
			await auditChange(ctx, user, 'admin.category.delete', { type: 'category', id: req.params.id }, { entityIds: [current.entity_id], changes: changedFields(strip(current), {}) });
			res.json({ ok: true });
		})
	);

	router.get(
		'/api/admin/routing',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			const categories = await docs.list<CategoryDoc>('category:');
			res.json({ routes: Object.fromEntries(categories.map((c) => [c.category_id, c.entity_id])) });
		})
	);

	router.put(
		'/api/admin/routing',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const categories = new Map((await docs.list<CategoryDoc>('category:')).map((c) => [c.category_id, c]));
			const routes = routesFrom(req.body, (id) => categories.has(id), await docs.activeEntity());
			const moved: Record<string, { from: string; to: string }> = {};
			for (const [categoryId, entityId] of routes) {
				const category = categories.get(categoryId);
				if (!category) throw new Error(`Routing: category ${categoryId} passed the check but is not in the list read`);
				if (category.entity_id === entityId) continue;
				const done = await docs.change<CategoryDoc>(categoryDocId(categoryId), (current) => ({ ...current, entity_id: entityId }));
				if (done) moved[categoryId] = { from: done.before.entity_id, to: entityId };
			}
			const entityIds = Object.values(moved).flatMap((m) => [m.from, m.to]);
			if (Object.keys(moved).length > 0) await auditChange(ctx, user, 'admin.routing.update', { type: 'routing', id: 'categories' }, { entityIds, changes: moved });
			res.json({ changed: moved });
		})
	);
}

/** The unified response period, time zone and weekend; public holidays, one list per year. */
function calendarRoutes(router: express.Router, ctx: AdminContext, docs: ConfigDocs): void {
	router.get(
		'/api/admin/settings',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			const current = await docs.get<SettingsDoc>(SETTINGS_ID);
			res.json({ settings: current ? strip(current) : DEFAULT_SETTINGS });
		})
	);

	router.put(
		'/api/admin/settings',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const result = await docs.replace<SettingsDoc>(SETTINGS_ID, (current) => settingsFrom(req.body, current ?? DEFAULT_SETTINGS));
			await auditChange(ctx, user, 'admin.settings.update', { type: 'settings', id: SETTINGS_ID }, { changes: changedFields(result.before ?? DEFAULT_SETTINGS, result.after) });
			res.json({ settings: result.after });
		})
	);

	router.get(
		'/api/admin/holidays/:year',
		asyncHandler(async (req, res) => {
			coordinator(res);
			const year = yearFrom(req.params.year);
			const current = await docs.get<HolidaysDoc>(holidaysDocId(year));
			res.json({ holidays: current ? strip(current) : { year, days: [] } });
		})
	);

	router.put(
		'/api/admin/holidays/:year',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const year = yearFrom(req.params.year);
			const next = holidaysFrom(req.body, year);
			const { before } = await docs.replace<HolidaysDoc>(holidaysDocId(year), () => next);
			await auditChange(ctx, user, 'admin.holidays.update', { type: 'holidays', id: String(year) }, { changes: changedFields(before, next) });
			res.json({ holidays: next });
		})
	);
}

/** Public holidays of every year at once: where the list ends (the admin home warns before it
 * runs out), and an iCalendar file previewed, then imported (issue 16). */
function holidayImportRoutes(router: express.Router, ctx: AdminContext, docs: ConfigDocs): void {
	router.get(
		'/api/admin/holidays',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			const years = await docs.list<HolidaysDoc>('holidays:');
			const last =
				years
					.flatMap((doc) => doc.days.map((day) => day.date))
					.sort()
					.at(-1) ?? null;
			res.json({ last, years: years.filter((doc) => doc.days.length > 0).map((doc) => doc.year) });
		})
	);

	router.post(
		'/api/admin/holidays/import',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const settings = await docs.get<SettingsDoc>(SETTINGS_ID);
			const timeZone = settings?.time_zone ?? DEFAULT_SETTINGS.time_zone;
			// The preview and the import expand open-ended repeats to the same year, unless the year
			// turned in between; the coordinator's screen checks the file with the same rule.
			const lastYear = lastYearToFill(localDateOf(new Date(ctx.now()), timeZone));
			const file = holidayImportFrom(req.body, timeZone, lastYear);
			const existing = new Map<number, HolidaysDoc['days']>();
			for (const year of file.years) existing.set(year, (await docs.get<HolidaysDoc>(holidaysDocId(year)))?.days ?? []);
			const plan = planHolidayImport(file.events, existing, lastYear);
			if (file.apply) await applyHolidayImport(ctx, user, docs, plan);
			res.json({ plan, applied: file.apply });
		})
	);
}

/** Each year's list gets the plan's days; one that became a holiday since the preview is kept as
 * it is, and holidaysFrom checks the merged year as a coordinator's edit would be. */
async function applyHolidayImport(ctx: AdminContext, user: SessionUser, docs: ConfigDocs, plan: ImportPlan): Promise<void> {
	for (const [year, days] of addedByYear(plan)) {
		const { before, after } = await docs.replace<HolidaysDoc>(holidaysDocId(year), (current) => {
			const kept = current?.days ?? [];
			const fresh = days.filter((day) => !kept.some((k) => k.date === day.date));
			return holidaysFrom({ days: [...kept, ...fresh] }, year);
		});
		await auditChange(ctx, user, 'admin.holidays.import', { type: 'holidays', id: String(year) }, { changes: changedFields(before, after) });
	}
}

/** SMS texts in Arabic and English. */
function smsTemplateRoutes(router: express.Router, ctx: AdminContext, docs: ConfigDocs): void {
	router.get(
		'/api/admin/sms-templates',
		asyncHandler(async (_req, res) => {
			coordinator(res);
			res.json({ templates: await docs.list<SmsTemplateDoc>('sms_template:') });
		})
	);

	router.put(
		'/api/admin/sms-templates/:key',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const next = smsTemplateFrom(req.params.key, req.body, new Date(ctx.now()).toISOString());
			const { before } = await docs.replace<SmsTemplateDoc>(smsTemplateDocId(next.key), () => next);
			await auditChange(ctx, user, 'admin.sms_template.update', { type: 'sms_template', id: next.key }, { changes: changedFields(before, next, ['_id', '_rev', 'type', 'updated_at']) });
			res.json({ template: next });
		})
	);
}
