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
import { prepareText, similarity, SIMILAR_THRESHOLD, type PreparedText } from './similar.js';

export { CLUSTER_STATUSES, clusterTransitionAllowed, type ClusterStatus } from './cluster-status.js';

export const DEFAULT_CLUSTER_WINDOW_DAYS = 90;
/** Texts a cluster is compared on: its first case's and its latest cases'. */
export const CLUSTER_SAMPLES = 4;
/** Characters of a case compared: its subject and the start of its body, as the lookup does. */
export const COMPARED_CHARS = 1000;
/** Decimals kept of a position: about a kilometre, an area rather than a house. */
const PLACE_DECIMALS = 2;
const DAY_MS = 86_400_000;
/** The highest score two texts whose numbers all differ can have (`similarity` halves it, and
 * two such texts never score 1 before halving, since their number tokens differ). */
const NUMBER_MISMATCH_CEILING = 0.5;
const WEEK_DAYS = 7;
/** Weeks before this one that the trend compares with. */
const TREND_WEEKS = 4;

/** One case of a cluster, in short keys: a cluster may hold thousands. No personal data: `u` is
 * a hash of the citizen's id, only ever counted, so one person's many cases count as one person. */
export interface ClusterMember {
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

export interface ClusterStatusChange {
	status: ClusterStatus;
	at: string;
	by: string;
}

export interface ClusterDoc {
	_id: string;
	_rev?: string;
	type: typeof DOC_TYPES.CLUSTER;
	entity_id: string;
	/** The key of the case that started it. */
	cluster_id: string;
	started_at: string;
	last_at: string;
	representative: { case_key: string; ref: string; subject: string };
	samples: { k: string; text: string }[];
	/** The members inside the window at the latest arrival, oldest first. */
	members: ClusterMember[];
	/** Every case that ever joined. */
	total: number;
	status: ClusterStatus;
	history: ClusterStatusChange[];
}

export const clusterDocId = (entityId: string, firstCaseKey: string) => `cluster:${entityId}:${firstCaseKey}`;

/** The status a cluster had at `at`, from its history (open before any change). */
export function statusAt(history: readonly ClusterStatusChange[], at: string): ClusterStatus {
	let status: ClusterStatus = 'open';
	for (const change of history) if (change.at <= at) status = change.status;
	return status;
}

/** What a rebuild keeps of a cluster that existed before it: the study of it is the entity's work. */
export type CarriedStudy = Pick<ClusterDoc, 'status' | 'history'>;

/** Whether a case is one the clusters follow: complaints and inquiries, with an entity and a time. */
export function clusteredCase(caseDoc: Pick<CaseDoc, 'type' | 'case_type' | 'entity_id' | 'created_at'>): boolean {
	return caseDoc.type === DOC_TYPES.CASE && caseDoc.case_type !== 'suggestion' && !!caseDoc.entity_id && !!caseDoc.created_at;
}

export function comparedText(caseDoc: Pick<CaseDoc, 'subject' | 'body'>): string {
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
	prepared: PreparedText[];
	/** Every number its texts name, and whether one of them names none. */
	numbers: Set<string>;
	numberless: boolean;
}

/** Whether a text naming `numbers` can reach the threshold against this cluster: against a text
 * whose numbers are all different, the score is halved, below any threshold over one half. */
function mayMatch(numbers: Set<string>, entry: Entry): boolean {
	if (numbers.size === 0 || entry.numberless) return true;
	for (const n of numbers) if (entry.numbers.has(n)) return true;
	return false;
}

/** The clusters of one entity still open to new members, with an index from each stemmed word to
 * the clusters whose texts hold it: a case is scored only against clusters it shares a word with
 * (without one, the word half of the score is 0 and it cannot reach the threshold in practice). */
export class ClusterIndex {
	private readonly entries = new Map<string, Entry>();
	private readonly byWord = new Map<string, Set<string>>();
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

	has(caseKey: string): boolean {
		return this.members.has(caseKey);
	}

