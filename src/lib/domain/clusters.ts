/** Repeated-case clusters (issue 13): the cases of one entity that are about the same thing, so
 * that a thousand complaints about one broken street light are one row to study.
 *
 * A case joins the cluster of its entity whose texts are most like its own, at or above the
 * production threshold (`SIMILAR_THRESHOLD`), or starts a cluster of its own. Only clusters with a
 * member inside the rolling window, counted back from the case's own arrival time, are candidates,
 * and a cluster keeps only the members inside that window: everything is measured from the cases'
 * times, never from the clock of the machine, so a replay or a rebuild of the same cases in the
 * same order gives the same clusters. A cluster's id is its first case's key, for the same reason.
 *
 * Pure: the incremental follower on the server, the rebuild and the specs use `ClusterIndex`. */
import { DOC_TYPES, type CaseDoc, type GeoPoint } from './doc-types.js';
import type { ClusterStatus } from './cluster-status.js';
import { NUMBER_MISMATCH_CEILING, prepareText, similarity, SIMILAR_THRESHOLD, type PreparedText } from './similar.js';

export { clusterTransitionAllowed, type ClusterStatus } from './cluster-status.js';

export const DEFAULT_CLUSTER_WINDOW_DAYS = 90;
/** Texts a cluster is compared on: its first case's and its latest cases'. */
const CLUSTER_SAMPLES = 4;
/** Characters of a case compared: its subject and the start of its body, as the lookup does. */
export const COMPARED_CHARS = 1000;
/** Decimals kept of a position: about a kilometre, an area rather than a house. */
const PLACE_DECIMALS = 2;
const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;
/** Weeks before this one that the trend compares with. */
const TREND_WEEKS = 4;

/** One case of a cluster, in short keys: a cluster may hold thousands. No personal data: `u` is
 * a hash of the citizen's id, only ever counted, so one person's many cases count as one person. */
interface ClusterMember {
	/** case key */
	k: string;
	/** arrival time (`created_at`) */
	at: string;
	/** category id */
	c: string;
	/** coarse place, or null */
	p: string | null;
	/** hash of the citizen's id */
	u: string;
	/** joined after the root cause was marked fixed */
	f?: 1;
}

interface ClusterStatusChange {
	status: ClusterStatus;
	at: string;
	by: string;
}

export interface ClusterDoc {
	_id: string;
	_rev?: string;
	/** Written when its last case was transferred away. */
	_deleted?: true;
	type: typeof DOC_TYPES.CLUSTER;
	entity_id: string;
	/** The key of the case that started it. */
	cluster_id: string;
	started_at: string;
	last_at: string;
	representative: { case_key: string; ref: string; subject: string };
	samples: { k: string; text: string }[];
	/** Every case that joined, oldest first: the window is applied when it is read (`summarise`),
	 * and a cluster takes no new case once its last one has left the window, which bounds it. */
	members: ClusterMember[];
	status: ClusterStatus;
	history: ClusterStatusChange[];
}

export const clusterDocId = (entityId: string, firstCaseKey: string) => `cluster:${entityId}:${firstCaseKey}`;

/** The status a cluster had at `at`, from its history (open before any change). */
function statusAt(history: readonly ClusterStatusChange[], at: string): ClusterStatus {
	let status: ClusterStatus = 'open';
	for (const change of history) if (change.at <= at) status = change.status;
	return status;
}

/** What a rebuild keeps of a cluster that existed before it: the study of it is the entity's work. */
export type CarriedStudy = Pick<ClusterDoc, 'status' | 'history'>;

/** A case read from the store, replicated from devices: its texts and citizen may be missing. */
type StoredCase = Omit<CaseDoc, 'subject' | 'body' | 'citizen_id'> & Partial<Pick<CaseDoc, 'subject' | 'body' | 'citizen_id'>>;

/** Whether a case is one the clusters follow: complaints and inquiries, with an entity and a time.
 * Any document of the store may be asked, hence its type as a plain string. */
export function clusteredCase(caseDoc: Pick<CaseDoc, 'case_type' | 'entity_id' | 'created_at'> & { type: string }): boolean {
	return caseDoc.type === DOC_TYPES.CASE && caseDoc.case_type !== 'suggestion' && !!caseDoc.entity_id && !!caseDoc.created_at;
}

export function comparedText(caseDoc: Partial<Pick<CaseDoc, 'subject' | 'body'>>): string {
	return `${caseDoc.subject ?? ''} ${caseDoc.body ?? ''}`.slice(0, COMPARED_CHARS);
}

export function placeKey(location: GeoPoint | null | undefined): string | null {
	if (!location || !Number.isFinite(location.lat) || !Number.isFinite(location.lng)) return null;
	return `${location.lat.toFixed(PLACE_DECIMALS)},${location.lng.toFixed(PLACE_DECIMALS)}`;
}

