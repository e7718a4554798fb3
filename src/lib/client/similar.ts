import type { CaseStatus } from '$lib/domain/doc-types';
import { request } from './api';

/** One case of GET /api/cases/:case_key/similar (issue 13): no personal data, only what staff
 * need to tell whether it is the same case. */
export interface SimilarCase {
	case_key: string;
	ref: string;
	subject: string;
	category_id: string;
	status: CaseStatus;
	created_at: string;
	score: number;
	possible_duplicate: boolean;
	/** Already linked to the case, either way round. */
	linked: boolean;
}

interface SimilarAnswer {
	case_key: string;
	threshold: number;
	window_days: number;
	cases: SimilarCase[];
}

const SIMILAR_SHOWN = 5;
/** Characters of a subject shown in the list: enough to recognise the case. */
const SUBJECT_SHOWN = 80;

/** The possible duplicates of a case: those at or above the production threshold, best first. */
export async function possibleDuplicates(caseKey: string): Promise<SimilarCase[]> {
	const answer = await request<SimilarAnswer>('GET', `/api/cases/${encodeURIComponent(caseKey)}/similar?limit=${SIMILAR_SHOWN}`);
	return answer.cases.filter((c) => c.possible_duplicate);
}

export function shortSubject(subject: string, max = SUBJECT_SHOWN): string {
	// Code points, so a subject is never cut inside a surrogate pair.
	const chars = Array.from(subject.trim());
	return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
