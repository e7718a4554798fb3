/** The citizen's session at a self-service kiosk (issue 12), as both the kiosk screen and the
 * server see it. */
import { anonymousTypes, reportableAnonymously } from './anonymous-report.js';
import type { CaseType, CategoryDoc } from './doc-types.js';

/** The server forgets a kiosk's citizen this long after the session started, even when the
 * device never said "finish" (switched off, network gone). The screen's idle time-out is shorter. */
export const KIOSK_SESSION_MAX_MS = 30 * 60_000;

/** The idle time-out of the kiosk screen unless configured otherwise. */
export const KIOSK_IDLE_DEFAULT_MS = 90_000;

/** What may be filed without a phone number: a suggestion needs no answer to the person, so no
 * way to reach them; an inquiry or complaint does (the reply, the request for information, the
 * rating), so those need a proven phone. */
export const KIOSK_ANONYMOUS_CASE_TYPES: readonly CaseType[] = ['suggestion'];

/** Whether a case of this type in this category may be filed without a phone: a suggestion, or
 * any type a category of anonymous reporting takes (issue 14, identity levels: its reporters
 * expect no answer of their own, the entity fixes what was reported). */
export function fileableWithoutPhone(caseType: CaseType, category: Pick<CategoryDoc, 'identity' | 'case_types'> | undefined): boolean {
	return KIOSK_ANONYMOUS_CASE_TYPES.includes(caseType) || reportableAnonymously(category, caseType);
}

/** The types a kiosk session without a phone may choose from: suggestions, and those of the
 * categories of anonymous reporting. */
export function typesWithoutPhone(categories: Iterable<Pick<CategoryDoc, 'identity' | 'case_types'>>): CaseType[] {
	return [...new Set([...KIOSK_ANONYMOUS_CASE_TYPES, ...anonymousTypes(categories)])];
}

/** Photos a citizen may take with the kiosk's camera for one case: each is re-encoded on the
 * device, and the signed filing request carries them inline, so its size stays bounded. */
export const KIOSK_PHOTOS_MAX = 3;

/** The kiosk's coordinates when its registered location gives them ("26.2235, 50.5876"), as the
 * form's location field holds them; otherwise none (a place described in words). */
export function kioskCoordinates(location: string | null | undefined): { lat: string; lng: string } | null {
	const match = /(-?\d{1,2}(?:\.\d+)?)\s*[,،]\s*(-?\d{1,3}(?:\.\d+)?)/.exec(location ?? '');
	if (!match) return null;
	return Math.abs(Number(match[1])) <= 90 && Math.abs(Number(match[2])) <= 180 ? { lat: match[1], lng: match[2] } : null;
}

/** The user-timing measure the kiosk screen records for each session it ends: from the time-out
 * (or "finish") to a clean device (`npm run bench`, kiosk.session_wipe_ms). */
export const WIPE_MEASURE = 'kiosk.session_wipe';

/** The page a citizen's phone opens from the kiosk's QR code to sign in there from their own
 * phone (sync-server/src/kiosk/phone-link.ts), and the address parameter carrying the link. */
export const KIOSK_LINK_PATH = '/kiosk-link';
export const KIOSK_LINK_PARAM = 't';

/** Where a kiosk's link stands: waiting for the phone, confirmed there (the kiosk opens the
 * session), declined there, taken by the kiosk, or past its time. */
export type KioskLinkStatus = 'waiting' | 'confirmed' | 'declined' | 'used' | 'expired';

/** How often the kiosk asks whether its link was confirmed. */
export const KIOSK_LINK_POLL_MS = 2_000;

/** The session a kiosk opens once the citizen confirmed its link on their phone. */
export interface KioskPhoneSession {
	grant: string | null;
	/** The last digits of the citizen's number, to show who is signed in; null without one. */
	phone_end: string | null;
}

/** How long the anonymous report's page waits for the reference before saying it was sent
 * without one on screen. */
export const ANONYMOUS_REPORT_RECEIPT_WAIT_MS = 20_000;
