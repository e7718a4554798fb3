import type { Database } from 'pouchdb-browser';
import {
	DB,
	caseDocId,
	entityDb,
	rejectionDocId,
	userDb,
	type ActionDoc,
	type CaseDoc,
	type CategoryDoc,
	type EntityDoc,
	type HolidaysDoc,
	type RejectionDoc,
	type SettingsDoc
} from '$lib/domain/doc-types';
import { makeCatalogue, type Catalogue } from '$lib/domain/routing';
import { mergeCaseList, pendingActions, photosOf, type CaseListItem, type LocalPhoto, type PendingAction } from './case-list';
import { i18n } from './i18n.svelte';
import { sync } from './sync.svelte';

/** Read-only queries over the local mirrors and the outbox. They work offline on whatever has
 * been pulled so far; pair them with `livePouch` to re-run when replication brings changes. */

async function byPrefix<T>(db: Database, prefix: string, options: { attachments?: boolean } = {}): Promise<T[]> {
	const result = await db.allDocs<T>({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0`, ...options });
	return result.rows.flatMap((row) => (row.doc && !row.value?.deleted ? [row.doc as T] : []));
}

async function getOrUndefined<T>(db: Database, id: string): Promise<T | undefined> {
	try {
		return await db.get<T>(id);
	} catch {
		return undefined;
	}
}

/** True when the mirror holds a deletion of `id`: the server removed the case from this database
 * (an entity's mirror after the case was transferred away). */
async function isDeleted(db: Database, id: string): Promise<boolean> {
	try {
		await db.get(id);
		return false;
	} catch (error) {
		return (error as { reason?: string }).reason === 'deleted';
	}
}

/** Re-reading a database that has not changed returns the last result: live queries re-run on
 * any local change, and most changes (outbox writes, another mirror) do not touch this one. */
const memo = new Map<string, { seq: number | string; value: unknown }>();
async function sinceLastChange<T>(db: Database, key: string, compute: () => Promise<T>): Promise<T> {
	const { update_seq } = await db.info();
	const cached = memo.get(`${db.name}:${key}`);
	if (cached && cached.seq === update_seq) return cached.value as T;
	const value = await compute();
	memo.set(`${db.name}:${key}`, { seq: update_seq, value });
	return value;
}

export interface ConfigView {
	entities: EntityDoc[];
	categories: CategoryDoc[];
	settings: SettingsDoc | null;
	holidays: HolidaysDoc[];
	/** The routing table (the same lookups the server makes). */
	catalogue: Catalogue;
	entityById: Map<string, EntityDoc>;
	categoryById: Map<string, CategoryDoc>;
}

/** Entities, categories, settings and holidays from `mirror-config` (signed in or not). */
export async function loadConfig(): Promise<ConfigView> {
	const db = await sync.mirror(DB.CONFIG);
	return sinceLastChange(db, 'config', () => readConfig(db));
}

/** Dates everywhere follow the national time zone in `config/settings` (the coordinator may
 * change it); until the mirror has settings, i18n keeps its default. */
export async function followConfigTimeZone(): Promise<void> {
	i18n.setTimeZone((await loadConfig()).settings?.time_zone);
}

async function readConfig(db: Database): Promise<ConfigView> {
	const [entities, categories, holidays, settings] = await Promise.all([
		byPrefix<EntityDoc>(db, 'entity:'),
		byPrefix<CategoryDoc>(db, 'category:'),
		byPrefix<HolidaysDoc>(db, 'holidays:'),
		getOrUndefined<SettingsDoc>(db, 'settings')
	]);
	const catalogue = makeCatalogue(entities, categories);
	return {
		entities,
		categories,
		settings: settings ?? null,
		holidays,
		catalogue,
		entityById: catalogue.entities,
		categoryById: catalogue.categories
	};
}

function ownDb(): string | null {
	const user = sync.user;
	return user ? userDb(user.user_id) : null;
}

async function outboxActions(): Promise<ActionDoc[]> {
	if (!sync.user) return [];
	return byPrefix<ActionDoc>(await sync.outbox(), 'act:');
}

/** The photos of an action still in this device's outbox; offline: a local read. Empty once the
 * action is gone (PouchDB keeps sent actions, so only after sign-out). */
export async function outboxPhotos(actionId: string): Promise<LocalPhoto[]> {
	if (!sync.user) return [];
	const action = await (await sync.outbox()).get<ActionDoc>(actionId, { attachments: true, binary: true }).catch(() => null);
	return action ? photosOf(action) : [];
}

/** The engine's refusals (mirrored) and the gate's (kept on this device by sync). */
async function ownRejections(): Promise<RejectionDoc[]> {
	const name = ownDb();
	if (!name) return [];
	const [mirrored, atTheGate] = await Promise.all([byPrefix<RejectionDoc>(await sync.mirror(name), 'rejection:'), sync.refusals()]);
	return [...mirrored, ...atTheGate];
}

/** The cases this citizen follows (issue 15): those projected as followed, and those a follow in
 * this device's outbox names (sent or not, not refused). Offline: local reads. */
export async function followedCaseKeys(): Promise<Set<string>> {
	const name = ownDb();
	if (!name) return new Set();
	const [cases, actions, rejections] = await Promise.all([byPrefix<CaseDoc>(await sync.mirror(name), 'case:'), outboxActions(), ownRejections()]);
	const refused = new Set(rejections.filter((r) => r.code !== 'already_following').map((r) => r.action_id));
	return new Set([...cases.filter((c) => c.followed).map((c) => c.case_key), ...actions.filter((a) => a.kind === 'follow' && !refused.has(a._id)).map((a) => a.case_key)]);
}

/** The citizen's cases: projected cases merged with submissions still in the outbox. */
export async function citizenCases(online: boolean, dismissed: Set<string>): Promise<CaseListItem[]> {
	const name = ownDb();
	if (!name) return [];
	const [cases, actions, rejections] = await Promise.all([byPrefix<CaseDoc>(await sync.mirror(name), 'case:'), outboxActions(), ownRejections()]);
	return mergeCaseList({ cases, submits: actions.filter((a) => a.kind === 'submit'), rejections, online, dismissed });
}

export interface CaseView {
	/** The database whose mirror holds the case (`u_…` for a citizen, `e_…` for staff). */
	dbName: string;
	caseDoc: CaseDoc | undefined;
	/** This device's actions on the case that the projection does not include yet, or refused. */
	pending: PendingAction[];
	/** The case was taken out of this mirror (transferred to another entity). */
	gone: boolean;
}

/** One case as the current person sees it. */
export async function caseView(caseKey: string, staff: boolean, online: boolean): Promise<CaseView | null> {
	const user = sync.user;
	if (!user) return null;
	const dbName = staff && user.entity_id ? entityDb(user.entity_id) : userDb(user.user_id);
	const [caseDoc, actions, rejections] = await Promise.all([getOrUndefined<CaseDoc>(await sync.mirror(dbName), caseDocId(caseKey)), outboxActions(), ownRejections()]);
	const mine = actions.filter((a) => a.case_key === caseKey);
	const gone = !caseDoc && (await isDeleted(await sync.mirror(dbName), caseDocId(caseKey)));
	return { dbName, caseDoc, gone, pending: pendingActions(mine, caseDoc, rejections, online) };
}

/** The staff member's entity's cases (all statuses; the page filters). */
export async function entityCases(): Promise<CaseDoc[]> {
	const entityId = sync.user?.entity_id;
	if (!entityId) return [];
	const db = await sync.mirror(entityDb(entityId));
	return sinceLastChange(db, 'cases', () => byPrefix<CaseDoc>(db, 'case:'));
}

/** How many outbox actions the server has neither applied nor refused. Settled ids are
 * remembered: an action never goes back from applied or refused. */
const settled = new Set<string>();
export async function countPending(): Promise<number> {
	const user = sync.user;
	if (!user) return 0;
	const actions = (await outboxActions()).filter((a) => !settled.has(a._id));
	if (!actions.length) return 0;
	const mirrors = await Promise.all(user.databases.pull.filter((name) => name !== DB.CONFIG).map((name) => sync.mirror(name)));
	const own = await sync.mirror(userDb(user.user_id));
	let pending = 0;
	for (const action of actions) {
		const rejected = await getOrUndefined(own, rejectionDocId(action._id));
		let applied = false;
		for (const mirror of mirrors) {
			const id = caseDocId(action.case_key);
			// A case written before `applied` and `rejected` existed has neither.
			const doc = await getOrUndefined<Partial<CaseDoc>>(mirror, id);
			if (doc?.applied?.includes(action._id) || doc?.rejected?.includes(action._id)) applied = true;
			// A case deleted from a mirror was transferred away: the server took this device's
			// actions on it into account before it could do that.
			else if (!doc && action.kind !== 'submit' && (await isDeleted(mirror, id))) applied = true;
		}
		if (rejected || applied) settled.add(action._id);
		else pending++;
	}
	return pending;
}

/** An attachment doc's file as a Blob (the first, normally only, attachment of `att:…`). */
export async function attachmentBlob(dbName: string, attachmentId: string): Promise<Blob> {
	const db = await sync.mirror(dbName);
	const doc = await db.get(attachmentId, { attachments: true, binary: true });
	const first = Object.values(doc._attachments ?? {}).at(0);
	if (!first || !(first.data instanceof Blob)) throw Object.assign(new Error('attachment not synced'), { status: 404 });
	return first.data;
}
