/** The business settings the rules read: entities, categories, the response period, the
 * calendar. Loaded from the `config` database and reloaded when it changes, without a restart. */
import type { CategoryDoc, EntityDoc, HolidaysDoc, SettingsDoc } from '../../../src/lib/domain/doc-types.js';
import { DB, DOC_TYPES } from '../../../src/lib/domain/doc-types.js';
import { makeCalendar, type WorkCalendar } from '../../../src/lib/domain/calendar.js';
import type { Store } from '../store.js';

export interface Catalogue {
	entities: Map<string, EntityDoc>;
	categories: Map<string, CategoryDoc>;
	settings: SettingsDoc;
	calendar: WorkCalendar;
}

export const DEFAULT_SETTINGS: SettingsDoc = {
	_id: 'settings',
	type: 'settings',
	response_days: 5,
	time_zone: 'Asia/Bahrain',
	weekend: [5, 6],
	transfer_restarts_clock: false,
	low_rating_threshold: 2
};

type ConfigDoc = EntityDoc | CategoryDoc | SettingsDoc | HolidaysDoc | { _id: string; type?: string };

export function buildCatalogue(docs: ConfigDoc[]): Catalogue {
	const entities = new Map<string, EntityDoc>();
	const categories = new Map<string, CategoryDoc>();
	const holidays: HolidaysDoc[] = [];
	let settings = DEFAULT_SETTINGS;
	for (const doc of docs) {
		switch (doc.type) {
			case DOC_TYPES.ENTITY:
				entities.set((doc as EntityDoc).entity_id, doc as EntityDoc);
				break;
			case DOC_TYPES.CATEGORY:
				categories.set((doc as CategoryDoc).category_id, doc as CategoryDoc);
				break;
			case DOC_TYPES.SETTINGS:
				settings = { ...DEFAULT_SETTINGS, ...(doc as SettingsDoc) };
				break;
			case DOC_TYPES.HOLIDAYS:
				holidays.push(doc as HolidaysDoc);
				break;
		}
	}
	return { entities, categories, settings, calendar: makeCalendar(settings, holidays) };
}

/** Keeps the catalogue current: one cheap `GET /config` per call, a full reload only when the
 * database's update sequence moved. */
export class CatalogueSource {
	private seq: string | number | null = null;
	private current: Catalogue | null = null;

	constructor(private readonly store: Store) {}

	async get(): Promise<Catalogue> {
		const info = await this.store.dbInfo(DB.CONFIG);
		if (!info) throw new Error('the config database is missing');
		if (this.current && info.update_seq === this.seq) return this.current;
		const all = await this.store.use<ConfigDoc>(DB.CONFIG).list({ include_docs: true });
		this.current = buildCatalogue(all.rows.flatMap((row) => (row.doc ? [row.doc] : [])));
		this.seq = info.update_seq;
		return this.current;
	}
}
