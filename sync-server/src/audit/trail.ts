/**
 * The `audit` database: append-only, written by the server, never reachable through the gate
 * (its name is not in the gate's allowlist of databases). A `validate_doc_update` refuses any
 * change or deletion of an entry inside the store too. Entry ids are deterministic for case
 * actions, and an entry already there is never written again, so a replay adds nothing.
 *
 * Reads go through one view keyed [scope, at, id]: a scope is an entity id or '*' (everything),
 * so "the entries of entity X between two times, newest first" is one key range, and a page
 * can never reach into another scope's rows.
 */
import { DB } from '../../../src/lib/domain/doc-types.js';
import { withRevision } from '../engine/projections.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';
import type { AuditDoc } from './entries.js';

const AUDIT_DESIGN_ID = '_design/audit';

const AUDIT_VALIDATE = `function (newDoc, oldDoc) {
	if (newDoc._id.indexOf('_design/') === 0) return;
	if (oldDoc) throw({ forbidden: 'the audit trail is append-only' });
	if (newDoc._deleted) throw({ forbidden: 'audit entries cannot be deleted' });
	if (newDoc.type !== 'audit' || newDoc._id.indexOf('audit:') !== 0) throw({ forbidden: 'only audit entries' });
	if (!newDoc.at || !newDoc.kind || !newDoc.outcome) throw({ forbidden: 'incomplete audit entry' });
}`;

const AUDIT_BY_SCOPE = `function (doc) {
	if (doc.type !== 'audit') return;
	emit(['*', doc.at, doc._id], null);
	(doc.entity_ids || []).forEach(function (entity) { emit([entity, doc.at, doc._id], null); });
}`;

/** Creates the database and installs (or updates) its design document once per process. */
function ensureAuditDb(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.AUDIT, AUDIT_DESIGN_ID, { validate_doc_update: AUDIT_VALIDATE, views: { by_scope: { map: AUDIT_BY_SCOPE } } });
}

/**
 * Writes the entries; an entry already in the trail (a replayed batch) stays exactly as it was.
 * Each entry gets a fixed first revision, so a second write of it is a revision the store already
 * holds: CouchDB skips it, and the embedded store's validate_doc_update refuses it as a change of
 * an entry. Only the refused entries are looked up, and only a refused entry that is not in the
 * trail is an error. */
export async function writeAudit(store: Store, entries: AuditDoc[]): Promise<void> {
	if (entries.length === 0) return;
	await ensureAuditDb(store);
	const docs = entries.map((entry) => withRevision(entry, DB.AUDIT, 1));
	const response = await store.fetch(`/${DB.AUDIT}/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs, new_edits: false })
	});
	if (!response.ok) throw new Error(`writing audit entries answered ${response.status}`);
	const refused = ((await response.json()) as { id: string; error?: string; reason?: string }[]).filter((r) => r.error);
	if (refused.length === 0) return;
	const known = await store.fetch(`/${DB.AUDIT}/_all_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ keys: refused.map((r) => r.id) })
	});
	if (!known.ok) throw new Error(`audit _all_docs answered ${known.status}`);
	const { rows } = (await known.json()) as { rows: { key: string; value?: { rev: string } }[] };
	const present = new Set(rows.filter((row) => row.value?.rev.startsWith('1-')).map((row) => row.key));
	const failed = refused.find((r) => !present.has(r.id));
	if (failed) throw new Error(`audit entry ${failed.id}: ${failed.error} ${failed.reason ?? ''}`.trim());
}

export interface AuditQuery {
	/** An entity id, or '*' for all. */
	scope: string;
	from: string | null;
	to: string | null;
	limit: number;
	/** The view key to start at (from a previous page's next_cursor). */
	start: [string, string, string] | null;
}

export interface AuditPage {
	entries: (Omit<AuditDoc, '_id'> & { id: string })[];
	next: [string, string, string] | null;
}

/** One page, newest first. Rows are re-checked against the scope before they leave. */
export async function queryAudit(store: Store, query: AuditQuery): Promise<AuditPage> {
	await ensureAuditDb(store);
	// Descending: from the latest key of the range down to the earliest. `{}` sorts after every string.
	const startkey = query.start ?? (query.to ? [query.scope, query.to, {}] : [query.scope, {}]);
	const endkey = query.from ? [query.scope, query.from] : [query.scope];
	const params = new URLSearchParams({
		descending: 'true',
		include_docs: 'true',
		limit: String(query.limit + 1),
		startkey: JSON.stringify(startkey),
		endkey: JSON.stringify(endkey)
	});
	const response = await store.fetch(`/${DB.AUDIT}/${AUDIT_DESIGN_ID}/_view/by_scope?${params}`);
	if (!response.ok) throw new Error(`audit view answered ${response.status}`);
	const { rows } = (await response.json()) as { rows: { key: [string, string, string]; doc?: AuditDoc & { _rev?: string } }[] };
	const inScope = rows.flatMap(({ key, doc }) => (key[0] === query.scope && doc && (query.scope === '*' || doc.entity_ids.includes(query.scope)) ? [{ key, doc }] : []));
	const page = inScope.slice(0, query.limit);
	const entries = page.map(({ doc }) => {
		const { _id, _rev, ...entry } = doc;
		return { id: _id, ...entry };
	});
	return { entries, next: inScope.length > query.limit ? inScope[query.limit].key : null };
}
