/** The most similar recent cases of the same entity and kind (issue 13): a view of `cases` by entity and
 * arrival time gives the entity's cases of the last `windowDays` days (at most `MAX_CANDIDATES`, the
 * newest first), and each is scored against the case with the production `similarity`. */
import { DB, type CaseDoc } from '../../../src/lib/domain/doc-types.js';
import { prepareText, similarity, SIMILAR_THRESHOLD } from '../../../src/lib/domain/similar.js';
import { comparedText } from '../../../src/lib/domain/clusters.js';
import { isSuggestion } from '../../../src/lib/domain/duplicates.js';
import type { Store } from '../store.js';
import { ensureDesignDoc } from '../store-design.js';

const SIMILAR_DESIGN_ID = '_design/similar';
const VIEW = 'recent';
/** Each case's text as compared: its subject and the start of its body (ES5, for CouchDB). */
const RECENT_MAP = `function (doc) {
  if (doc.type !== 'case' || !doc.entity_id || !doc.created_at) return;
  emit([doc.entity_id, doc.created_at], { ref: doc.ref, subject: doc.subject || '', text: ((doc.subject || '') + ' ' + (doc.body || '')).slice(0, 1000), category_id: doc.category_id, status: doc.status, suggestion: doc.case_type === 'suggestion' });
}`;
const MAX_CANDIDATES = 2000;
const DAY_MS = 86_400_000;

export function ensureSimilarViews(store: Store): Promise<void> {
	return ensureDesignDoc(store, DB.CASES, SIMILAR_DESIGN_ID, { views: { [VIEW]: { map: RECENT_MAP } } });
}

export interface SimilarCase {
	case_key: string;
	ref: string;
	subject: string;
	category_id: string;
	status: string;
	created_at: string;
	score: number;
	/** At or above the production threshold: staff see it as a possible duplicate. */
	possible_duplicate: boolean;
	/** Already linked to the case, either way round: staff are not offered the link again. */
	linked: boolean;
}

interface RecentRow {
	id: string;
	key: [string, string];
	value: { ref: string; subject: string; text: string; category_id: string; status: string; suggestion: boolean };
}

export async function similarCases(store: Store, caseDoc: CaseDoc, options: { limit: number; windowDays: number; now: Date }): Promise<SimilarCase[]> {
	const since = new Date(options.now.getTime() - options.windowDays * DAY_MS).toISOString();
	const result = await store.use(DB.CASES).view<RecentRow['value']>('similar', VIEW, {
		startkey: [caseDoc.entity_id, '\ufff0'],
		endkey: [caseDoc.entity_id, since],
		descending: true,
		limit: MAX_CANDIDATES + 1
	});
	const self = prepareText(comparedText(caseDoc));
	const linked = new Set([caseDoc.linked_to?.case_key, ...(caseDoc.duplicates ?? []).map((d) => d.case_key)]);
	const scored: SimilarCase[] = [];
	for (const row of result.rows) {
		// Suggestions are compared with suggestions, complaints and inquiries with each other: only
		// those can be linked (domain/duplicates.ts).
		if (row.id === caseDoc._id || row.value.suggestion !== isSuggestion(caseDoc)) continue;
		const score = similarity(self, row.value.text);
		if (score <= 0) continue;
		const caseKey = row.id.slice('case:'.length);
		scored.push({
			case_key: caseKey,
			ref: row.value.ref,
			subject: row.value.subject,
			category_id: row.value.category_id,
			status: row.value.status,
			created_at: row.key[1],
			score,
			possible_duplicate: score >= SIMILAR_THRESHOLD,
			linked: linked.has(caseKey)
		});
	}
	// Highest score first; on a tie the newer case, then the key, so the order is fixed.
	scored.sort((a, b) => b.score - a.score || b.created_at.localeCompare(a.created_at) || a.case_key.localeCompare(b.case_key));
	return scored.slice(0, options.limit);
}