/** FNV-1a, 32 bits: enough to tell people apart inside one cluster, and no way back to the id. */
export function personHash(id: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		hash ^= id.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(16).padStart(8, '0');
}

/** Cases in arrival order, then by key: the one order every path clusters them in. */
export function arrivalOrder(a: Pick<CaseDoc, 'created_at' | 'case_key'>, b: Pick<CaseDoc, 'created_at' | 'case_key'>): number {
	return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.case_key < b.case_key ? -1 : a.case_key > b.case_key ? 1 : 0;
}

const windowStart = (at: string, windowDays: number) => new Date(Date.parse(at) - windowDays * DAY_MS).toISOString();

interface Entry {
	doc: ClusterDoc;
	/** Each sample's prepared text, by case key. */
	samples: Map<string, PreparedText>;
	/** One of its texts names no number. */
	numberless: boolean;
}

/** The clusters of one entity still open to new members, indexed by the stemmed words and the
 * numbers of their texts. A case is scored only against clusters it shares a word with (without
 * one, every word overlap of the score is 0 and it cannot reach the threshold in practice), and,
 * when it names numbers, only against clusters with a text naming one of them or none (against a
 * text whose numbers all differ the score ends under `NUMBER_MISMATCH_CEILING`, below the
 * threshold): road and block numbers are what keeps a year of one entity's complaints from being
 * scored against each other. */
export class ClusterIndex {
	private readonly entries = new Map<string, Entry>();
	private readonly byWord = new Map<string, Set<string>>();
	/** The same, for clusters one of whose texts names no number. */
	private readonly byWordNumberless = new Map<string, Set<string>>();
	/** From each number named to the clusters whose texts name it. */
	private readonly byNumber = new Map<string, Set<string>>();
	private expiredDay = '';
	/** The window start the clusters were last expired at: a case whose window starts earlier may
	 * belong to a cluster this index has already forgotten. */
	private expiredSince = '';
	/** Cases already in a cluster: a replayed case changes nothing. */
	private readonly members = new Set<string>();
	readonly changed = new Map<string, ClusterDoc>();
	/** Each case added, with the id of the cluster it went to. */
	readonly placed = new Map<string, string>();

	constructor(
		readonly entityId: string,
		readonly windowDays: number = DEFAULT_CLUSTER_WINDOW_DAYS,
		readonly threshold: number = SIMILAR_THRESHOLD,
		private readonly carried: ReadonlyMap<string, CarriedStudy> = new Map()
	) {}

	load(docs: Iterable<ClusterDoc>): void {
		for (const doc of docs) if (doc.entity_id === this.entityId) this.put(doc);
	}

	/** Forgets what the last batch changed, once it is written. */
	startBatch(): void {
		this.changed.clear();
		this.placed.clear();
	}

	/** Whether a case that arrived at `at` can still be placed here: cases come in arrival order,
	 * except a case transferred in from another entity, which may be older than what was placed. */
	canPlace(at: string): boolean {
		return windowStart(at, this.windowDays) >= this.expiredSince;
	}

	has(caseKey: string): boolean {
		return this.members.has(caseKey);
	}

	/** Puts the case into its cluster; returns that cluster, or null when the case was already in
	 * one or is not followed. Cases must come in `arrivalOrder`. */
	add(caseDoc: StoredCase): ClusterDoc | null {
		if (!clusteredCase(caseDoc) || caseDoc.entity_id !== this.entityId || this.members.has(caseDoc.case_key)) return null;
		const text = comparedText(caseDoc);
		const prepared = prepareText(text);
		const since = windowStart(caseDoc.created_at, this.windowDays);
		this.expire(since);
		const best = this.best(prepared, since);
		const member: ClusterMember = { k: caseDoc.case_key, at: caseDoc.created_at, c: caseDoc.category_id, p: placeKey(caseDoc.location), u: personHash(caseDoc.citizen_id ?? '') };
		// A case transferred away and back that matches no cluster returns to the one it started,
		// which holds its id.
		const home = best ? null : this.entries.get(clusterDocId(this.entityId, caseDoc.case_key));
		const doc = best ? joined(best.doc, member, text) : home ? joined(home.doc, member, text) : started(caseDoc, member, text, this.carried);
		this.put(doc, { k: caseDoc.case_key, prepared });
		this.changed.set(doc._id, doc);
		this.placed.set(caseDoc.case_key, doc._id);
		return doc;
	}

