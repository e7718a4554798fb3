import { describe, it, expect } from 'vitest';
import { makeCase } from '../../../tests/support/stats-cases';
import type { CaseDoc } from './doc-types';
import { arrivalOrder, ClusterIndex, clusterTransitionAllowed, personHash, placeKey, summarise, topClusters, withoutMembers, type ClusterDoc } from './clusters';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T08:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const LIGHT = ['الليت طافي في شارع ٣٢ مجمع ٣٣٨', 'إنارة الشارع مطفأة في طريق 32 مجمع 338', 'Street light off in Road 32 Block 338', 'اضاءة الشارع طافية طريق ٣٢ مجمع ٣٣٨'];
const WATER = ['الماي مقطوع عن البيت في مجمع 712', 'انقطاع المياه عن المنزل مجمع ٧١٢', 'ماي مقطوع من الصبح مجمع 712'];

function caseOf(subject: string, days: number, extra: Partial<CaseDoc> = {}): CaseDoc {
	return makeCase({ at: at(days), subject, body: '', citizen_id: `c-${subject.length}-${days}`, ...extra });
}

function cluster(cases: CaseDoc[], windowDays = 90): ClusterIndex {
	const index = new ClusterIndex('works', windowDays);
	for (const c of [...cases].sort(arrivalOrder)) index.add(c);
	return index;
}

const docs = (index: ClusterIndex) => [...index.changed.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
const sizes = (index: ClusterIndex) =>
	docs(index)
		.map((d) => d.members.length)
		.sort();

describe('ClusterIndex', () => {
	it('puts paraphrases of one complaint into one cluster and another problem into its own', () => {
		const index = cluster([...LIGHT.map((s, i) => caseOf(s, i)), ...WATER.map((s, i) => caseOf(s, i + 0.5))]);
		expect(sizes(index)).toEqual([3, 4]);
		const light = docs(index).find((d) => d.members.length === 4)!;
		expect(light.representative.subject).toBe(LIGHT[0]);
	});

	it('keeps the same problem in another block apart, and a text naming no number with its kind', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf('إنارة الشارع مطفأة في طريق 45 مجمع 512', 1), caseOf('الليت طافي في الشارع', 2)]);
		expect(sizes(index)).toEqual([1, 2]);
		const [withNumbers] = docs(index).filter((d) => d.members.length === 2);
		expect(withNumbers.representative.subject).toBe(LIGHT[0]);
	});

	it('starts a cluster for a case like none before it, named after that case', () => {
		const first = caseOf(LIGHT[0], 0);
		const index = cluster([first]);
		expect(docs(index)).toHaveLength(1);
		expect(docs(index)[0]._id).toBe(`cluster:works:${first.case_key}`);
	});

	it('adds nothing when a case is added again (a replay)', () => {
		const cases = LIGHT.map((s, i) => caseOf(s, i));
		const index = cluster(cases);
		expect(index.add(cases[1])).toBeNull();
		const reloaded = new ClusterIndex('works');
		reloaded.load(docs(index));
		expect(reloaded.add(cases[2])).toBeNull();
		expect(docs(index)[0].members).toHaveLength(4);
	});

	it('keeps cases of other entities and suggestions out', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 1, { entity_id: 'health' }), caseOf(LIGHT[2], 2, { case_type: 'suggestion' })]);
		expect(sizes(index)).toEqual([1]);
	});

	it('does not let a cluster whose last case left the window take a new one', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 31)], 30);
		expect(sizes(index)).toEqual([1, 1]);
		const within = cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 29)], 30);
		expect(sizes(within)).toEqual([2]);
	});

	it('keeps a cluster going while its cases keep coming, and counts only those inside the window', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 20), caseOf(LIGHT[2], 40)], 30);
		const [doc] = docs(index);
		expect(doc.members.map((m) => m.at)).toEqual([at(0), at(20), at(40)]);
		expect(summarise(doc, new Date(at(41)), 30).size).toBe(2);
		expect(doc.representative.subject).toBe(LIGHT[0]);
	});

	it('gives the same clusters whatever order the cases were handed in', () => {
		const cases = [...LIGHT.map((s, i) => caseOf(s, i * 2)), ...WATER.map((s, i) => caseOf(s, i * 2 + 1))];
		const a = cluster(cases);
		const b = cluster([...cases].reverse());
		expect(docs(b)).toEqual(docs(a));
	});

	it('flags a case that joins a cluster whose root cause was marked fixed', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 1)]);
		const [doc] = docs(index);
		const fixed: ClusterDoc = { ...doc, status: 'fixed', history: [{ status: 'fixed', at: at(2), by: 'm1' }] };
		const next = new ClusterIndex('works');
		next.load([fixed]);
		const after = next.add(caseOf(LIGHT[2], 3))!;
		expect(after.members.map((m) => m.f ?? 0)).toEqual([0, 0, 1]);
		expect(summarise(after, new Date(at(3))).after_fix).toBe(1);
	});
});

