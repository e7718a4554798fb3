/** Which entity and category a legacy value stands for: the mapping's table first, then an id of
 * the catalogue, then a name (Arabic folded, English case-blind), and with --create-entities a new
 * entry. Entities created from a file start inactive: they hold history, and the coordinator
 * decides whether citizens may choose them. */
import { createHash } from 'node:crypto';
import { CASE_TYPES, DOC_TYPES, ID_PATTERN, type CategoryDoc, type EntityDoc } from '../../../src/lib/domain/doc-types.js';
import { normalizeArabic } from '../../../src/lib/domain/text.js';
import { startSla } from '../../../src/lib/domain/sla.js';
import type { Catalogue } from '../engine/catalogue.js';
import type { Resolver } from './rows.js';

type Imported<T> = T & { source: string };

const nameKey = (name: string) => normalizeArabic(name).toLowerCase().replace(/\s+/g, ' ').trim();

/** A readable id from a name ('PWDx' → 'pwdx', 'Bed Bugs' → 'bed-bugs'), or a hash for a name
 * with no Latin letters or digits (Arabic), so the id is always valid and always the same. */
function slugId(name: string): string {
	const slug = name
		.toLowerCase()
		.replace(/[^a-z0-9_-]+/g, '-')
		.replace(/^[-_]+|-+$/g, '')
		.slice(0, 40);
	if (slug && ID_PATTERN.test(slug)) return slug;
	return 'x' + createHash('sha256').update(name).digest('hex').slice(0, 10);
}

export class CatalogueResolver implements Resolver {
	private readonly entities = new Map<string, EntityDoc>();
	private readonly categories = new Map<string, CategoryDoc>();
	private readonly entityNames = new Map<string, string>();
	private newEntities: Imported<EntityDoc>[] = [];
	private newCategories: Imported<CategoryDoc>[] = [];
	readonly created = { entities: [] as string[], categories: [] as string[] };

	constructor(
		private readonly catalogue: Catalogue,
		private readonly options: { create: boolean; source: string }
	) {
		for (const entity of catalogue.entities.values()) this.addEntity(entity);
		for (const category of catalogue.categories.values()) this.categories.set(category.category_id, category);
	}

	entity(value: string): string | null {
		if (this.entities.has(value)) return value;
		const byName = this.entityNames.get(nameKey(value));
		if (byName) return byName;
		if (!this.options.create) return null;
		let id = slugId(value);
		if (this.entities.has(id)) id = `${id.slice(0, 50)}-${slugId(`#${value}`).slice(1, 7)}`;
		const doc: Imported<EntityDoc> = { _id: `entity:${id}`, type: DOC_TYPES.ENTITY, entity_id: id, name_ar: value, name_en: value, active: false, source: this.options.source };
		this.addEntity(doc);
		this.newEntities.push(doc);
		this.created.entities.push(id);
		return id;
	}

	category(entityId: string, value: string | null): { id: string } | { error: string } {
		const name = value ?? 'general';
		const known = this.categories.get(value ?? `${entityId}-general`);
		if (known) {
			return known.entity_id === entityId ? { id: known.category_id } : { error: `category "${name}" belongs to entity "${known.entity_id}", not "${entityId}"` };
		}
		const key = nameKey(name);
		for (const category of this.categories.values()) {
			if (category.entity_id === entityId && (nameKey(category.name_ar) === key || nameKey(category.name_en) === key)) return { id: category.category_id };
		}
		if (!this.options.create) {
			return { error: value ? `category "${value}" is not a category of "${entityId}"` : `the file names no category and "${entityId}" has no general one` };
		}
		const id = `${entityId}-${slugId(name)}`.slice(0, 63);
		const doc: Imported<CategoryDoc> = {
			_id: `category:${id}`,
			type: DOC_TYPES.CATEGORY,
			category_id: id,
			entity_id: entityId,
			name_ar: value ?? 'عام',
			name_en: value ?? 'General',
			case_types: [...CASE_TYPES],
			source: this.options.source
		};
		this.categories.set(id, doc);
		this.newCategories.push(doc);
		this.created.categories.push(id);
		return { id };
	}

	dueFrom(createdIso: string): string {
		const { settings, calendar } = this.catalogue;
		return startSla(new Date(createdIso), settings.response_days, calendar).due_at;
	}

	/** The entries made since the last call, for the importer to write before the cases using them. */
	takeNew(): (EntityDoc | CategoryDoc)[] {
		const docs = [...this.newEntities, ...this.newCategories];
		this.newEntities = [];
		this.newCategories = [];
		return docs;
	}

	private addEntity(entity: EntityDoc): void {
		this.entities.set(entity.entity_id, entity);
		for (const name of [entity.name_ar, entity.name_en]) if (name) this.entityNames.set(nameKey(name), entity.entity_id);
	}
}