	/** Puts the case into its cluster; returns that cluster, or null when the case was already in
	 * one or is not followed. Cases must come in `arrivalOrder`. */
	add(caseDoc: CaseDoc): ClusterDoc | null {
		if (!clusteredCase(caseDoc) || caseDoc.entity_id !== this.entityId || this.members.has(caseDoc.case_key)) return null;
		const text = comparedText(caseDoc);
		const prepared = prepareText(text);
		const since = windowStart(caseDoc.created_at, this.windowDays);
		this.expire(since);
		const best = this.best(prepared);
		const member: ClusterMember = { k: caseDoc.case_key, at: caseDoc.created_at, c: caseDoc.category_id, p: placeKey(caseDoc.location), u: personHash(caseDoc.citizen_id ?? '') };
		const doc = best ? joined(best.doc, member, text, since) : started(caseDoc, member, text, this.carried);
		this.put(doc);
		this.changed.set(doc._id, doc);
		this.placed.set(caseDoc.case_key, doc._id);
		return doc;
	}

	private best(prepared: PreparedText): Entry | null {
		const seen = new Set<string>();
		let best: Entry | null = null;
		let bestScore = this.threshold;
		for (const word of prepared.words) {
			for (const id of this.byWord.get(word) ?? []) {
				if (seen.has(id)) continue;
				seen.add(id);
				const entry = this.entries.get(id)!;
				if (this.threshold >= NUMBER_MISMATCH_CEILING && !mayMatch(prepared.numbers, entry)) continue;
				const score = Math.max(...entry.prepared.map((p) => similarity(prepared, p)));
				// Ties go to the older cluster, then the smaller id: the choice never depends on map order.
				if (score > bestScore || (score === bestScore && (!best || earlier(entry.doc, best.doc)))) {
					best = entry;
					bestScore = score;
				}
			}
		}
		return best;
	}

	/** Clusters whose last member left the window take no new members. */
	private expire(since: string): void {
		for (const [id, entry] of this.entries) {
			if (entry.doc.last_at >= since) continue;
			this.entries.delete(id);
			for (const p of entry.prepared) for (const word of p.words) this.byWord.get(word)?.delete(id);
		}
	}

	private put(doc: ClusterDoc): void {
		const old = this.entries.get(doc._id);
		if (old) for (const p of old.prepared) for (const word of p.words) this.byWord.get(word)?.delete(doc._id);
		const prepared = doc.samples.map((s) => prepareText(s.text));
		const numbers = new Set(prepared.flatMap((p) => [...p.numbers]));
		this.entries.set(doc._id, { doc, prepared, numbers, numberless: prepared.some((p) => p.numbers.size === 0) });
		for (const p of prepared) {
			for (const word of p.words) {
				let ids = this.byWord.get(word);
				if (!ids) this.byWord.set(word, (ids = new Set()));
				ids.add(doc._id);
			}
		}
		for (const m of doc.members) this.members.add(m.k);
	}
}

function earlier(a: ClusterDoc, b: ClusterDoc): boolean {
	return a.started_at < b.started_at || (a.started_at === b.started_at && a._id < b._id);
}

function started(caseDoc: CaseDoc, member: ClusterMember, text: string, carried: ReadonlyMap<string, CarriedStudy>): ClusterDoc {
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
		total: 1,
		status: study?.status ?? 'open',
		history: study?.history ?? []
	};
}

function joined(doc: ClusterDoc, member: ClusterMember, text: string, since: string): ClusterDoc {
	const flagged: ClusterMember = statusAt(doc.history, member.at) === 'fixed' ? { ...member, f: 1 } : member;
	// The first case's text stays: it is what the cluster is about; the latest ones follow its drift.
	const [first, ...rest] = doc.samples;
	const samples = [first, ...[...rest, { k: member.k, text }].slice(-(CLUSTER_SAMPLES - 1))];
	return {
		...doc,
		last_at: member.at > doc.last_at ? member.at : doc.last_at,
		samples,
		members: [...doc.members.filter((m) => m.at >= since), flagged],
		total: doc.total + 1
	};
}

export type ClusterTrend = 'rising' | 'steady' | 'falling';

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
		places: counted(members.map((m) => m.p), 5).map(({ key, count }) => ({ place: key, count })),
		categories: counted(members.map((m) => m.c), 5).map(({ key, count }) => ({ category_id: key, count })),
		after_fix: members.filter((m) => m.f).length,
		case_keys: members.slice(-maxKeys).map((m) => m.k).reverse()
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