describe('a case transferred away', () => {
	const light = () => docs(cluster(LIGHT.map((s, i) => caseOf(s, i))))[0];

	it('leaves the cluster, which keeps its other cases and ends at their latest', () => {
		const doc = light();
		const [first, , , last] = doc.members.map((m) => m.k);
		const after = withoutMembers(doc, new Set([first, last]))!;
		expect(after.members.map((m) => m.k)).toEqual(doc.members.slice(1, 3).map((m) => m.k));
		expect(after.samples.map((s) => s.k)).not.toContain(first);
		expect(after.representative).toEqual({ case_key: '', ref: '', subject: LIGHT[0] });
		expect(after.last_at).toBe(at(2));
		expect(withoutMembers(doc, new Set(['another']))).toBe(doc);
		expect(withoutMembers(doc, new Set(doc.members.map((m) => m.k)))).toBeNull();
	});

	it('returns to the cluster it started when it comes back and matches no other', () => {
		const cases = LIGHT.map((s, i) => caseOf(s, i));
		const doc = docs(cluster(cases))[0];
		const index = new ClusterIndex('works');
		index.load([withoutMembers(doc, new Set([cases[0].case_key]))!]);
		const back = index.add({ ...cases[0], subject: WATER[0] })!;
		// Its own id is taken by the cluster it started: it joins it rather than write over it.
		expect(back._id).toBe(doc._id);
		expect(back.members.map((m) => m.k)).toEqual([...doc.members.slice(1).map((m) => m.k), cases[0].case_key]);
	});

	it('is placed by an index only if the index has not forgotten the clusters of its window', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(WATER[0], 200)]);
		expect(index.canPlace(at(200))).toBe(true);
		expect(index.canPlace(at(199))).toBe(false);
	});
});

describe('summarise', () => {
	it('counts this week against the mean of the weeks before it', () => {
		const cases = [caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 8), ...[0, 1, 2, 3].map((i) => caseOf(LIGHT[(i % 3) + 1], 28 + i * 0.5))];
		const [doc] = docs(cluster(cases));
		const s = summarise(doc, new Date(at(30)));
		expect(s.size).toBe(6);
		expect(s.this_week).toBe(4);
		expect(s.weekly_before).toBe(0.5);
		expect(s.trend).toBe('rising');
		const later = summarise(doc, new Date(at(45)));
		expect(later.this_week).toBe(0);
		expect(later.trend).toBe('falling');
	});

	it('counts only the members inside the window ending now', () => {
		const [doc] = docs(cluster([caseOf(LIGHT[0], 0), caseOf(LIGHT[1], 50)]));
		expect(summarise(doc, new Date(at(60))).size).toBe(2);
		expect(summarise(doc, new Date(at(100))).size).toBe(1);
		expect(summarise(doc, new Date(at(100)), 90).case_keys).toEqual([doc.members[1].k]);
	});

	it('gives coarse places and categories, most frequent first, and people counted once', () => {
		const loc = { lat: 26.2235, lng: 50.5876 };
		const cases = [
			caseOf(LIGHT[0], 0, { location: loc, citizen_id: 'same' }),
			caseOf(LIGHT[1], 1, { location: { lat: 26.2241, lng: 50.5849 }, citizen_id: 'same' }),
			caseOf(LIGHT[2], 2, { location: null, category_id: 'works-lights' })
		];
		const [doc] = docs(cluster(cases));
		const s = summarise(doc, new Date(at(3)));
		expect(s.places).toEqual(
			[
				{ place: '26.22,50.59', count: 1 },
				{ place: '26.22,50.58', count: 1 }
			].sort((a, b) => (a.place < b.place ? -1 : 1))
		);
		expect(s.categories[0]).toEqual({ category_id: 'works-potholes', count: 2 });
		expect(s.people).toBe(2);
		expect(JSON.stringify(doc)).not.toContain('same');
	});
});

describe('topClusters', () => {
	it('ranks by different people, so one person repeating a case does not bury others', () => {
		const spam = Array.from({ length: 30 }, (_, i) => caseOf(WATER[i % 3], i * 0.01, { citizen_id: 'spammer' }));
		const real = LIGHT.map((s, i) => caseOf(s, i * 0.01));
		const index = cluster([...spam, ...real]);
		const top = topClusters(
			docs(index).map((d) => summarise(d, new Date(at(1)))),
			5
		);
		expect(top.map((s) => s.size)).toEqual([4, 30]);
		expect(top[1].people).toBe(1);
	});

	it('leaves clusters of one case out', () => {
		const index = cluster([caseOf(LIGHT[0], 0), caseOf(WATER[0], 0)]);
		expect(
			topClusters(
				docs(index).map((d) => summarise(d, new Date(at(1)))),
				5
			)
		).toEqual([]);
	});
});

describe('helpers', () => {
	it.each([
		['open', 'under_study', true],
		['under_study', 'fixed', true],
		['fixed', 'under_study', true],
		['open', 'fixed', false],
		['fixed', 'open', false]
	] as const)('%s → %s allowed: %s', (from, to, allowed) => {
		expect(clusterTransitionAllowed(from, to)).toBe(allowed);
	});

	it('rounds places and hashes people without revealing them', () => {
		expect(placeKey({ lat: 26.2235, lng: 50.5876 })).toBe('26.22,50.59');
		expect(placeKey(null)).toBeNull();
		expect(personHash('c1')).toMatch(/^[0-9a-f]{8}$/);
		expect(personHash('c1')).not.toBe(personHash('c2'));
	});
});