	/** The clusters worth scoring: those sharing a number with the case (or with a text naming
	 * none), else — for a case naming no number — those sharing a word. */
	private *candidates(prepared: PreparedText): Generator<Entry> {
		const seen = new Set<string>();
		const numbered = prepared.numbers.size > 0 && this.threshold > NUMBER_MISMATCH_CEILING;
		const indexes = numbered
			? [[...prepared.numbers].map((n) => this.byNumber.get(n)), [...prepared.words].map((w) => this.byWordNumberless.get(w))]
			: [[...prepared.words].map((w) => this.byWord.get(w))];
		for (const sets of indexes) {
			for (const ids of sets) {
				for (const id of ids ?? []) {
					if (seen.has(id)) continue;
					seen.add(id);
					const entry = this.entries.get(id);
					// unindex removes an id from every index along with its entry.
					if (!entry) throw new TypeError(`cluster ${id} is indexed but not held`);
					yield entry;
				}
			}
		}
	}

	private best(prepared: PreparedText, since: string): Entry | null {
		let best: Entry | null = null;
		let bestScore = this.threshold;
		for (const entry of this.candidates(prepared)) {
			if (entry.doc.last_at < since) continue;
			let score = 0;
			for (const p of entry.samples.values()) score = Math.max(score, similarity(prepared, p));
			// Ties go to the older cluster, then the smaller id: the choice never depends on map order.
			if (score > bestScore || (score === bestScore && (!best || earlier(entry.doc, best.doc)))) {
				best = entry;
				bestScore = score;
			}
		}
		return best;
	}

	/** Forgets the clusters whose last member left the window (they take no new members); at most
	 * once a day of arrivals, since `best` passes over them meanwhile. */
	private expire(since: string): void {
		const day = since.slice(0, 10);
		if (day === this.expiredDay) return;
		this.expiredDay = day;
		this.expiredSince = since;
		for (const [id, entry] of this.entries) {
			if (entry.doc.last_at >= since) continue;
			this.unindex(id, entry);
			for (const m of entry.doc.members) this.members.delete(m.k);
		}
	}

	private unindex(id: string, entry: Entry): void {
		this.entries.delete(id);
		for (const p of entry.samples.values()) {
			for (const word of p.words) {
				this.byWord.get(word)?.delete(id);
				this.byWordNumberless.get(word)?.delete(id);
			}
			for (const n of p.numbers) this.byNumber.get(n)?.delete(id);
		}
	}

	private put(doc: ClusterDoc, fresh?: { k: string; prepared: PreparedText }): void {
		const old = this.entries.get(doc._id);
		if (old) this.unindex(doc._id, old);
		const samples = new Map<string, PreparedText>();
		for (const s of doc.samples) samples.set(s.k, s.k === fresh?.k ? fresh.prepared : (old?.samples.get(s.k) ?? prepareText(s.text)));
		const all = [...samples.values()];
		const numberless = all.some((p) => p.numbers.size === 0);
		this.entries.set(doc._id, { doc, samples, numberless });
		for (const p of all) {
			for (const word of p.words) {
				addTo(this.byWord, word, doc._id);
				if (numberless) addTo(this.byWordNumberless, word, doc._id);
			}
			for (const n of p.numbers) addTo(this.byNumber, n, doc._id);
		}
		for (const m of doc.members) this.members.add(m.k);
	}
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
	let ids = index.get(key);
	if (!ids) index.set(key, (ids = new Set()));
	ids.add(id);
}

function earlier(a: ClusterDoc, b: ClusterDoc): boolean {
	return a.started_at < b.started_at || (a.started_at === b.started_at && a._id < b._id);
}

function started(caseDoc: StoredCase, member: ClusterMember, text: string, carried: ReadonlyMap<string, CarriedStudy>): ClusterDoc {
	const id = clusterDocId(caseDoc.entity_id, caseDoc.case_key);
	const study = carried.get(id);
	return {
		_id: id,
		type: DOC_TYPES.CLUSTER,
		entity_id: caseDoc.entity_id,
		cluster_id: caseDoc.case_key,
		started_at: caseDoc.created_at,
		last_at: caseDoc.created_at,
		representative: { case_key: caseDoc.case_key, ref: caseDoc.ref, subject: (caseDoc.subject ?? '').slice(0, 200) },
		samples: [{ k: caseDoc.case_key, text }],
		members: [member],
		status: study?.status ?? 'open',
		history: study?.history ?? []
	};
}

function joined(doc: ClusterDoc, member: ClusterMember, text: string): ClusterDoc {
	const flagged: ClusterMember = statusAt(doc.history, member.at) === 'fixed' ? { ...member, f: 1 } : member;
	// The first case's text stays: it is what the cluster is about; the latest ones follow its drift.
	const first = doc.samples.at(0);
	const rest = doc.samples.slice(1);
	const samples = first ? [first, ...[...rest, { k: member.k, text }].slice(-(CLUSTER_SAMPLES - 1))] : [{ k: member.k, text }];
	return {
		...doc,
		last_at: member.at > doc.last_at ? member.at : doc.last_at,
		samples,
		members: [...doc.members, flagged]
	};
}

