/** Anonymous public reporting (issue 14, identity levels): what may be reported with no one named,
 * from one's own phone without an account (sync-server/src/report/anonymous.ts) or at a kiosk
 * without a phone (kiosk-session.ts adds suggestions to it). */
import type { CaseType, CategoryDoc } from './doc-types.js';

type Identity = Pick<CategoryDoc, 'identity' | 'case_types'>;

/** Whether a case of this type may be reported anonymously in this category: one of anonymous
 * reporting that takes the type. */
export function reportableAnonymously(category: Identity | undefined, caseType: CaseType): boolean {
	return category?.identity === 'anonymous' && category.case_types.includes(caseType);
}

/** The types the categories of anonymous reporting take, in the order they first appear. */
export function anonymousTypes(categories: Iterable<Identity>): CaseType[] {
	const types = new Set<CaseType>();
	for (const category of categories) if (category.identity === 'anonymous') for (const type of category.case_types) types.add(type);
	return [...types];
}