/** The cluster without the cases that left its entity (transferred): their texts stop attracting
 * new cases, and a representative that left is shown by its subject alone, since the entity can no
 * longer open it. Null when no case is left: the cluster is then deleted. */
export function withoutMembers(doc: ClusterDoc, leaving: ReadonlySet<string>): ClusterDoc | null {
	const members = doc.members.filter((m) => !leaving.has(m.k));
	if (members.length === doc.members.length) return doc;
	if (members.length === 0) return null;
	const samples = doc.samples.filter((s) => !leaving.has(s.k));
	const representative = leaving.has(doc.representative.case_key) ? { case_key: '', ref: '', subject: doc.representative.subject } : doc.representative;
	// With no sample left the cluster attracts no new case; its other cases stay counted in it.
	return { ...doc, members, samples, representative, last_at: members.reduce((last, m) => (m.at > last ? m.at : last), members[0].at) };
}

type ClusterTrend = 'rising' | 'steady' | 'falling';

export interface ClusterSummary {
	id: string;
	entity_id: string;
	representative: ClusterDoc['representative'];
	status: ClusterStatus;
	status_at: string | null;
	started_at: string;
	last_at: string;
	/** Cases inside the window ending now. */
	size: number;
	/** Different people among them. */
	people: number;
	this_week: number;
	/** Mean cases a week over the weeks before this one (at most four, inside the window). */
	weekly_before: number;
	trend: ClusterTrend;
	places: { place: string; count: number }[];
	categories: { category_id: string; count: number }[];
	/** Cases that joined after the root cause was marked fixed. */
	after_fix: number;
	/** Newest first. */
	case_keys: string[];
}

function counted(values: (string | null)[], limit: number): { key: string; count: number }[] {
	const counts = new Map<string, number>();
	for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
	return [...counts]
		.map(([key, count]) => ({ key, count }))
		.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
		.slice(0, limit);
}

/** What a cluster shows at `now`: the members inside the window, the trend of this week against
 * the weeks before it. Rising: this week is above half again the weekly mean before it and at least
 * two cases; falling: below half of it. */
export function summarise(doc: ClusterDoc, now: Date, windowDays = DEFAULT_CLUSTER_WINDOW_DAYS, maxKeys = 50): ClusterSummary {
	const nowIso = now.toISOString();
	const since = windowStart(nowIso, windowDays);
	const members = doc.members.filter((m) => m.at >= since && m.at <= nowIso);
	const weekStart = new Date(now.getTime() - WEEK_DAYS * DAY_MS).toISOString();
	const weeks = Math.max(0, Math.min(TREND_WEEKS, Math.floor(windowDays / WEEK_DAYS) - 1));
	const beforeStart = new Date(now.getTime() - (weeks + 1) * WEEK_DAYS * DAY_MS).toISOString();
	const thisWeek = members.filter((m) => m.at > weekStart).length;
	const before = members.filter((m) => m.at > beforeStart && m.at <= weekStart).length;
	const weeklyBefore = weeks > 0 ? Math.round((before / weeks) * 100) / 100 : 0;
	const trend: ClusterTrend = thisWeek >= 2 && thisWeek > weeklyBefore * 1.5 ? 'rising' : thisWeek < weeklyBefore / 2 ? 'falling' : 'steady';
	const lastChange = doc.history.at(-1);
	return {
		id: doc.cluster_id,
		entity_id: doc.entity_id,
		representative: doc.representative,
		status: doc.status,
		status_at: lastChange?.at ?? null,
		started_at: doc.started_at,
		last_at: doc.last_at,
		size: members.length,
		people: new Set(members.map((m) => m.u)).size,
		this_week: thisWeek,
		weekly_before: weeklyBefore,
		trend,
		places: counted(
			members.map((m) => m.p),
			5
		).map(({ key, count }) => ({ place: key, count })),
		categories: counted(
			members.map((m) => m.c),
			5
		).map(({ key, count }) => ({ category_id: key, count })),
		after_fix: members.filter((m) => m.f).length,
		case_keys: members
			.slice(-maxKeys)
			.map((m) => m.k)
			.reverse()
	};
}

/** The most repeated first: by different people (so one person's many cases cannot bury what many
 * report), then by cases, then the latest activity; clusters of one case are left out. */
export function topClusters(summaries: ClusterSummary[], limit: number): ClusterSummary[] {
	return summaries
		.filter((s) => s.size >= 2)
		.sort((a, b) => b.people - a.people || b.size - a.size || (a.last_at > b.last_at ? -1 : a.last_at < b.last_at ? 1 : a.id < b.id ? -1 : 1))
		.slice(0, limit);
}
